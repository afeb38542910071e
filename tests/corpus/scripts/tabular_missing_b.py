import numpy as np

rng = np.random.default_rng(100)

# ---- data: patients table (age, bmi, blood pressure, glucose); a few readings were never taken
n = 400
age = rng.normal(50, 12, n)
bmi = rng.normal(27, 4, n)
bp = rng.normal(120, 15, n)
glucose = rng.normal(100, 20, n)
risk = (0.04 * (age - 50) + 0.1 * (bmi - 27) + 0.02 * (bp - 120) + 0.03 * (glucose - 100)
        + rng.normal(0, 0.5, n) > 0).astype(float)
table = np.column_stack([age, bmi, bp, glucose])
missing = rng.choice(n, size=12, replace=False)
table[missing, 3] = np.nan          # glucose not measured for these patients

# ---- features
mu = np.nanmean(table, axis=0)
sigma = np.nanstd(table, axis=0)
X = (table - mu) / sigma
X = np.where(np.isnan(X), 0.0, X)  # impute missing readings with the (standardized) mean
y = risk

# ---- model: logistic regression, full batch
w = np.zeros(X.shape[1])
b = 0.0
lr = 0.3
history = []
for epoch in range(500):
    z = X @ w + b
    p = 1 / (1 + np.exp(-z))
    history.append(-np.mean(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)))
    w -= lr * X.T @ (p - y) / n
    b -= lr * np.mean(p - y)

acc = np.mean((p > 0.5) == y)
print(f"first_loss={history[0]}")
print(f"final_loss={history[-1]}")
print(f"accuracy={acc}")
