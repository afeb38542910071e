# Three-class softmax classifier with one hidden layer, Adam written out by hand.
import numpy as np

rng = np.random.default_rng(9)
centres = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]])
pts = np.vstack([c + 0.7 * rng.normal(size=(100, 2)) for c in centres])
kind = np.repeat(np.arange(3), 100)
onehot = np.eye(3)[kind]

net = {"A": rng.normal(0, 0.5, (2, 16)), "a": np.zeros(16),
       "B": rng.normal(0, 0.25, (16, 3)), "b": np.zeros(3)}
moment = {}
square = {}
for key in net:
    moment[key] = square[key] = np.zeros_like(net[key])


def forward(p, xs):
    hid = np.maximum(0.0, xs @ p["A"] + p["a"])
    sc = hid @ p["B"] + p["b"]
    sc = sc - sc.max(axis=1, keepdims=True)
    e = np.exp(sc)
    return hid, e / e.sum(axis=1, keepdims=True)


def grads(p, xs, oh):
    hid, prob = forward(p, xs)
    d = (prob - oh) / len(xs)
    dh = (d @ p["B"].T) * (hid > 0)
    return {"A": xs.T @ dh, "a": dh.sum(0), "B": hid.T @ d, "b": d.sum(0)}


b1, b2, eps, step = 0.9, 0.999, 1e-8, 0.01
t = 0
_, prob = forward(net, pts)
first = -np.mean(np.log(prob[np.arange(300), kind] + 1e-12))
for rnd in range(40):
    for idx in np.array_split(rng.permutation(300), 10):
        t += 1
        g = grads(net, pts[idx], onehot[idx])
        for key in net:
            moment[key] *= b1
            moment[key] += (1 - b1) * g[key]
            square[key] *= b2
            square[key] += (1 - b2) * g[key] ** 2
            mh = moment[key] / (1 - b1 ** t)
            vh = square[key] / (1 - b2 ** t)
            net[key] -= step * mh / (np.sqrt(vh) + eps)
    _, prob = forward(net, pts)
    ce = -np.mean(np.log(prob[np.arange(300), kind] + 1e-12))
    if rnd % 8 == 0:
        print("round", rnd, "ce", ce)
acc = np.mean(prob.argmax(1) == kind)
print(f"first_loss={first:.4f}")
print(f"final_loss={ce:.4f}")
print(f"accuracy={acc:.3f}")
