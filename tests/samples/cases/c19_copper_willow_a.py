# Customer rating (1 to 5) from usage features: linear baseline first, then a small net with sigmoid output
import numpy as np

rng = np.random.default_rng(2024)

n = 600
minutes = rng.normal(0, 1, n)      # time in app, already standardised
sessions = rng.normal(0, 1, n)     # sessions per week, standardised
tickets = rng.normal(0, 1, n)      # support tickets, standardised
X = np.column_stack([minutes, sessions, tickets])

score = 1.2 * minutes + 0.8 * np.tanh(2 * sessions) - 1.0 * tickets ** 2 + 0.5 * minutes * sessions + 0.6
y = 1 + 4 / (1 + np.exp(-score)) + rng.normal(0, 0.2, n)
y = np.clip(y, 1, 5)

split = 450
X_tr, X_te = X[:split], X[split:]
y_tr, y_te = y[:split], y[split:]

def r2_score(y_true, y_pred):
    return 1 - np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_true.mean()) ** 2)

# ---- model 1: plain linear regression, least squares ----
A_tr = np.column_stack([X_tr, np.ones(len(X_tr))])
A_te = np.column_stack([X_te, np.ones(len(X_te))])
coef, *_ = np.linalg.lstsq(A_tr, y_tr, rcond=None)
lin_pred = A_te @ coef
print(f"linear_r2={r2_score(y_te, lin_pred):.4f}")

# ---- model 2: 3 -> 24 tanh -> 1 sigmoid, trained with MSE ----
H = 24
W1 = rng.normal(0, 0.5, (3, H))
b1 = np.zeros(H)
W2 = rng.normal(0, 0.5, (H, 1))
b2 = np.zeros(1)

targets = y_tr.reshape(-1, 1)
lr = 0.5
epochs = 1500
losses = []

for epoch in range(epochs):
    a1 = np.tanh(X_tr @ W1 + b1)
    out = 1 / (1 + np.exp(-(a1 @ W2 + b2)))
    loss = np.mean((out - targets) ** 2)
    losses.append(loss)

    d_out = 2 * (out - targets) / len(X_tr)
    d_z2 = d_out * out * (1 - out)
    gW2 = a1.T @ d_z2
    gb2 = d_z2.sum(axis=0)
    d_a1 = d_z2 @ W2.T
    d_z1 = d_a1 * (1 - a1 ** 2)
    gW1 = X_tr.T @ d_z1
    gb1 = d_z1.sum(axis=0)

    W1 -= lr * gW1
    b1 -= lr * gb1
    W2 -= lr * gW2
    b2 -= lr * gb2

    if epoch % 300 == 0:
        print("net epoch", epoch, "mse", round(float(loss), 5))

a1 = np.tanh(X_te @ W1 + b1)
out = 1 / (1 + np.exp(-(a1 @ W2 + b2)))
net_pred = out.ravel()

print(f"first_loss={losses[0]:.6f}")
print(f"final_loss={losses[-1]:.6f}")
print(f"r2={r2_score(y_te, net_pred):.4f}")
