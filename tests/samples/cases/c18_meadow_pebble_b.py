# Loan approval from income and years of credit history, logistic unit trained one example at a time
import numpy as np

rng = np.random.default_rng(3)

n = 400
income = rng.uniform(18000, 140000, n)          # yearly, dollars
history = rng.uniform(0, 25, n)                  # years
score = 0.00006 * (income - 70000) + 0.25 * (history - 10) + rng.normal(0, 0.6, n)
y = (score > 0).astype(float)

X = np.column_stack([income, history])

# put features on a common scale
mu = X.mean(axis=0)
sigma = X.std(axis=0)
X = (X - mu) / sigma

w = np.zeros(2)
b = 0.0
lr = 0.1
epochs = 30


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def log_loss(w, b):
    p = sigmoid(X @ w + b)
    return -np.mean(y * np.log(p + 1e-9) + (1 - y) * np.log(1 - p + 1e-9))


first_loss = log_loss(w, b)
print(f"first_loss={first_loss:.6f}")

order = np.arange(n)
for epoch in range(epochs):
    rng.shuffle(order)
    for i in order:
        p = sigmoid(X[i] @ w + b)
        err = p - y[i]
        w = w - lr * err * X[i]
        b = b - lr * err
    if epoch % 5 == 0:
        print(f"epoch {epoch} loss {log_loss(w, b):.6f}")

final_loss = log_loss(w, b)
pred = (sigmoid(X @ w + b) > 0.5).astype(float)
accuracy = np.mean(pred == y)

print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
print(f"weights={w.round(3).tolist()} bias={b:.3f}")
