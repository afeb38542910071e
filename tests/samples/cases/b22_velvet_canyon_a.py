# Crop yield from rainfall and temperature: plain linear features vs quadratic features, both by gradient descent
import numpy as np

rng = np.random.default_rng(21)

n = 300
rain = rng.uniform(200, 900, n)        # mm per season
temp = rng.uniform(12, 30, n)          # mean degrees C
yield_t = 2.0 + 0.006 * rain - 0.0000045 * rain ** 2 + 0.35 * temp - 0.009 * temp ** 2 + rng.normal(0, 0.08, n)

r = (rain - rain.mean()) / rain.std()
t = (temp - temp.mean()) / temp.std()
y = yield_t

def design(cols):
    M = np.column_stack(cols)
    return (M - M.mean(0)) / M.std(0)

def fit(X, y, lr=0.1, steps=800):
    n, d = X.shape
    w = np.zeros(d)
    b = y.mean()
    losses = []
    for step in range(steps):
        pred = X @ w + b
        err = pred - y
        losses.append(np.mean(err ** 2))
        grad = X.T @ err / n
        w = w - lr * grad
        b = b - lr * np.mean(err)
    pred = X @ w + b
    r2 = 1 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
    return w, b, losses, r2

X_lin = design([r, t])
X_quad = design([r, t, r ** 2, t ** 2, r * t])

w_lin, b_lin, loss_lin, r2_lin = fit(X_lin, y)
w_quad, b_quad, loss_quad, r2_quad = fit(X_quad, y)

print(f"linear_first_loss={loss_lin[0]:.6f}")
print(f"linear_final_loss={loss_lin[-1]:.6f}")
print(f"linear_r2={r2_lin:.4f}")
print(f"quadratic_first_loss={loss_quad[0]:.6f}")
print(f"quadratic_final_loss={loss_quad[-1]:.6f}")
print(f"quadratic_r2={r2_quad:.4f}")
better = "quadratic" if r2_quad > r2_lin else "linear"
print("better model:", better)
print(f"first_loss={loss_quad[0]:.6f}")
print(f"final_loss={loss_quad[-1]:.6f}")
print(f"r2={r2_quad:.4f}")
