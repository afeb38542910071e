# predicting salt concentration from 3 tank readings with a small net
# model is just a list of (W, b) pairs, momentum SGD over shuffled batches
import numpy as np

np.random.seed(3)
N = 512
X = np.random.uniform(-2, 2, size=(N, 3))
y = (np.sin(X[:, 0]) + 0.5 * X[:, 1] * X[:, 2] - 0.3 * X[:, 2] ** 2).reshape(-1, 1)
y = y + 0.05 * np.random.randn(N, 1)

sizes = [3, 24, 16, 1]
model = []
for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
    model.append((np.random.randn(fan_in, fan_out) * np.sqrt(1.0 / fan_in), np.zeros(fan_out)))
velocity = [(np.zeros_like(W), np.zeros_like(b)) for W, b in model]

lr = 0.01
mu = 0.9
max_steps = 1500


def batches(X, y, size):
    # endless stream of shuffled minibatches
    while True:
        idx = np.random.permutation(len(X))
        for s in range(0, len(X), size):
            j = idx[s:s + size]
            yield X[j], y[j]


def forward(x):
    acts = [x]
    for i, (W, b) in enumerate(model):
        z = acts[-1] @ W + b
        acts.append(z if i == len(model) - 1 else np.tanh(z))
    return acts


def mse(x, t):
    return float(np.mean((forward(x)[-1] - t) ** 2))


print(f"first_loss={mse(X, y):.5f}")
step = 0
stream = batches(X, y, 32)
while step < max_steps:
    xb, yb = next(stream)
    acts = forward(xb)
    delta = 2 * (acts[-1] - yb) / len(xb)
    grads = []
    for i in reversed(range(len(model))):
        W, b = model[i]
        grads.append((acts[i].T @ delta, delta.sum(axis=0)))
        if i > 0:
            delta = (delta @ W.T) * (1 - acts[i] ** 2)
    grads.reverse()
    for (W, b), (vW, vb), (gW, gb) in zip(model, velocity, grads):
        vW *= mu
        vW -= lr * gW
        vb *= mu
        vb -= lr * gb
        W += vW
        b += vb
    step += 1
    if step % 300 == 0:
        print(f"step {step}  mse {mse(X, y):.5f}")

pred = forward(X)[-1]
print(f"final_loss={mse(X, y):.5f}")
print(f"r2={1 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2):.4f}")
