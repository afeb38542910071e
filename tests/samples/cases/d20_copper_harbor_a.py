# Logistic regression on store visit counts to predict which customers renew a membership
import numpy as np

rng = np.random.default_rng(2024)

n = 1200
rates = np.array([3.0, 8.0, 1.5, 12.0, 5.0, 2.5])
counts = rng.poisson(rates, size=(n, 6))   # visits, purchases, returns, views, emails, calls

score = 0.9 * (counts[:, 1] - 8.0) / 2.8 - 1.2 * (counts[:, 2] - 1.5) / 1.2 \
    + 0.7 * (counts[:, 3] - 12.0) / 3.5 + 0.5 * (counts[:, 0] - 3.0) / 1.7
renewed = (score + rng.normal(scale=0.3, size=n) > 0).astype(float)

# roughly 70 / 30 split with a random mask
in_train = rng.random(n) < 0.7
in_test = ~in_train

mu = counts[in_train].mean(axis=0)
sd = counts[in_train].std(axis=0)

feats = np.zeros_like(counts, dtype=float)
for j in range(counts.shape[1]):
    feats[:, j] = (counts[:, j] - mu[j]) / sd[j]

X_tr, y_tr = feats[in_train], renewed[in_train]
X_te, y_te = feats[in_test], renewed[in_test]

w = np.zeros(6)
b = 0.0
lr = 0.3

for step in range(400):
    z = X_tr @ w + b
    p = 1.0 / (1.0 + np.exp(-z))
    loss = -np.mean(y_tr * np.log(p) + (1 - y_tr) * np.log(1 - p))
    if step == 0:
        print(f"first_loss={loss:.4f}")
    if step % 100 == 0:
        print(f"step {step}: loss {loss:.4f}")
    err = p - y_tr
    w -= lr * X_tr.T @ err / len(y_tr)
    b -= lr * err.mean()

p_te = 1.0 / (1.0 + np.exp(-(X_te @ w + b)))
acc = np.mean((p_te > 0.5) == (y_te == 1))
print(f"final_loss={loss:.4f}")
print(f"weights={np.round(w, 2)}")
print(f"accuracy={acc:.4f}")
