"""Odd input: an uncaught exception deep in user code, with a chained cause."""
import numpy as np


def layer(x, w):
    return x @ w


def forward(x):
    try:
        return layer(x, np.ones((4, 2)))
    except ValueError as e:
        raise RuntimeError("forward failed") from e


h = np.ones((2, 3))
out = forward(h)
