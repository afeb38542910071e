# Robust linear model for delivery times (seconds) with log-cosh loss, learning rate halved on plateau
import numpy as np

rng = np.random.default_rng(11)

def make_trips(n, glitch_rate):
    feats = np.column_stack([
        rng.uniform(0.5, 12.0, n),      # route length km
        rng.integers(0, 7, n),          # stops on the way
        rng.uniform(0, 1, n),           # traffic index
    ])
    secs = 240 + 95 * feats[:, 0] + 70 * feats[:, 1] + 400 * feats[:, 2] + rng.normal(0, 25, n)
    glitch = rng.uniform(0, 1, n) < glitch_rate
    secs[glitch] += rng.uniform(1500, 4000, glitch.sum())   # tracker left running
    return feats, secs

F_train, t_train = make_trips(600, 0.08)
F_test, t_test = make_trips(300, 0.0)

mu, sd = F_train.mean(0), F_train.std(0)
X = (F_train - mu) / sd
Xt = (F_test - mu) / sd

def logcosh(r):
    return np.mean(np.abs(r) + np.log1p(np.exp(-2 * np.abs(r))) - np.log(2.0))

w = np.zeros(3)
b = np.median(t_train)
lr = 40.0
best = None
history = []
for epoch in range(250):
    r = X @ w + b - t_train
    loss = logcosh(r)
    history.append(loss)
    g = np.tanh(r)
    w -= lr * (X.T @ g) / len(g)
    b -= lr * g.mean()
    if best is None or loss < best:
        best = loss
    else:
        lr *= 0.5
    if epoch % 50 == 0:
        print(f"epoch {epoch} loss={loss:.3f} lr={lr:.4g}")

pred = Xt @ w + b
r2 = 1 - np.sum((pred - t_test) ** 2) / np.sum((t_test - t_test.mean()) ** 2)
print("weights", np.round(w, 1), "bias", round(b, 1))
print(f"first_loss={history[0]:.4f}")
print(f"final_loss={history[-1]:.4f}")
print(f"r2={r2:.4f}")
