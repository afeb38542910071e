# Taxi fare from distance, minutes, tolls and passengers (standardised), linear model, full-batch gradient descent.
# fit() has sensible defaults so I can call it in one line.
import numpy as np

rng = np.random.default_rng(2)
dist = rng.gamma(2.0, 3.0, 300)
minutes = 2.5 * dist + rng.normal(0, 3, 300)
tolls = (rng.uniform(size=300) < 0.2) * 6.0
people = rng.integers(1, 5, 300).astype(float)
table = np.column_stack([dist, minutes, tolls, people])
table = (table - table.mean(axis=0)) / table.std(axis=0)
fare = 3.0 + 1.8 * dist + 0.4 * minutes + tolls + rng.normal(0, 1.0, 300)


def predict(coef, offset, rows):
    return rows @ coef + offset


def fit(rows, target, rounds=150, rate=1.2):
    coef = np.zeros(rows.shape[1])
    offset = 0.0
    history = []
    for r in range(rounds):
        miss = predict(coef, offset, rows) - target
        history.append(np.mean(miss ** 2))
        coef = coef - rate * (2.0 / len(target)) * (rows.T @ miss)
        offset = offset - rate * 2.0 * np.mean(miss)
    return coef, offset, history


coef, offset, history = fit(table, fare)
print(f"first_loss={history[0]:.4f}")
print(f"final_loss={history[-1]:.4f}")
print(f"r2={1 - np.mean((predict(coef, offset, table) - fare) ** 2) / np.var(fare):.3f}")
