# Vanilla recurrent network (tanh cell, float32) that reads a sequence of 10 noisy values
# and predicts whether their total is positive. Trained with backpropagation through
# time and an RMSProp optimizer on shuffled minibatches.
from dataclasses import dataclass
from typing import Dict, Iterator, List, Tuple

import numpy as np

F32 = np.float32


@dataclass(frozen=True)
class RNNConfig:
    seq_len: int = 10
    hidden: int = 16
    n_train: int = 512
    batch: int = 64
    epochs: int = 12
    lr: float = 0.003
    seed: int = 11


class Module:
    def parameters(self) -> List[np.ndarray]:
        raise NotImplementedError


class RNNClassifier(Module):
    def __init__(self, hidden: int, rng: np.random.Generator):
        self.Wx = (rng.standard_normal((1, hidden)) * 0.5).astype(F32)
        self.Wh = (rng.standard_normal((hidden, hidden)) / np.sqrt(hidden)).astype(F32)
        self.bh = np.zeros(hidden, dtype=F32)
        self.Wo = (rng.standard_normal((hidden, 1)) / np.sqrt(hidden)).astype(F32)
        self.bo = np.zeros(1, dtype=F32)

    def parameters(self) -> List[np.ndarray]:
        return [self.Wx, self.Wh, self.bh, self.Wo, self.bo]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        n, T = x.shape
        self.xs, self.hs = x, [np.zeros((n, self.Wh.shape[0]), dtype=F32)]
        for t in range(T):
            pre = x[:, t:t + 1] @ self.Wx + self.hs[-1] @ self.Wh + self.bh
            self.hs.append(np.tanh(pre))
        return (self.hs[-1] @ self.Wo + self.bo)[:, 0]

    def backward(self, dlogit: np.ndarray) -> List[np.ndarray]:
        dlogit = dlogit[:, None]
        grads = {"Wo": self.hs[-1].T @ dlogit, "bo": dlogit.sum(0),
                 "Wx": np.zeros_like(self.Wx), "Wh": np.zeros_like(self.Wh), "bh": np.zeros_like(self.bh)}
        dh = dlogit @ self.Wo.T
        for t in reversed(range(self.xs.shape[1])):
            dpre = dh * (1.0 - self.hs[t + 1] ** 2)
            grads["Wx"] += self.xs[:, t:t + 1].T @ dpre
            grads["Wh"] += self.hs[t].T @ dpre
            grads["bh"] += dpre.sum(0)
            dh = dpre @ self.Wh.T
        return [grads[k] for k in ("Wx", "Wh", "bh", "Wo", "bo")]


class RMSProp:
    def __init__(self, params: List[np.ndarray], lr: float = 3e-4, rho: float = 0.9, eps: float = 1e-6):
        self.params, self.lr, self.rho, self.eps = params, lr, rho, eps
        self.state: Dict[str, List[np.ndarray]] = {"sq": [np.zeros_like(p) for p in params]}

    def step(self, grads: List[np.ndarray]) -> None:
        for p, g, s in zip(self.params, grads, self.state["sq"]):
            s[...] = self.rho * s + (1 - self.rho) * g * g
            p -= self.lr * g / (np.sqrt(s) + self.eps)


def minibatches(X, y, size: int, rng) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
    idx = rng.permutation(len(X))
    for s in range(0, len(X), size):
        yield X[idx[s:s + size]], y[idx[s:s + size]]


def bce_with_logits(z: np.ndarray, y: np.ndarray) -> Tuple[float, np.ndarray]:
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
    loss = np.mean(np.logaddexp(0, z) - y * z)
    return float(loss), ((p - y) / len(y)).astype(F32)


def main() -> None:
    cfg = RNNConfig()
    rng = np.random.default_rng(cfg.seed)
    X = rng.uniform(-1, 1, (cfg.n_train, cfg.seq_len)).astype(F32)
    y = (X.sum(axis=1) > 0).astype(F32)
    model = RNNClassifier(cfg.hidden, rng)
    opt = RMSProp(model.parameters(), lr=cfg.lr)
    history: Dict[str, List[float]] = {"loss": [], "acc": []}
    for epoch in range(cfg.epochs):
        for xb, yb in minibatches(X, y, cfg.batch, rng):
            _, dz = bce_with_logits(model(xb), yb)
            opt.step(model.backward(dz))
        z = model(X)
        loss, _ = bce_with_logits(z, y)
        history["loss"].append(loss)
        history["acc"].append(float(np.mean((z > 0) == (y > 0.5))))
        if epoch % 2 == 0 or epoch == cfg.epochs - 1:
            print(f"epoch {epoch:2d} loss {loss:.4f}")
    print(f"first_loss={history['loss'][0]:.4f} final_loss={history['loss'][-1]:.4f}")
    print(f"accuracy={history['acc'][-1]:.4f}")


if __name__ == "__main__":
    main()
