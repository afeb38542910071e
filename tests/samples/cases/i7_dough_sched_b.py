# Dough rise height from proofing time (hours) using features t, t^2, t^3; one sample at a time.
# Warm-up schedule: start careful, then speed up once the fit is going.
import numpy as np

rng = np.random.default_rng(6)
t = rng.uniform(0, 1.6, 90)
rise = 4.0 * t - 1.2 * t ** 2 + 0.1 * t ** 3 + rng.normal(0, 0.1, 90)
feat = np.stack([t, t ** 2, t ** 3], axis=1)

schedule = {0: 0.002, 15: 0.01, 30: 0.3}
theta = np.zeros(3)
shift = 0.0
step = schedule[0]


def loss():
    return float(np.mean((feat @ theta + shift - rise) ** 2))


print(f"first_loss={loss():.4f}")
for epoch in range(60):
    step = schedule.get(epoch, step)
    for i in rng.permutation(90):
        miss = feat[i] @ theta + shift - rise[i]
        theta = theta - step * miss * feat[i]
        shift = shift - step * miss
    if epoch % 10 == 0 or epoch == 59:
        print(f"epoch={epoch} step={step} loss={loss():.4f}")

print(f"final_loss={loss():.4f}")
