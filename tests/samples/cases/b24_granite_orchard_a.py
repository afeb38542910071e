# Undercomplete autoencoder (20 -> 4 -> 20, tanh code layer, float32) that learns to
# compress centred synthetic data generated from four hidden factors. Full-batch training
# with an Adagrad optimizer; reconstruction error is tracked in a history dict.
from dataclasses import dataclass
from typing import Dict, List

import numpy as np


@dataclass
class AEConfig:
    n_samples: int = 400
    n_features: int = 20
    code_size: int = 4
    lr: float = 0.05
    steps: int = 300
    log_every: int = 50


class Layer:
    def parameters(self) -> List[np.ndarray]:
        return []

    def gradients(self) -> List[np.ndarray]:
        return []


class Dense(Layer):
    def __init__(self, n_in: int, n_out: int):
        self.W = (np.random.randn(n_in, n_out) / np.sqrt(n_in)).astype(np.float32)
        self.b = np.zeros(n_out, dtype=np.float32)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.inp = x
        return x @ self.W + self.b

    def backward(self, g: np.ndarray) -> np.ndarray:
        self.gW = self.inp.T @ g
        self.gb = g.sum(axis=0)
        return g @ self.W.T

    def parameters(self): return [self.W, self.b]
    def gradients(self): return [self.gW, self.gb]


class Tanh(Layer):
    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.y = np.tanh(x)
        return self.y

    def backward(self, g: np.ndarray) -> np.ndarray:
        return g * (1.0 - self.y * self.y)


class AutoEncoder:
    def __init__(self, cfg: AEConfig):
        self.layers: List[Layer] = [Dense(cfg.n_features, cfg.code_size), Tanh(),
                                    Dense(cfg.code_size, cfg.n_features)]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, g: np.ndarray) -> None:
        for layer in reversed(self.layers):
            g = layer.backward(g)

    def parameters(self) -> List[np.ndarray]:
        return [p for layer in self.layers for p in layer.parameters()]

    def gradients(self) -> List[np.ndarray]:
        return [g for layer in self.layers for g in layer.gradients()]


class Adagrad:
    def __init__(self, params: List[np.ndarray], lr: float, eps: float = 1e-8):
        self.params, self.lr, self.eps = params, lr, eps
        self.state: Dict[int, np.ndarray] = {i: np.zeros_like(p) for i, p in enumerate(params)}

    def step(self, grads: List[np.ndarray]) -> None:
        for i, (p, g) in enumerate(zip(self.params, grads)):
            self.state[i] += g * g
            p -= self.lr * g / (np.sqrt(self.state[i]) + self.eps)


def make_data(cfg: AEConfig) -> np.ndarray:
    factors = np.random.randn(cfg.n_samples, cfg.code_size)
    mixing = np.random.randn(cfg.code_size, cfg.n_features) * 0.5
    X = np.tanh(factors @ mixing) + 0.05 * np.random.randn(cfg.n_samples, cfg.n_features)
    return (X - X.mean(axis=0)).astype(np.float32)


if __name__ == "__main__":
    np.random.seed(2024)
    cfg = AEConfig()
    X = make_data(cfg)
    model = AutoEncoder(cfg)
    opt = Adagrad(model.parameters(), lr=cfg.lr)
    history: Dict[str, List[float]] = {"step": [], "loss": []}
    for step in range(cfg.steps):
        recon = model(X)
        err = recon - X
        loss = float(np.mean(err ** 2))
        model.backward((2.0 / err.size) * err)
        opt.step(model.gradients())
        if step % cfg.log_every == 0 or step == cfg.steps - 1:
            history["step"].append(step)
            history["loss"].append(loss)
            print(f"step {step:4d} loss {loss:.5f}")
    print(f"first_loss={history['loss'][0]:.5f} final_loss={history['loss'][-1]:.5f}")
