# Predict how long a user stays on the site from their rating habits, closed-form ridge (no gradient steps).
import numpy as np

gen = np.random.default_rng(17)
n_users = 120
ratings = []                      # (user, stars) pairs from the log
taste = gen.uniform(1.5, 4.5, n_users)
for u in range(n_users):
    for _ in range(int(gen.poisson(2.5))):
        ratings.append((u, float(np.clip(np.round(taste[u] + gen.normal(0, 0.7)), 1, 5))))
log = np.array(ratings)

sums = np.zeros(n_users)
counts = np.zeros(n_users)
np.add.at(sums, log[:, 0].astype(int), log[:, 1])
np.add.at(counts, log[:, 0].astype(int), 1.0)
avg_stars = sums / counts
sessions = gen.uniform(1, 30, n_users)
stay = 2.0 + 0.8 * taste + 0.1 * sessions + gen.normal(0, 0.3, n_users)

design = np.column_stack([np.ones(n_users), avg_stars, counts, sessions])
lam = 0.1
gram = design.T @ design + lam * np.eye(4)
coef = np.linalg.solve(gram, design.T @ stay)
fit = design @ coef
r2 = 1 - np.sum((fit - stay) ** 2) / np.sum((stay - stay.mean()) ** 2)
print("coef", np.round(coef, 3))
print(f"r2={r2:.4f}")
