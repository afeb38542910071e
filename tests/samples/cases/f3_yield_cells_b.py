# %% [markdown]
# Crop yield from rainfall, sunshine and soil score: pure-Python lists, momentum, notebook cells.

# %%
import math

rows = []
for i in range(60):
    rain, sun, soil = math.sin(1.7 * i), math.cos(2.3 * i + 1.0), math.sin(0.9 * i + 2.0)
    rows.append(([rain, sun, soil], 2.0 * rain - 1.5 * sun + 3.0 * soil + 1.0 + 0.1 * math.sin(13.1 * i)))

# %%
pace = 0.05
momentum = 0.8
decay = 1e-4
rounds = 150

# %%
theta = [0.0, 0.0, 0.0]
base = 0.0
velocity = [0.0, 0.0, 0.0]
base_velocity = 0.0


def predict(feats):
    return sum(t * f for t, f in zip(theta, feats)) + base


# %%
for rnd in range(rounds):
    grad = [0.0, 0.0, 0.0]
    grad_base = 0.0
    loss = 0.0
    for feats, target in rows:
        miss = predict(feats) - target
        loss += miss * miss / len(rows)
        for k in range(3):
            grad[k] += 2.0 * miss * feats[k] / len(rows)
        grad_base += 2.0 * miss / len(rows)
    for k in range(3):
        velocity[k] = momentum * velocity[k] - pace * (grad[k] + decay * theta[k])
        theta[k] += velocity[k]
    base_velocity = momentum * base_velocity - pace * grad_base
    base += base_velocity
    if rnd % 25 == 0 or rnd == rounds - 1:
        print(f"round {rnd} loss {loss:.5f}")

# %%
print("theta", [round(t, 3) for t in theta], "base", round(base, 3))
