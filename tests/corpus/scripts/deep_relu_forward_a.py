import numpy as np

# sanity check of a freshly initialised 12-layer classifier: one forward pass, no training yet
np.random.seed(3)
batch = np.random.randn(64, 256)
labels = np.random.randint(0, 10, 64)

widths = [256] * 12 + [10]
weights = [np.random.randn(256, w) for w in widths]
biases = [np.zeros(w) for w in widths]

a = batch
for i, (W, b) in enumerate(zip(weights, biases)):
    z = a @ W + b
    a = np.maximum(z, 0) if i < len(weights) - 1 else z
    print(f"layer {i:2d}: mean |activation| = {np.abs(a).mean():.3e}")

logits = a
exp = np.exp(logits - logits.max(axis=1, keepdims=True))
probs = exp / exp.sum(axis=1, keepdims=True)
loss = -np.mean(np.log(probs[np.arange(64), labels]))
print(f"final_loss={loss}")
print(f"scale={np.abs(logits).mean()}")
