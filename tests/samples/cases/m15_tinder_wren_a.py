# %% [markdown]
# # Gym churn - logistic regression from scratch
# Will a member cancel next month? Features: age, visits per month, months as member, monthly fee.
# Week 3 exercise: no sklearn, plain numpy, stochastic gradient descent (one member at a time).

# %%
import numpy as np

rng = np.random.default_rng(2024)
n_members = 400

# %% make up the member table (the real one is not shared with us)
age = rng.integers(18, 70, n_members)
visits = rng.integers(0, 21, n_members)
months = rng.integers(1, 61, n_members)
fee = rng.integers(20, 81, n_members)

score = -0.02 * (age - 44) - 0.35 * (visits - 10) - 0.06 * (months - 30) + 0.05 * (fee - 50)
churned = (rng.random(n_members) < 1 / (1 + np.exp(-score))).astype(float)

# %% quick look
print("members:", n_members)
print("churn rate:", churned.mean())
print("age range:", age.min(), age.max())
print("visits range:", visits.min(), visits.max())
print("months range:", months.min(), months.max())
print("fee range:", fee.min(), fee.max())

# %% feature matrix
X = np.column_stack([age, visits, months, fee])
print("X shape:", X.shape)

# %% scale every column to 0..1 (min-max, like the lecture said)
for j in range(X.shape[1]):
    col_min = X[:, j].min()
    col_max = X[:, j].max()
    X[:, j] = (X[:, j] - col_min) / (col_max - col_min)

print("first rows after scaling:")
print(X[:3])

# %% model
w = np.zeros(X.shape[1])
b = 0.0


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def log_loss():
    p = sigmoid(X @ w + b)
    return -np.mean(churned * np.log(p + 1e-9) + (1 - churned) * np.log(1 - p + 1e-9))


print(f"first_loss={log_loss():.4f}")

# %% training: one member at a time
alpha = 0.02
epochs = 60
history = []
for epoch in range(epochs):
    for i in rng.permutation(n_members):
        p_i = sigmoid(X[i] @ w + b)
        w = w - alpha * (p_i - churned[i]) * X[i]
        b = b - alpha * (p_i - churned[i])
    history.append(log_loss())
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  loss {history[-1]:.4f}")

# %% results
print("weights:", np.round(w, 3), "bias:", round(b, 3))
print(f"final_loss={log_loss():.4f}")

# %% how many do we get right?
pred = sigmoid(X @ w + b) >= 0.5
print(f"accuracy={np.mean(pred == churned):.3f}")
print("baseline (always majority):", max(churned.mean(), 1 - churned.mean()))
