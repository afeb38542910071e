# Small convolutional network that tells apart three 8x8 stroke patterns (horizontal,
# vertical, diagonal) in noisy synthetic images. Conv(3x3) -> tanh -> dense -> softmax,
# trained with SGD plus momentum; progress is reported through callback objects.
from dataclasses import dataclass, field
from typing import Callable, Dict, List

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


@dataclass
class TrainConfig:
    n_images: int = 300
    size: int = 8
    n_filters: int = 6
    lr: float = 0.05
    momentum: float = 0.9
    epochs: int = 60
    seed: int = 3
    callbacks: List[Callable[[int, Dict[str, float]], None]] = field(default_factory=list)


class Module:
    def parameters(self) -> List[np.ndarray]:
        return []

    def grads(self) -> List[np.ndarray]:
        return []


class Conv2D(Module):
    def __init__(self, n_filters: int, k: int, rng: np.random.RandomState):
        self.k = k
        self.W = rng.randn(n_filters, k, k) * np.sqrt(1.0 / (k * k))
        self.b = np.zeros(n_filters)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        win = sliding_window_view(x, (self.k, self.k), axis=(1, 2))  # N,H',W',k,k
        self.out_shape = win.shape[:3]
        self.cols = win.reshape(-1, self.k * self.k)
        out = np.einsum("pk,fk->pf", self.cols, self.W.reshape(len(self.W), -1)) + self.b
        return out.reshape(*self.out_shape, -1).transpose(0, 3, 1, 2)

    def backward(self, grad: np.ndarray) -> None:
        g = grad.transpose(0, 2, 3, 1).reshape(-1, len(self.W))
        self.dW = (g.T @ self.cols).reshape(self.W.shape)
        self.db = g.sum(axis=0)

    def parameters(self): return [self.W, self.b]
    def grads(self): return [self.dW, self.db]


class Tanh(Module):
    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        self.out = np.tanh(x)
        return self.out

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad * (1.0 - self.x ** 2)


class Dense(Module):
    def __init__(self, n_in: int, n_out: int, rng: np.random.RandomState):
        self.W = rng.randn(n_in, n_out) * np.sqrt(1.0 / n_in)
        self.b = np.zeros(n_out)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.shape = x.shape
        self.x = x.reshape(len(x), -1)
        return self.x @ self.W + self.b

    def backward(self, grad: np.ndarray) -> np.ndarray:
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0)
        return (grad @ self.W.T).reshape(self.shape)

    def parameters(self): return [self.W, self.b]
    def grads(self): return [self.dW, self.db]


class MomentumSGD:
    def __init__(self, modules: List[Module], lr: float, momentum: float):
        self.modules, self.lr, self.momentum = modules, lr, momentum
        self.state: Dict[int, np.ndarray] = {}

    def step(self) -> None:
        for m in self.modules:
            for p, g in zip(m.parameters(), m.grads()):
                v = self.state.setdefault(id(p), np.zeros_like(p))
                v *= self.momentum
                v -= self.lr * g
                p += v


def make_images(cfg: TrainConfig, rng: np.random.RandomState):
    y = rng.randint(0, 3, cfg.n_images)
    X = rng.randn(cfg.n_images, cfg.size, cfg.size) * 0.3
    for i, c in enumerate(y):
        r = rng.randint(1, cfg.size - 1)
        if c == 0:
            X[i, r, :] += 1.0
        elif c == 1:
            X[i, :, r] += 1.0
        else:
            X[i] += np.eye(cfg.size)
    return X, y


def print_every(n: int, last: int):
    def cb(epoch: int, logs: Dict[str, float]) -> None:
        if epoch % n == 0 or epoch == last:
            print(f"epoch {epoch:3d}  loss {logs['loss']:.4f}")
    return cb


def fit(cfg: TrainConfig) -> None:
    rng = np.random.RandomState(cfg.seed)
    X, y = make_images(cfg, rng)
    conv, act = Conv2D(cfg.n_filters, 3, rng), Tanh()
    head = Dense(cfg.n_filters * (cfg.size - 2) ** 2, 3, rng)
    opt = MomentumSGD([conv, head], cfg.lr, cfg.momentum)
    n, history = len(y), []
    for epoch in range(cfg.epochs):
        logits = head(act(conv(X)))
        logits = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(probs[np.arange(n), y]))
        history.append(loss)
        for cb in cfg.callbacks:
            cb(epoch, {"loss": loss})
        d = probs.copy()
        d[np.arange(n), y] -= 1.0
        conv.backward(act.backward(head.backward(d / n)))
        opt.step()
    acc = np.mean(head(act(conv(X))).argmax(axis=1) == y)
    print(f"first_loss={history[0]:.4f} final_loss={history[-1]:.4f}")
    print(f"accuracy={acc:.4f}")


if __name__ == "__main__":
    fit(TrainConfig(callbacks=[print_every(10, TrainConfig.epochs - 1)]))
