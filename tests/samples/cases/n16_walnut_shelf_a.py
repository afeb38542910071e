# small Elman RNN that reads 8 numbers and has to output half of their total
# parameters and settings live in dataclasses, minibatch SGD with gradient clipping
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Config:
    hidden: int = 12
    lr: float = 3e-4
    epochs: int = 40
    batch: int = 25
    clip: float = 5.0
    seed: int = 2


@dataclass
class RNNParams:
    Wx: np.ndarray
    Wh: np.ndarray
    b: np.ndarray
    Wy: np.ndarray
    by: np.ndarray = field(default_factory=lambda: np.zeros(1))


cfg = Config(lr=0.01)
rng = np.random.default_rng(cfg.seed)

T, N = 8, 500
seqs = rng.uniform(-1, 1, size=(N, T))
target = 0.5 * seqs.sum(axis=1, keepdims=True)

H = cfg.hidden
p = RNNParams(Wx=rng.normal(0, 0.5, (1, H)),
              Wh=rng.normal(0, 1.0 / np.sqrt(H), (H, H)),
              b=np.zeros(H),
              Wy=rng.normal(0, 1.0 / np.sqrt(H), (H, 1)))


def run(p, xs):
    hs = [np.zeros((xs.shape[0], H))]
    for t in range(xs.shape[1]):
        hs.append(np.tanh(xs[:, t:t + 1] @ p.Wx + hs[-1] @ p.Wh + p.b))
    return hs, hs[-1] @ p.Wy + p.by


def mse(p):
    _, out = run(p, seqs)
    return float(np.mean((out - target) ** 2))


def grads(p, xs, ys):
    hs, out = run(p, xs)
    m = xs.shape[0]
    d_out = 2.0 * (out - ys) / m
    g = {"Wy": hs[-1].T @ d_out, "by": d_out.sum(axis=0),
         "Wx": np.zeros_like(p.Wx), "Wh": np.zeros_like(p.Wh), "b": np.zeros_like(p.b)}
    dh = d_out @ p.Wy.T
    for t in range(xs.shape[1], 0, -1):
        da = dh * (1.0 - hs[t] ** 2)
        g["Wx"] += xs[:, t - 1:t].T @ da
        g["Wh"] += hs[t - 1].T @ da
        g["b"] += da.sum(axis=0)
        dh = da @ p.Wh.T
    return g


print(f"first_loss={mse(p):.5f}")
for epoch in range(cfg.epochs):
    perm = rng.permutation(N)
    for s in range(0, N, cfg.batch):
        idx = perm[s:s + cfg.batch]
        g = grads(p, seqs[idx], target[idx])
        norm = np.sqrt(sum(np.sum(v ** 2) for v in g.values()))
        scale = min(1.0, cfg.clip / (norm + 1e-12))
        for name, gv in g.items():
            setattr(p, name, getattr(p, name) - Config.lr * scale * gv)
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d}  mse {mse(p):.5f}")

final = mse(p)
print(f"final_loss={final:.5f}")
print(f"r2={1.0 - final / np.var(target):.4f}")
