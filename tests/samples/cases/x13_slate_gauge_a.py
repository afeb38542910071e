# %% fuel burn from four gauge readings, linear model trained with Adam
# everything stays float32 like the logger output
import numpy as np

rng = np.random.default_rng(3)
n_rows = 400
gauges = rng.normal(size=(n_rows, 4)).astype(np.float32)
coef = np.array([[1.5], [-2.0], [0.7], [0.25]], dtype=np.float32)
burn = gauges @ coef + 3.0 + 0.3 * rng.normal(size=(n_rows, 1)).astype(np.float32)
log_table = np.hstack([gauges, burn]).astype(np.float32)   # last column = fuel burn

# %% split features / target
X = log_table[:, :4]
y = log_table[:, 4:5]
print(X.shape, y.shape, X.dtype)

# %% parameters + Adam state
w = np.zeros((4, 1), dtype=np.float32)
b = np.float32(0.0)
m_w, v_w = np.zeros_like(w), np.zeros_like(w)
m_b, v_b = np.float32(0.0), np.float32(0.0)
alpha, beta1, beta2, eps = 0.05, 0.9, 0.999, 1e-7

pred = X @ w + b
print(f"first_loss={np.mean((pred - y) ** 2):.4f}")

# %% training
for it in range(1, 301):
    pred = X @ w + b
    err = pred - y
    loss = np.mean(err ** 2)
    g_w = 2.0 * X.T @ err / n_rows
    g_b = 2.0 * np.mean(err)

    m_w = beta1 * m_w + (1 - beta1) * g_w
    v_w = beta2 * v_w + (1 - beta2) * g_w ** 2
    m_b = beta1 * m_b + (1 - beta1) * g_b
    v_b = beta2 * v_b + (1 - beta2) * g_b ** 2
    w = w - alpha * (m_w / (1 - beta1 ** it)) / (np.sqrt(v_w / (1 - beta2 ** it)) + eps)
    b = b - alpha * (m_b / (1 - beta1 ** it)) / (np.sqrt(v_b / (1 - beta2 ** it)) + eps)
    if it % 50 == 0:
        print(f"iter {it}  mse {loss:.4f}")

# %% results
pred = X @ w + b
final_mse = np.mean((pred - y) ** 2)
r2 = 1 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
print(f"final_loss={final_mse:.4f}")
print(f"r2={r2:.4f}")
print("bias", b, w.dtype)
