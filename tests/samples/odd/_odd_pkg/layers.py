"""A layer in a package, imported with from-imports by imports_local.py."""
from numpy import dot, tanh


def dense(x, w):
    z = dot(x, w)
    a = tanh(z)
    return a
