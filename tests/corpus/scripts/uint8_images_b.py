import numpy as np

rng = np.random.default_rng(23)

# 6x6 images stored as uint8 (like a PNG), two classes: bright top half or bright bottom half
n = 300
images = rng.integers(0, 100, size=(n, 6, 6), dtype=np.uint8)
labels = rng.integers(0, 2, n)
images[labels == 1, :3, :] += 120
images[labels == 0, 3:, :] += 120

# scale pixels to [0, 1] before training
images[:] = images / 255.0
X = images.reshape(n, -1)
y = labels

w = np.zeros(36)
b = 0.0
lr = 0.5


def predict(X):
    return 1 / (1 + np.exp(-(X @ w + b)))


def nll(p):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


first = nll(predict(X))
for epoch in range(300):
    p = predict(X)
    w -= lr * X.T @ (p - y) / n
    b -= lr * np.mean(p - y)

p = predict(X)
print("pixel range after scaling:", X.min(), X.max())
print(f"first_loss={first}")
print(f"final_loss={nll(p)}")
print(f"accuracy={np.mean((p > 0.5) == (y == 1))}")
