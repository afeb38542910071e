import numpy as np

rng = np.random.default_rng(4)
# linearly separable points with a margin, labels in {-1, +1}; bias as a trailing column of ones
pts = rng.uniform(-3, 3, (400, 2))
score = 2 * pts[:, 0] - pts[:, 1] + 0.5
keep = np.abs(score) > 0.5
pts, score = pts[keep], score[keep]
labels = np.where(score > 0, 1, -1)
X = np.hstack([pts, np.ones((len(pts), 1))])

w = np.zeros(3)
for epoch in range(100):
    errors = 0
    for xi, ti in zip(X, labels):
        if ti * (xi @ w) <= 0:
            w += ti * xi
            errors += 1
    if errors == 0:
        break

acc = np.mean(np.sign(X @ w) == labels)
print("epochs run:", epoch + 1, "w:", w)
print(f"accuracy={acc}")
