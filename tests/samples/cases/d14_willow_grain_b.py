# predict a tasting score (1..10) of a batch of cider from 5 lab measurements
# net: 5 -> 8 (tanh) -> 1 (sigmoid), mean squared error, full-batch gradient descent
# written functionally: params is a namedtuple, forward/backward return tuples
from collections import namedtuple
import numpy as np

Params = namedtuple("Params", ["W1", "b1", "W2", "b2"])

rng = np.random.default_rng(77)
n = 500
lab = rng.normal(size=(n, 5))
quality = 5.5 + 1.6 * np.tanh(lab @ np.array([0.8, -0.5, 0.3, 0.0, 0.6]) + 0.4 * lab[:, 1] * lab[:, 2])
quality = np.clip(quality + 0.2 * rng.normal(size=n), 1, 10).reshape(-1, 1)

target = quality


def init(key_rng, n_in, n_hidden):
    return Params(
        W1=key_rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_hidden)),
        b1=np.zeros(n_hidden),
        W2=key_rng.normal(0, 1 / np.sqrt(n_hidden), (n_hidden, 1)),
        b2=np.zeros(1),
    )


def forward(params, x):
    h = np.tanh(x @ params.W1 + params.b1)
    out = 1 / (1 + np.exp(-(h @ params.W2 + params.b2)))
    return out, (x, h, out)


def loss_fn(out, y):
    return float(np.mean((out - y) ** 2))


def backward(params, cache, y):
    x, h, out = cache
    d_out = 2 * (out - y) / len(y)
    dz2 = d_out * out * (1 - out)
    dW2 = h.T @ dz2
    db2 = dz2.sum(axis=0)
    dz1 = (dz2 @ params.W2.T) * (1 - h ** 2)
    dW1 = x.T @ dz1
    db1 = dz1.sum(axis=0)
    return Params(dW1, db1, dW2, db2)


def sgd(params, grads, lr):
    return Params(*(p - lr * g for p, g in zip(params, grads)))


def r2_score(out, y):
    return 1 - np.sum((out - y) ** 2) / np.sum((y - y.mean()) ** 2)


params = init(rng, 5, 8)
out, _ = forward(params, lab)
print("first_loss=%.5f" % loss_fn(out, target))

for step in range(3000):
    out, cache = forward(params, lab)
    grads = backward(params, cache, target)
    params = sgd(params, grads, lr=2.0)
    if step % 500 == 0:
        print(step, loss_fn(out, target))

out, _ = forward(params, lab)
print("final_loss=%.5f" % loss_fn(out, target))
print("r2=%.4f" % r2_score(out, target))
