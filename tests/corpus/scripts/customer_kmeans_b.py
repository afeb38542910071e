import numpy as np

rng = np.random.default_rng(17)
# customer segments from (age in years, yearly income in euros)
ages = np.r_[rng.normal(25, 3, 100), rng.normal(45, 3, 100), rng.normal(65, 3, 100)]
income = np.r_[rng.normal(30000, 3000, 100), rng.normal(34000, 3000, 100), rng.normal(38000, 3000, 100)]
segment = np.repeat([0, 1, 2], 100)
features = np.column_stack([ages, income])


def kmeans(data, k, n_iter=50):
    centers = data[[0, 100, 200]].copy()
    for _ in range(n_iter):
        dist = np.linalg.norm(data[:, None, :] - centers[None], axis=2)
        assign = dist.argmin(axis=1)
        new_centers = np.array([data[assign == j].mean(axis=0) if np.any(assign == j) else centers[j]
                                for j in range(k)])
        if np.allclose(new_centers, centers):
            break
        centers = new_centers
    return centers, assign


centers, assign = kmeans(features, 3)
purity = sum(np.bincount(assign[segment == c], minlength=3).max() for c in range(3)) / len(segment)
print("cluster sizes", np.bincount(assign, minlength=3))
print(f"accuracy={purity}")
