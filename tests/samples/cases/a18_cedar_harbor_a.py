# Linear regression on synthetic house prices, minibatch SGD with per-epoch lr decay
import numpy as np

rng = np.random.default_rng(7)

n = 600
area = rng.normal(120, 35, n)              # square metres
rooms = np.round(area / 30 + rng.normal(0, 0.6, n))
baths = np.round(rooms / 2 + rng.normal(0, 0.4, n))
age = rng.uniform(0, 60, n)
dist = rng.gamma(2.0, 4.0, n)              # km to centre
X_raw = np.column_stack([area, rooms, baths, age, dist])
price = 2.1 * area + 14 * rooms + 9 * baths - 0.8 * age - 3.5 * dist + 40 + rng.normal(0, 15, n)

# standardize the features, price in hundreds
mu, sd = X_raw.mean(axis=0), X_raw.std(axis=0)
X = (X_raw - mu) / sd
y = price / 100.0

X_tr, X_te = X[:480], X[480:]
y_tr, y_te = y[:480], y[480:]


def train(X, y, lr0, epochs=40, batch=32, decay=0.95):
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    history = [np.mean((X @ w + b - y) ** 2)]
    order = np.arange(n)
    for epoch in range(epochs):
        lr = lr0 * decay ** epoch
        rng.shuffle(order)
        for start in range(0, n, batch):
            idx = order[start:start + batch]
            xb, yb = X[idx], y[idx]
            err = xb @ w + b - yb
            w -= lr * 2 * xb.T @ err / len(idx)
            b -= lr * 2 * err.mean()
        mse = np.mean((X @ w + b - y) ** 2)
        history.append(mse)
        if epoch % 10 == 0:
            print(f"epoch {epoch:3d}  lr={lr:.4f}  mse={mse:.6g}")
    return w, b, history


w, b, history = train(X_tr, y_tr, lr0=1.5)

pred = X_te @ w + b
r2 = 1 - np.sum((y_te - pred) ** 2) / np.sum((y_te - y_te.mean()) ** 2)
print("weights:", np.round(w, 3), "bias:", round(float(b), 3))
print(f"first_loss={history[0]:.6g}")
print(f"final_loss={history[-1]:.6g}")
print(f"r2={r2:.4f}")
