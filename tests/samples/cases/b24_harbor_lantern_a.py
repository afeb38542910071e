# Three-class classifier on synthetic 4-d clusters: a two-layer MLP with ReLU and
# softmax cross-entropy, trained with a small Adam optimizer on shuffled minibatches.
from dataclasses import dataclass
from typing import Iterator, List, Tuple

import numpy as np


@dataclass
class Config:
    n_samples: int = 600
    n_features: int = 4
    n_hidden: int = 32
    n_classes: int = 3
    lr: float = 0.003
    batch_size: int = 32
    epochs: int = 30
    seed: int = 7


class Linear:
    def __init__(self, n_in: int, n_out: int, rng: np.random.Generator):
        self.W = (rng.standard_normal((n_in, n_out)) * np.sqrt(2.0 / n_in)).astype(np.float32)
        self.b = np.zeros(n_out, dtype=np.float32)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad: np.ndarray) -> np.ndarray:
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0)
        return grad @ self.W.T


class ReLU:
    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad * self.mask


class MLP:
    def __init__(self, cfg: Config, rng: np.random.Generator):
        self.layers = [Linear(cfg.n_features, cfg.n_hidden, rng), ReLU(),
                       Linear(cfg.n_hidden, cfg.n_classes, rng)]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, grad: np.ndarray) -> None:
        for layer in reversed(self.layers):
            grad = layer.backward(grad)

    def parameters(self) -> List[np.ndarray]:
        return [p for l in self.layers if isinstance(l, Linear) for p in (l.W, l.b)]

    def gradients(self) -> List[np.ndarray]:
        return [g for l in self.layers if isinstance(l, Linear) for g in (l.dW, l.db)]


class Adam:
    def __init__(self, params: List[np.ndarray], lr: float, beta1=0.9, beta2=0.999, eps=1e-7):
        self.params, self.lr, self.beta1, self.beta2, self.eps = params, lr, beta1, beta2, eps
        self.state = {"t": 0, "m": [np.zeros_like(p) for p in params],
                      "v": [np.zeros_like(p) for p in params]}

    def step(self, grads: List[np.ndarray]) -> None:
        self.state["t"] += 1
        t = self.state["t"]
        for p, g, m, v in zip(self.params, grads, self.state["m"], self.state["v"]):
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            m_hat = m / (1 - self.beta1 ** t)
            v_hat = v / (1 - self.beta2 ** t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def softmax_xent(logits: np.ndarray, y: np.ndarray) -> Tuple[float, np.ndarray]:
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z)
    probs /= probs.sum(axis=1, keepdims=True)
    n = len(y)
    loss = -np.log(probs[np.arange(n), y] + 1e-7).mean()
    grad = probs.copy()
    grad[np.arange(n), y] -= 1
    return float(loss), grad / n


def batches(X: np.ndarray, y: np.ndarray, size: int, rng) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
    order = rng.permutation(len(X))
    for i in range(0, len(X), size):
        idx = order[i:i + size]
        yield X[idx], y[idx]


def make_data(cfg: Config, rng: np.random.Generator):
    centers = rng.standard_normal((cfg.n_classes, cfg.n_features)).astype(np.float32) * 3.0
    y = rng.integers(0, cfg.n_classes, cfg.n_samples)
    X = centers[y] + rng.standard_normal((cfg.n_samples, cfg.n_features)).astype(np.float32)
    return X.astype(np.float32), y


def main() -> None:
    cfg = Config()
    rng = np.random.default_rng(cfg.seed)
    X, y = make_data(cfg, rng)
    model = MLP(cfg, rng)
    opt = Adam(model.parameters(), lr=cfg.lr)
    history = {"loss": []}
    for epoch in range(cfg.epochs):
        losses = []
        for xb, yb in batches(X, y, cfg.batch_size, rng):
            loss, grad = softmax_xent(model(xb), yb)
            model.backward(grad)
            opt.step(model.gradients())
            losses.append(loss)
        history["loss"].append(float(np.mean(losses)))
        if epoch % 5 == 0 or epoch == cfg.epochs - 1:
            print(f"epoch {epoch:3d} loss {history['loss'][-1]:.4f}")
    acc = float((model(X).argmax(axis=1) == y).mean())
    print(f"first_loss={history['loss'][0]:.4f} final_loss={history['loss'][-1]:.4f}")
    print(f"accuracy={acc:.4f}")


if __name__ == "__main__":
    main()
