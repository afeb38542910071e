# Linear regression for house prices from eight correlated features, minibatch SGD with early stopping
import numpy as np

rng = np.random.default_rng(8)

n, d = 800, 8
# features share a common "size of the house" factor
size_factor = rng.standard_normal((n, 1))
X = 0.75 * size_factor + 0.66 * rng.standard_normal((n, d))
true_w = np.array([3.0, -1.5, 2.0, 0.5, 0.0, 1.0, -2.0, 1.5])
y = X @ true_w + 4.0 + rng.normal(0, 1.0, n)

mu, sd = X.mean(axis=0), X.std(axis=0)
X = (X - mu) / sd

X_train, y_train = X[:500], y[:500]
X_val, y_val = X[500:650], y[500:650]
X_test, y_test = X[650:], y[650:]

learning_rate = 0.05
max_epochs = 300
batch_size = 25
patience = 15

w = np.zeros(d)
b = 0.0


def mse(X, y, w, b):
    r = X @ w + b - y
    return float(np.mean(r ** 2))


first_loss = mse(X_train, y_train, w, b)
best_val = np.inf
best_w, best_b = w.copy(), b
bad_epochs = 0

for epoch in range(max_epochs):
    order = rng.permutation(len(X_train))
    for start in range(0, len(X_train), batch_size):
        idx = order[start:start + batch_size]
        xb, yb = X_train[idx], y_train[idx]
        err = xb @ w + b - yb
        grad_w = 2 * xb.T @ err / len(idx)
        grad_b = 2 * err.mean()
        w = w - learning_rate * grad_w
        b = b - learning_rate * grad_b

    val_loss = mse(X_val, y_val, w, b)
    if val_loss < best_val:
        best_val = val_loss
        best_w, best_b = w.copy(), b
        bad_epochs = 0
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"stopping at epoch {epoch}")
            break

    if epoch % 20 == 0:
        print(f"epoch {epoch:3d} val_loss {val_loss:.4f}")

w, b = best_w, best_b
final_loss = mse(X_train, y_train, w, b)
pred = X_test @ w + b
r2 = 1 - np.sum((y_test - pred) ** 2) / np.sum((y_test - y_test.mean()) ** 2)

print(f"best_val_loss={best_val:.4f}")
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
