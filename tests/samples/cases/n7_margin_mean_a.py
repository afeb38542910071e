# Linear SVM on two well separated groups; the step averages over the points still inside the margin.
import numpy as np


def make_data(seed):
    g = np.random.default_rng(seed)
    up = g.normal([2.5, 2.0], 0.6, (80, 2))
    down = g.normal([-2.0, -2.5], 0.6, (80, 2))
    return np.vstack([up, down]), np.r_[np.ones(80), -np.ones(80)]


def hinge(model, pts, side):
    return np.mean(np.maximum(0.0, 1.0 - side * (pts @ model["dir"] + model["off"])))


def train(pts, side, rate=0.1, rounds=200, lam=0.001):
    model = {"dir": np.zeros(2), "off": 0.0}
    losses = []
    for r in range(rounds):
        m = side * (pts @ model["dir"] + model["off"])
        inside = m < 1.0
        count = max(inside.sum(), 1)
        g_dir = -(side[inside] @ pts[inside]) / count + lam * model["dir"]
        g_off = -side[inside].sum() / count
        model["dir"] = model["dir"] - rate * g_dir
        model["off"] = model["off"] - rate * g_off
        losses.append(hinge(model, pts, side))
    return model, losses


pts, side = make_data(31)
model, losses = train(pts, side)
for r in range(0, 200, 40):
    print("round", r, "hinge", losses[r])
acc = np.mean(np.sign(pts @ model["dir"] + model["off"]) == side)
print(f"first_loss={losses[0]:.4f}")
print(f"final_loss={losses[-1]:.4f}")
print(f"accuracy={acc:.3f}")
