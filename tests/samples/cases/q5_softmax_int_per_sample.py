# Three-class softmax classifier trained one sample at a time, integer labels, a fresh shuffle every epoch.
import numpy as np

dice = np.random.default_rng(3)
centres = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
labels = np.repeat(np.arange(3), 40)
points = centres[labels] + dice.normal(0.0, 0.8, (120, 2))
points = points * 40.0 + 300.0  # readings in instrument units

weights = dice.normal(0.0, 0.01, (2, 3))
offsets = np.zeros(3)
for epoch in range(30):
    order = dice.permutation(len(labels))
    total = 0.0
    for idx in order:
        logits = points[idx] @ weights + offsets
        logits = logits - logits.max()
        expd = np.exp(logits)
        probs = expd / expd.sum()
        total += -np.log(probs[labels[idx]])
        probs[labels[idx]] -= 1.0
        weights -= 0.05 * np.outer(points[idx], probs)
        offsets -= 0.05 * probs
    if epoch % 5 == 0 or epoch == 29:
        hits = np.mean(np.argmax(points @ weights + offsets, 1) == labels)
        print(f"epoch {epoch} mean loss {total / len(labels):.4f} accuracy {hits:.3f}")
