# Spam scorer: logistic regression on word rates with an RMSprop optimiser, float32.
import numpy as np

gen = np.random.default_rng(31)
rates = gen.normal(0.0, 1.0, (300, 8)).astype(np.float32)
spam = (rates @ gen.normal(0.0, 1.0, 8) + gen.normal(0.0, 0.3, 300) > 0).astype(np.float32)

weights = np.zeros(8, dtype=np.float32)
avg_sq = np.zeros(8, dtype=np.float32)
for it in range(250):
    odds = 1.0 / (1.0 + np.exp(-(rates @ weights)))
    bce = -np.mean(spam * np.log(odds + 1e-7) + (1 - spam) * np.log(1 - odds + 1e-7))
    grad = rates.T @ (odds - spam) / len(spam)
    avg_sq = 0.9 * avg_sq + 0.1 * grad * grad
    weights -= 0.01 * grad / (np.sqrt(avg_sq) + 1e-7)
    if it % 50 == 0 or it == 249:
        acc = np.mean(((rates @ weights) > 0) == (spam > 0.5))
        print(f"it {it} bce {bce:.4f} acc {acc:.3f}")
