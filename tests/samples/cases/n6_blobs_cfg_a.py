# Three-class softmax classifier on 2-D blobs, float32, minibatches; settings kept together up front.
import numpy as np

settings = {"step": 0.5, "rounds": 60, "batch": 25}
gen = np.random.default_rng(11)
centres = np.array([[0.0, 2.0], [2.0, -1.5], [-2.0, -1.5]], dtype=np.float32)
labels = np.repeat(np.arange(3), 100)
pts = (centres[labels] + gen.normal(0, 0.9, (300, 2))).astype(np.float32)
onehot = np.eye(3, dtype=np.float32)[labels]

net = {"W": np.zeros((2, 3), np.float32), "b": np.zeros(3, np.float32)}


def probs(batch):
    z = batch @ net["W"] + net["b"]
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def xent(batch, tgt):
    return float(-np.mean(np.sum(tgt * np.log(probs(batch) + 1e-7), axis=1)))


first = xent(pts, onehot)
bs = settings["batch"]
for rnd in range(settings["rounds"]):
    order = gen.permutation(300)
    for k in range(0, 300, bs):
        idx = order[k:k + bs]
        p = probs(pts[idx])
        g = (p - onehot[idx]) / bs
        net["W"] -= settings["step"] * (pts[idx].T @ g)
        net["b"] -= settings["step"] * g.sum(axis=0)
    if rnd % 15 == 0:
        print("round", rnd, "xent", round(xent(pts, onehot), 4))
acc = float(np.mean(probs(pts).argmax(axis=1) == labels))
print(f"first_loss={first:.4f}")
print(f"final_loss={xent(pts, onehot):.4f}")
print(f"accuracy={acc:.3f}")
