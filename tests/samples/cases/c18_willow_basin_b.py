# Daily bike rentals from weather columns, linear model with per-row SGD over lists of numpy scalars
import numpy as np

rng = np.random.default_rng(8)

# one month of days (June): temperature (C), humidity (%), wind (km/h), holiday flag
n_days = 30
temp = rng.uniform(8.0, 26.0, n_days)
humid = rng.uniform(35.0, 90.0, n_days)
wind = rng.uniform(2.0, 30.0, n_days)
public_holidays = {(1, 1), (5, 1), (12, 25), (12, 26)}
month = 6
holiday = np.array([1.0 if (month, day) in public_holidays else 0.0 for day in range(1, n_days + 1)])
rentals = 120.0 + 9.0 * temp - 1.1 * humid - 2.0 * wind + rng.normal(0.0, 12.0, n_days)

rows = [[temp[i], humid[i], wind[i], holiday[i]] for i in range(n_days)]
targets = [rentals[i] for i in range(n_days)]
n_feat = len(rows[0])

# scale each column to zero mean, unit spread
means = []
spreads = []
for j in range(n_feat):
    col = [r[j] for r in rows]
    m = sum(col) / len(col)
    s = np.sqrt(sum((v - m) ** 2 for v in col) / len(col))
    means.append(m)
    spreads.append(s if s > 0 else 1.0)
scaled = [[(r[j] - means[j]) / spreads[j] for j in range(n_feat)] for r in rows]

t_mean = sum(targets) / n_days
t_std = np.sqrt(sum((t - t_mean) ** 2 for t in targets) / n_days)
t_scaled = [(t - t_mean) / t_std for t in targets]

weights = [0.0] * n_feat
bias = 0.0
lr = 0.02
epochs = 200


def loss_all(weights, bias):
    total = 0.0
    for x, t in zip(scaled, t_scaled):
        pred = bias + sum(w * v for w, v in zip(weights, x))
        total += (pred - t) ** 2
    return total / n_days


first_loss = loss_all(weights, bias)
print(f"first_loss={first_loss:.6f}")

order = list(range(n_days))
for epoch in range(epochs):
    rng.shuffle(order)
    for i in order:
        x = scaled[i]
        pred = bias + sum(w * v for w, v in zip(weights, x))
        diff = pred - t_scaled[i]
        for j in range(n_feat):
            weights[j] -= lr * 2.0 * diff * x[j]
        bias -= lr * 2.0 * diff
    if epoch % 40 == 0:
        print(f"epoch {epoch} loss {loss_all(weights, bias):.6f}")

final_loss = loss_all(weights, bias)
r2 = 1.0 - final_loss   # targets were scaled to unit variance

print(f"final_loss={final_loss:.6f}")
print(f"r2={r2:.4f}")
print("weights=" + ", ".join(f"{float(w):.3f}" for w in weights) + f" bias={float(bias):.3f}")
