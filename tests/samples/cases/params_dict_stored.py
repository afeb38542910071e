# Softmax regression on three blobs; parameters kept in a dict and updated in a loop over its items.
import numpy as np

rng = np.random.default_rng(21)
centres = np.array([[0.0, 3.0], [3.0, -1.0], [-3.0, -1.0]])
feats = np.vstack([rng.normal(c, 0.8, (60, 2)) for c in centres])
cls = np.repeat(np.arange(3), 60)
onehot = np.eye(3)[cls]

params = {"weights": rng.normal(0, 0.1, (2, 3)), "offset": np.zeros(3)}
step_size = 0.2


def forward(p, inp):
    scores = inp @ p["weights"] + p["offset"]
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def gradients(p, inp, targets):
    probs = forward(p, inp)
    diff = (probs - targets) / len(inp)
    return {"weights": inp.T @ diff, "offset": diff.sum(axis=0)}


losses = []
for sweep in range(150):
    probs = forward(params, feats)
    losses.append(float(-np.mean(np.sum(onehot * np.log(probs + 1e-12), axis=1))))
    if sweep % 25 == 0:
        print("epoch %d loss %.6f" % (sweep, losses[-1]))
    grads = gradients(params, feats, onehot)
    for name, value in params.items():
        params[name] = value - step_size * grads[name]

acc = float(np.mean(forward(params, feats).argmax(axis=1) == cls))
print("final_loss=%.6f" % losses[-1])
print("accuracy=%.4f" % acc)
