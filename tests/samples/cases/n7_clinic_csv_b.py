# Clinic visits: predict a follow-up from age, cholesterol and systolic pressure.
# The table is typed in as CSV text and parsed by hand (no pandas on this machine).
import numpy as np

rng = np.random.default_rng(11)
lines = ["age,chol,sys,follow"]
for _ in range(160):
    age = rng.uniform(25, 80)
    chol = rng.normal(210, 35)
    sys_bp = rng.normal(130, 15)
    risk = 0.06 * (age - 52) + 0.03 * (chol - 210) + 0.05 * (sys_bp - 130)
    lines.append(f"{age:.1f},{chol:.1f},{sys_bp:.1f},{int(risk + rng.normal(0, 0.5) > 0)}")
text = "\n".join(lines)

records = []
for row in text.split("\n")[1:]:
    records.append([float(v) for v in row.split(",")])
table = np.array(records)
feats = table[:, :3]
feats = (feats - feats.mean(axis=0)) / feats.std(axis=0)
follow = table[:, 3]


def squash(t):
    return 1.0 / (1.0 + np.exp(-t))


def logloss(p, t):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


coef = np.zeros(3)
shift = 0.0
step = 0.1
first = None
for it in range(300):
    p = squash(feats @ coef + shift)
    cost = logloss(p, follow)
    if first is None:
        first = cost
    diff = p - follow
    coef -= step * feats.T @ diff / len(follow)
    shift -= step * diff.mean()
    if it % 60 == 0:
        print("it", it, "nll", round(cost, 4))
acc = np.mean((squash(feats @ coef + shift) > 0.5) == (follow > 0.5))
print(f"first_loss={first:.4f}")
print(f"final_loss={cost:.4f}")
print(f"accuracy={acc:.3f}")
