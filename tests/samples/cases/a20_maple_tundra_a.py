# Straight-line fit of boiling point against altitude, minibatch SGD with step-decay learning rate
import numpy as np

rng = np.random.default_rng(3)
n = 400
altitude = rng.uniform(0.0, 4.0, n)            # km
boil = 100.0 - 3.3 * altitude + rng.normal(0.0, 0.4, n)
data = np.column_stack([altitude, boil])

x = data[:, 0]
y = data[:, 1:]

# center x and y so the numbers stay small
x_mu, x_sd = x.mean(), x.std()
y_mu, y_sd = y.mean(), y.std()
xs = (x - x_mu) / x_sd
ys = (y - y_mu) / y_sd

w = 0.0
b = 0.0
lr0 = 0.1
epochs = 40
batch_size = 32
n_batches = int(np.ceil(n / batch_size))


def mse(w, b):
    return np.mean((w * xs + b - ys) ** 2)


first_loss = mse(w, b)
for epoch in range(epochs):
    lr = lr0 * (0.5 ** (epoch // 10))
    order = rng.permutation(n)
    for idx in np.array_split(order, n_batches):
        xb = xs[idx]
        yb = ys[idx]
        err = w * xb + b - yb
        grad_w = 2.0 * np.mean(err * xb)
        grad_b = 2.0 * np.mean(err)
        w -= lr * grad_w
        b -= lr * grad_b
    if epoch % 10 == 0:
        print(f"epoch {epoch} lr {lr:.4f} loss {mse(w, b):.5f}")

final_loss = mse(w, b)
pred = (w * xs + b) * y_sd + y_mu
ss_res = np.sum((pred - y) ** 2)
ss_tot = np.sum((y - y_mu) ** 2)
r2 = 1.0 - ss_res / ss_tot
slope = w * y_sd / x_sd
print(f"first_loss={first_loss:.5f}")
print(f"final_loss={final_loss:.5f}")
print(f"r2={r2:.4f}")
print(f"slope={slope:.4f}")
