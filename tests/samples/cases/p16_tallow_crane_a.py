# logistic regression: will a customer renew their subscription?
# 4 features (already scaled), mini-batch SGD with momentum
import numpy as np

rng = np.random.default_rng(2024)
n = 800
feats = rng.normal(size=(n, 4))
true_w = np.array([1.5, -2.0, 0.7, 0.0])
logit = feats @ true_w - 0.5
renew = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def log_loss(w, b):
    p = sigmoid(feats @ w + b)
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(renew * np.log(p) + (1 - renew) * np.log(1 - p))


w = np.zeros(4)
b = 0.0
vel_w = np.zeros(4)
vel_b = 0.0
lr, beta, batch = 0.02, 0.9, 32

print(f"first_loss={log_loss(w, b):.4f}")
probs = sigmoid(feats @ w + b)
for epoch in range(40):
    order = rng.permutation(n)
    for i in range(0, n, batch):
        idx = order[i:i + batch]
        err = sigmoid(feats[idx] @ w + b) - renew[idx]
        grad_w = feats[idx].T @ err / len(idx)
        grad_b = err.mean()
        vel_w = beta * vel_w - lr * grad_w
        vel_b = beta * vel_b - lr * grad_b
        w = w + vel_w
        b = b + vel_b
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  loss {log_loss(w, b):.4f}")

print(f"final_loss={log_loss(w, b):.4f}")
pred = sigmoid(feats @ w + b) > 0.5
print(f"accuracy={np.mean(pred == (renew == 1)):.3f}")
