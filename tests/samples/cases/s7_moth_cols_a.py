# softmax classifier for 3 kinds of moth from 5 wing measurements
# layout: every column is one moth (features x samples), Adam on minibatches
import numpy as np

rng = np.random.default_rng(21)
centres = rng.normal(scale=2.0, size=(5, 3)).astype(np.float32)
kind = rng.integers(0, 3, size=600)
wings = (centres[:, kind] + rng.normal(size=(5, 600))).astype(np.float32)
onehot = np.eye(3, dtype=np.float32)[:, kind]          # 3 x 600

net = {"M": np.zeros((3, 5), np.float32), "c": np.zeros((3, 1), np.float32)}
moments = {k: [np.zeros_like(v), np.zeros_like(v)] for k, v in net.items()}
settings = {"step": 1e-2, "b1": 0.9, "b2": 0.999, "eps": 1e-8}


def probs(cols):
    s = net["M"] @ cols + net["c"]
    s = s - s.max(axis=0, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=0, keepdims=True)


def xent():
    return float(-np.mean(np.sum(onehot * np.log(probs(wings) + 1e-9), axis=0)))


print(f"first_loss={xent():.4f}")
t = 0
for sweep in range(30):
    order = rng.permutation(600)
    for start in range(0, 600, 60):
        cols = order[start:start + 60]
        p = probs(wings[:, cols])
        d = (p - onehot[:, cols]) / len(cols)
        grads = {"M": d @ wings[:, cols].T, "c": d.sum(axis=1, keepdims=True)}
        t += 1
        for k in net:
            m1, m2 = moments[k]
            m1[:] = settings["b1"] * m1 + (1 - settings["b1"]) * grads[k]
            m2[:] = settings["b2"] * m2 + (1 - settings["b2"]) * grads[k] ** 2
            mh = m1 / (1 - settings["b1"] ** t)
            vh = m2 / (1 - settings["b2"] ** t)
            net[k] -= (settings["step"] * mh / (np.sqrt(vh) + settings["eps"])).astype(np.float32)
    if sweep % 10 == 0:
        print(f"sweep={sweep} xent={xent():.4f}")

print(f"final_loss={xent():.4f}")
print(f"accuracy={np.mean(probs(wings).argmax(axis=0) == kind):.3f}")
