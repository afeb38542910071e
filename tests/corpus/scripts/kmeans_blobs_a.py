import numpy as np

np.random.seed(1)
centers_true = np.array([[0.0, 0.0], [6.0, 6.0], [0.0, 8.0]])
X = np.vstack([c + np.random.randn(100, 2) for c in centers_true])
labels_true = np.repeat([0, 1, 2], 100)

k = 3
# start from three points (picked by hand)
centroids = X[[0, 1, 150]].copy()

for iteration in range(100):
    d = ((X[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    assign = d.argmin(axis=1)
    old_centroids = centroids
    for j in range(k):
        if np.any(assign == j):
            centroids[j] = X[assign == j].mean(axis=0)
    if np.allclose(old_centroids, centroids):
        print("converged after", iteration + 1, "iterations")
        break

inertia = ((X - centroids[assign]) ** 2).sum(axis=1).mean()
purity = sum(np.bincount(assign[labels_true == c]).max() for c in range(3)) / len(X)
print("centroids", centroids.round(2).tolist())
print(f"final_loss={inertia}")
print(f"accuracy={purity}")
