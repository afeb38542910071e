# Regression MLP (3 -> 32 -> 32 -> 1, ReLU) fitting a smooth nonlinear function of three
# inputs. A tiny Module/Sequential framework, minibatches from a shuffling generator, and
# SGD with momentum; a callback collects the epoch losses.
from dataclasses import dataclass
from typing import Callable, Iterator, List, Tuple

import numpy as np


@dataclass
class Hyper:
    n: int = 1024
    batch_size: int = 128
    epochs: int = 40
    lr: float = 0.02
    momentum: float = 0.9
    seed: int = 5


class Module:
    def parameters(self) -> List[np.ndarray]:
        return []

    def grads(self) -> List[np.ndarray]:
        return []


class Linear(Module):
    def __init__(self, fan_in: int, fan_out: int, rng: np.random.RandomState) -> None:
        self.weight = rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))
        self.bias = np.zeros((1, fan_out))

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.cache = x
        return x @ self.weight + self.bias

    def backward(self, dy: np.ndarray) -> np.ndarray:
        self.d_weight = self.cache.T @ dy
        self.d_bias = dy.sum(axis=0, keepdims=True)
        return dy @ self.weight.T

    def parameters(self): return [self.weight, self.bias]
    def grads(self): return [self.d_weight, self.d_bias]


class ReLU(Module):
    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.active = x > 0
        return np.where(self.active, x, 0.0)

    def backward(self, dy: np.ndarray) -> np.ndarray:
        return dy * self.active


class Sequential(Module):
    def __init__(self, *mods: Module) -> None:
        self.mods = mods

    def __call__(self, x: np.ndarray) -> np.ndarray:
        for m in self.mods:
            x = m(x)
        return x

    def backward(self, dy: np.ndarray) -> None:
        for m in reversed(self.mods):
            dy = m.backward(dy)

    def parameters(self): return [p for m in self.mods for p in m.parameters()]
    def grads(self): return [g for m in self.mods for g in m.grads()]


class SGDMomentum:
    def __init__(self, model: Module, lr: float, momentum: float) -> None:
        self.model, self.lr, self.momentum = model, lr, momentum
        self.state = {"velocity": [np.zeros_like(p) for p in model.parameters()], "steps": 0}

    def step(self) -> None:
        self.state["steps"] += 1
        for p, g, v in zip(self.model.parameters(), self.model.grads(), self.state["velocity"]):
            v[:] = self.momentum * v - self.lr * g
            p += v


def iterate(X: np.ndarray, y: np.ndarray, bs: int, rng) -> Iterator[Tuple[np.ndarray, np.ndarray]]:
    perm = rng.permutation(len(X))
    for start in range(0, len(X), bs):
        sel = perm[start:start + bs]
        yield X[sel], y[sel]


def train(hp: Hyper, on_epoch: Callable[[int, float], None]) -> None:
    rng = np.random.RandomState(hp.seed)
    X = rng.uniform(-2, 2, (hp.n, 3))
    y = (np.sin(X[:, :1]) + 0.5 * X[:, 1:2] ** 2 - 0.3 * X[:, 2:3] + 0.05 * rng.randn(hp.n, 1))
    net = Sequential(Linear(3, 32, rng), ReLU(), Linear(32, 32, rng), ReLU(), Linear(32, 1, rng))
    opt = SGDMomentum(net, hp.lr, hp.momentum)
    for epoch in range(hp.epochs):
        total = 0.0
        for xb, yb in iterate(X, y, hp.batch_size, rng):
            pred = net(xb)
            total += float(np.sum((pred - yb) ** 2))
            net.backward(2.0 * (pred - yb))
            opt.step()
        on_epoch(epoch, total / hp.n)


if __name__ == "__main__":
    losses: List[float] = []

    def logger(epoch: int, loss: float) -> None:
        losses.append(loss)
        if epoch % 5 == 0 or epoch == Hyper.epochs - 1:
            print(f"epoch {epoch:3d} loss {loss:.5f}")

    train(Hyper(), logger)
    print(f"first_loss={losses[0]:.5f} final_loss={losses[-1]:.5f}")
