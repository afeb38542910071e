# Curve fit with a one-hidden-layer tanh net whose weights live in a dataclass.
from dataclasses import dataclass

import numpy as np


@dataclass
class Weights:
    inner: np.ndarray
    inner_off: np.ndarray
    outer: np.ndarray
    outer_off: float


rs = np.random.default_rng(21)
xs = np.linspace(-2.0, 2.0, 120)[:, None]
ys = np.sin(1.5 * xs[:, 0]) + 0.3 * xs[:, 0]
net = Weights(rs.normal(0.0, 1.0, (1, 16)), rs.normal(0.0, 0.5, 16), rs.normal(0.0, 0.3, 16), 0.0)


def forward(w, inputs):
    pre = inputs @ w.inner + w.inner_off
    return pre, np.tanh(pre)


for it in range(2000):
    pre, hid = forward(net, xs)
    out = hid @ net.outer + net.outer_off
    err = out - ys
    mse = float(np.mean(err ** 2))
    g_out = 2.0 * err / len(ys)
    g_hid = np.outer(g_out, net.outer) * (1.0 - hid ** 2)
    net.outer = net.outer - 0.05 * hid.T @ g_out
    net.outer_off = net.outer_off - 0.05 * float(g_out.sum())
    net.inner = net.inner - 0.05 * xs.T @ g_hid
    net.inner_off = net.inner_off - 0.05 * g_hid.sum(axis=0)
    if it % 400 == 0 or it == 1999:
        print(f"iter {it} mse {mse:.5f}")
