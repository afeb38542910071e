# %% Binary classifier, float32 throughout, probabilities clipped in place before the log loss (cell style).
import numpy as np

gen = np.random.default_rng(31)
pos = gen.normal(5.0, 1.5, (150, 2)).astype(np.float32)
neg = gen.normal(-5.0, 1.5, (150, 2)).astype(np.float32)
points = np.vstack([pos, neg])
label = np.concatenate([np.ones(150), np.zeros(150)]).astype(np.float32)

# %% parameters and buffers
theta = np.zeros(2, dtype=np.float32)
theta0 = np.float32(0.0)
prob = np.empty(300, dtype=np.float32)
history = []

# %% training
for it in range(250):
    np.divide(1.0, 1.0 + np.exp(-(points @ theta + theta0)), out=prob)
    np.clip(prob, 0.0, 1.0, out=prob)
    nll = -np.mean(label * np.log(prob) + (1 - label) * np.log(1 - prob))
    history.append(nll)
    delta = prob - label
    theta -= np.float32(0.8) * (points.T @ delta) / np.float32(300)
    theta0 -= np.float32(0.8) * np.mean(delta)
    if it % 50 == 0 or it == 249:
        print(f"it {it} nll {nll:.5f}")

# %% summary
print("final", history[-1], "acc", np.mean((prob > 0.5) == (label > 0.5)))
