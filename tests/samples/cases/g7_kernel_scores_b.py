# Kernel smoother: each query gets a weighted average of the known readings,
# weights = softmax of the negative squared distances (narrow bandwidth, readings are sparse).
import numpy as np

rng = np.random.default_rng(8)
known_t = np.sort(rng.uniform(0.0, 60.0, 40))          # minutes
known_v = np.sin(known_t / 6.0) + 0.05 * rng.normal(size=40)
query_t = np.linspace(0.0, 60.0, 121)
truth = np.sin(query_t / 6.0)
bandwidth = 0.05


def smooth(q):
    scores = -((q[:, None] - known_t[None, :]) ** 2) / (2.0 * bandwidth ** 2)
    scores = scores - scores.max(axis=1, keepdims=True)
    weights = np.exp(scores)
    weights = weights / weights.sum(axis=1, keepdims=True)
    return weights @ known_v


est = smooth(query_t)
print(f"missing={int(np.isnan(est).sum())}")
print(f"mse={float(np.mean((est - truth) ** 2)):.6f}")
print(f"max_abs_err={float(np.max(np.abs(est - truth))):.6f}")
