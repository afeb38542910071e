# Two-layer network (4 -> 8 sigmoid -> 3 softmax) sorting sensor readings into three machine states.
# Functions for the forward and backward passes, np.dot, full-batch gradient descent.
# Run: python mlp_states_functions.py
import numpy as np


def init_params(n_in, n_hidden, n_out):
    W1 = np.random.randn(n_in, n_hidden) * np.sqrt(1.0 / n_in)
    b1 = np.zeros(n_hidden)
    W2 = np.random.randn(n_hidden, n_out) * np.sqrt(1.0 / n_hidden)
    b2 = np.zeros(n_out)
    return W1, b1, W2, b2


def forward(X, W1, b1, W2, b2):
    hidden = 1.0 / (1.0 + np.exp(-(np.dot(X, W1) + b1)))
    scores = np.dot(hidden, W2) + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    return hidden, probs


def backward(X, T, hidden, probs, W2):
    d_out = (probs - T) / len(X)
    d_hidden = np.dot(d_out, W2.T) * hidden * (1 - hidden)
    return np.dot(X.T, d_hidden), d_hidden.sum(axis=0), np.dot(hidden.T, d_out), d_out.sum(axis=0)


np.random.seed(8)
centres = np.array([[2.0, 0.0, -1.0, 1.0], [-2.0, 1.0, 1.0, 0.0], [0.0, -2.0, 0.0, -1.5]])
labels = np.repeat(np.arange(3), [150, 100, 50])
X = centres[labels] + np.random.randn(300, 4) * 0.8
X = (X - X.mean(axis=0)) / X.std(axis=0)
T = np.eye(3)[labels]
W1, b1, W2, b2 = init_params(4, 8, 3)
for step in range(400):
    hidden, probs = forward(X, W1, b1, W2, b2)
    gW1, gb1, gW2, gb2 = backward(X, T, hidden, probs, W2)
    W1 -= 0.5 * gW1
    b1 -= 0.5 * gb1
    W2 -= 0.5 * gW2
    b2 -= 0.5 * gb2
    if step % 50 == 0:
        loss = -np.mean(np.log(probs[np.arange(len(X)), labels] + 1e-12))
        print(f"step {step:3d}  loss {loss:.4f}  acc {np.mean(probs.argmax(axis=1) == labels):.3f}")
hidden, probs = forward(X, W1, b1, W2, b2)
print(f"final loss {-np.mean(np.log(probs[np.arange(len(X)), labels] + 1e-12)):.4f} "
      f"acc {np.mean(probs.argmax(axis=1) == labels):.3f}")
