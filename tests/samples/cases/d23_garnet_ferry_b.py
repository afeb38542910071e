# Fourier-feature linear regression on a periodic signal, gradient descent with norm clipping
import numpy as np

rng = np.random.default_rng(21)


def target(x):
    return 3.0 + np.sin(x) + 0.6 * np.cos(2 * x) - 0.4 * np.sin(3 * x)


def fourier(x, k_max):
    feats = []
    for k in range(1, k_max + 1):
        feats.append(np.sin(k * x))
        feats.append(np.cos(k * x))
    return np.column_stack(feats)


n_train, n_test = 200, 200
x_train = rng.uniform(-np.pi, np.pi, n_train)
x_test = rng.uniform(-np.pi, np.pi, n_test)
y_train = target(x_train) + rng.normal(0, 0.2, n_train)
y_test = target(x_test) + rng.normal(0, 0.2, n_test)

K = 5
F_train = fourier(x_train, K)
F_test = fourier(x_test, K)

w = rng.normal(0, 0.1, F_train.shape[1])
b = 0.0
lr = 0.1
max_norm = 1.0
steps = 800
n = n_train

first_loss = None
for step in range(steps):
    pred = F_train @ w + b
    err = pred - y_train
    loss = np.mean(err ** 2)
    if first_loss is None:
        first_loss = loss

    grad_w = 2 * F_train.T @ err / n
    grad_b = 2 * np.sum(err) / n

    # rescale the whole gradient if it gets too long
    total = np.sqrt(np.sum(grad_w ** 2) + np.sum(grad_b ** 2))
    if total > max_norm:
        grad_w = grad_w * (max_norm / total)
        grad_b = grad_b * (max_norm / total)

    w = w - lr * grad_w
    b = b - lr * grad_b

    if step % 200 == 0:
        print(f"step {step} loss {loss:.4f} grad_norm {total:.3f}")

train_loss = np.mean((F_train @ w + b - y_train) ** 2)
test_pred = F_test @ w + b
ss_res = np.sum((y_test - test_pred) ** 2)
ss_tot = np.sum((y_test - y_test.mean()) ** 2)
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={train_loss:.6f}")
print(f"test_loss={np.mean((test_pred - y_test) ** 2):.6f}")
print(f"r2={1 - ss_res / ss_tot:.4f}")
