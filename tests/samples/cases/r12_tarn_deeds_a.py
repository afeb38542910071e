# house prices with a 4 layer relu net, layers stored as a list of (W, b) tuples
# minibatch SGD + momentum, target is the price in 100k
import numpy as np

rng = np.random.default_rng(8)
n = 600
area = rng.uniform(450, 3200, n)          # sq ft
year = rng.integers(1950, 2021, n).astype(float)
dist = rng.uniform(200, 18000, n)         # metres to the centre
rooms = rng.integers(1, 7, n).astype(float)
price = (0.9 + 0.0011 * area + 0.012 * (year - 1950) - 0.00008 * dist + 0.15 * rooms
         + 0.4 * np.sin(area / 500.0) + rng.normal(0, 0.15, n))

raw = np.column_stack([area, year, dist, rooms])
X = (raw - raw.mean(axis=0)) / raw.std(axis=0)
y = price.reshape(-1, 1)

sizes = [4, 32, 32, 16, 1]
layers = []
for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
    layers.append((rng.normal(0, np.sqrt(2.0 / fan_in), (fan_in, fan_out)), np.zeros(fan_out)))
velocity = [(np.zeros_like(W), np.zeros_like(b)) for W, b in layers]


def forward(x):
    acts = [x]
    for i, (W, b) in enumerate(layers):
        z = acts[-1] @ W + b
        acts.append(z if i == len(layers) - 1 else np.maximum(z, 0))
    return acts


def loss_on(x, t):
    return float(np.mean((forward(x)[-1] - t) ** 2))


lr, mom = 0.01, 0.9
print(f"first_loss={loss_on(X, y):.4f}")
for epoch in range(1, 61):
    order = rng.permutation(n)
    for s in range(0, n, 50):
        idx = order[s:s + 50]
        acts = forward(X[idx])
        delta = 2 * (acts[-1] - y[idx]) / len(idx)
        for i in reversed(range(len(layers))):
            W, b = layers[i]
            dW = acts[i].T @ delta
            db = delta.sum(axis=0)
            if i > 0:
                delta = (delta @ W.T) * (acts[i] > 0)
            vW, vb = velocity[i]
            vW *= mom
            vW -= lr * dW
            vb *= mom
            vb -= lr * db
            W += vW
            b += vb
    if epoch % 10 == 0:
        print(f"epoch {epoch}: mse {loss_on(X, y):.4f}")

final = loss_on(X, y)
print(f"final_loss={final:.4f}")
print(f"r2={1 - final / np.var(y):.3f}")
