# Four-layer ReLU network (2 -> 24 -> 24 -> 24 -> 3 softmax) separating three arcs of points.
# float32 arrays, one function per pass, full-batch gradient descent on the cross-entropy.
# Run: python mlp_small_start_float32.py
import numpy as np

rng = np.random.default_rng(17)


def make_arcs(n):
    k = np.repeat(np.arange(3), n)
    angle = rng.uniform(0, np.pi, 3 * n) + k * 2.1
    radius = 1.0 + 0.5 * k + rng.normal(0, 0.08, 3 * n)
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]).astype(np.float32)
    return X, k


def forward(X, Ws, bs):
    acts = [X]
    for W, b in zip(Ws[:-1], bs[:-1]):
        acts.append(np.maximum(acts[-1] @ W + b, 0))
    scores = acts[-1] @ Ws[-1] + bs[-1]
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    return acts, e / e.sum(axis=1, keepdims=True)


def backward(acts, probs, T, Ws):
    grads = []
    d = (probs - T) / np.float32(len(T))
    for i in range(len(Ws) - 1, -1, -1):
        grads.append((acts[i].T @ d, d.sum(axis=0)))
        if i > 0:
            d = (d @ Ws[i].T) * (acts[i] > 0)
    return grads[::-1]


X, k = make_arcs(120)
T = np.eye(3, dtype=np.float32)[k]
sizes = [2, 24, 24, 24, 3]
Ws = [(rng.standard_normal((a, b)) * 0.01).astype(np.float32) for a, b in zip(sizes[:-1], sizes[1:])]
bs = [np.zeros(b, dtype=np.float32) for b in sizes[1:]]
lr = np.float32(0.5)
for epoch in range(300):
    acts, probs = forward(X, Ws, bs)
    for i, (gW, gb) in enumerate(backward(acts, probs, T, Ws)):
        Ws[i] -= lr * gW
        bs[i] -= lr * gb
    if epoch % 50 == 0:
        loss = float(-np.mean(np.log(probs[np.arange(len(k)), k] + 1e-7)))
        print(f"epoch {epoch:3d}  loss {loss:.4f}  acc {np.mean(probs.argmax(axis=1) == k):.3f}")
acts, probs = forward(X, Ws, bs)
print(f"final loss {float(-np.mean(np.log(probs[np.arange(len(k)), k] + 1e-7))):.4f} "
      f"acc {np.mean(probs.argmax(axis=1) == k):.3f}")
