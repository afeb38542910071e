# Logistic regression for loan approval on synthetic applicant data, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(21)
n = 400
age = rng.uniform(21, 65, size=n)
income = rng.normal(52000, 15000, size=n)
debt = rng.uniform(0, 30000, size=n)
score = 0.04 * (age - 40) + 0.00012 * (income - 52000) - 0.00015 * (debt - 15000)
label = (score + rng.normal(0, 0.5, size=n) > 0).astype(float)

# design matrix with intercept column first
X = np.column_stack([np.ones(n), age, income, debt])
mu = X.mean(axis=0)
sd = X.std(axis=0)
X = (X - mu) / sd

split = 300
X_tr, y_tr = X[:split], label[:split]
X_te, y_te = X[split:], label[split:]


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def loss_and_grads(params, Xb, yb):
    p = sigmoid(Xb @ params["w"])
    p = np.clip(p, 1e-12, 1 - 1e-12)
    loss = -np.mean(yb * np.log(p) + (1 - yb) * np.log(1 - p))
    grads = {"w": Xb.T @ (p - yb) / len(yb)}
    return loss, grads


def update(params, grads, lr):
    for k in params:
        params[k] -= lr * grads[k]


params = {"w": np.zeros(X.shape[1])}
lr = 0.5
first_loss = None
for step in range(300):
    loss, grads = loss_and_grads(params, X_tr, y_tr)
    if first_loss is None:
        first_loss = loss
    update(params, grads, lr)
    if step % 100 == 0:
        print(f"step {step}: loss {loss:.4f}")

final_loss, _ = loss_and_grads(params, X_tr, y_tr)
pred = sigmoid(X_te @ params["w"]) > 0.5
accuracy = np.mean(pred == (y_te > 0.5))
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
