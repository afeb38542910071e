"""Odd input: __slots__, properties, decorators, dataclasses, class attributes and inheritance."""
import functools
from dataclasses import dataclass, field
import numpy as np


def logged(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        result = fn(*args, **kwargs)
        wrapper.calls += 1
        return result
    wrapper.calls = 0
    return wrapper


class Slotted:
    __slots__ = ("w", "b", "_lr")

    def __init__(self, n):
        self.w = np.linspace(0, 1, n)
        self.b = 0.0
        self._lr = 0.1

    @property
    def lr(self):
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = value * 1.0

    @logged
    def step(self, g):
        self.w -= self.lr * g
        self.b = self.b - self.lr * g.sum()
        return self.w

    @staticmethod
    def loss(w):
        l2 = float((w ** 2).sum())
        return l2

    @classmethod
    def make(cls, n):
        obj = cls(n)
        return obj


@dataclass
class Config:
    lr: float = 0.05
    sizes: list = field(default_factory=lambda: [3, 2])


class Base:
    scale = np.float64(2.0)

    def forward(self, x):
        y = x * self.scale
        return y


class Child(Base):
    def forward(self, x):
        z = super().forward(x) + 1
        return z


@functools.lru_cache(maxsize=None)
def cached(n):
    return np.arange(n).sum()


net = Slotted.make(5)
cfg = Config()
for i in range(30):
    g = net.w * 0.3 - 0.1
    net.step(g)
    net.lr = net.lr * 0.99
    loss = Slotted.loss(net.w)
out = Child().forward(np.ones(3))
print(net.w, net.b, net.lr, loss, Slotted.step.calls, cfg, out, cached(10), cached(10), sep="\n")
