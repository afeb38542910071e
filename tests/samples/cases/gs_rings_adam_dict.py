# Two rings, one-hidden-layer sigmoid classifier in a class, params in a dict, Adam on minibatches, float32.
import numpy as np


class RingNet:
    def __init__(self, n_in, n_hidden, seed=3):
        rng = np.random.default_rng(seed)
        self.params = {
            "w1": (rng.standard_normal((n_in, n_hidden)) * 0.5).astype(np.float32),
            "b1": np.zeros(n_hidden, dtype=np.float32),
            "w2": (rng.standard_normal((n_hidden, 1)) * 0.5).astype(np.float32),
            "b2": np.zeros(1, dtype=np.float32),
        }
        self.m = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.t = 0

    @staticmethod
    def squash(z):
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))

    @staticmethod
    def squash_slope(s):
        return 1.0 - s

    def forward(self, feats):
        p = self.params
        self.inp = feats
        self.hid = self.squash(feats @ p["w1"] + p["b1"])
        self.out = self.squash(self.hid @ p["w2"] + p["b2"])
        return self.out

    def backward(self, target):
        p = self.params
        count = target.shape[0]
        d_out = (self.out - target) / count
        d_hid = (d_out @ p["w2"].T) * self.squash_slope(self.hid)
        return {
            "w2": self.hid.T @ d_out, "b2": d_out.sum(axis=0),
            "w1": self.inp.T @ d_hid, "b1": d_hid.sum(axis=0),
        }

    def adam_step(self, grads, alpha=0.01, beta1=0.9, beta2=0.999, eps=1e-7):
        self.t += 1
        for k in self.params:
            self.m[k] = beta1 * self.m[k] + (1 - beta1) * grads[k]
            self.v[k] = beta2 * self.v[k] + (1 - beta2) * grads[k] ** 2
            m_hat = self.m[k] / (1 - beta1 ** self.t)
            v_hat = self.v[k] / (1 - beta2 ** self.t)
            self.params[k] -= (alpha * m_hat / (np.sqrt(v_hat) + eps)).astype(np.float32)


rng = np.random.default_rng(11)
radius = np.concatenate([rng.uniform(0.0, 1.0, 200), rng.uniform(1.6, 2.6, 200)])
angle = rng.uniform(0, 2 * np.pi, 400)
pts = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1).astype(np.float32)
labels = np.concatenate([np.zeros(200), np.ones(200)]).reshape(-1, 1).astype(np.float32)

net = RingNet(2, 8)
order = np.arange(400)
for epoch in range(300):
    rng.shuffle(order)
    for start in range(0, 400, 32):
        idx = order[start:start + 32]
        net.forward(pts[idx])
        net.adam_step(net.backward(labels[idx]))
    if epoch % 50 == 0 or epoch == 299:
        prob = net.forward(pts)
        bce = -np.mean(labels * np.log(prob + 1e-7) + (1 - labels) * np.log(1 - prob + 1e-7))
        acc = np.mean((prob > 0.5) == (labels > 0.5))
        print(f"epoch {epoch} loss {bce:.4f} accuracy {acc:.3f}")
