# 3-class blobs with a deeper tanh net, weights kept in python lists, minibatches of 32
import numpy as np

rng = np.random.default_rng(5)
centres = np.array([[0.0, 2.0], [-1.8, -1.0], [1.8, -1.0]])
cls = np.repeat(np.arange(3), 100)
feats = centres[cls] + rng.normal(scale=0.7, size=(300, 2))
onehot = np.eye(3)[cls]

sizes = [2, 16, 16, 16, 16, 3]
mats = []
offs = []
for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
    mats.append(rng.normal(size=(fan_in, fan_out)) / np.sqrt(fan_in))
    offs.append(np.zeros(fan_out))
eta = 0.1


def softmax(scores):
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def run(batch):
    acts = [batch]
    for k in range(len(mats)):
        z = acts[-1] @ mats[k] + offs[k]
        acts.append(np.tanh(z) if k < len(mats) - 1 else softmax(z))
    return acts


def xent(prob, tgt):
    return -np.mean(np.sum(tgt * np.log(prob + 1e-12), axis=1))


print(f"first_loss={xent(run(feats)[-1], onehot):.4f}")
for epoch in range(40):
    order = rng.permutation(300)
    for start in range(0, 300, 32):
        idx = order[start:start + 32]
        acts = run(feats[idx])
        delta = (acts[-1] - onehot[idx]) / len(idx)
        for k in reversed(range(len(mats))):
            gmat = acts[k].T @ delta
            goff = delta.sum(axis=0)
            if k > 0:
                delta = (delta @ mats[k].T) * (1 - acts[k] ** 2)
            mats[k] -= eta * gmat
            offs[k] -= eta * goff
    if epoch % 10 == 0:
        print(f"epoch={epoch} loss={xent(run(feats)[-1], onehot):.4f}")

probs = run(feats)[-1]
print(f"final_loss={xent(probs, onehot):.4f}")
print(f"accuracy={np.mean(probs.argmax(axis=1) == cls):.3f}")
