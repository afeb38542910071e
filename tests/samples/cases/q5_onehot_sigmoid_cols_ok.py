# Four independent sigmoid outputs on one-hot targets (classes in columns), binary cross-entropy with 1 - targets.
import numpy as np

rs = np.random.RandomState(8)
feats = rs.randn(3, 160)
klass = np.argmax(np.array([[1.0, 0.5, 0.0], [-1.0, 0.5, 0.2], [0.0, -1.0, 0.9], [0.3, 0.2, -1.2]]) @ feats, 0)
onehot = np.zeros((4, 160))
onehot[klass, np.arange(160)] = 1.0

proj = rs.randn(4, 3) * 0.1
bias = np.zeros((4, 1))
for it in range(800):
    act = 1.0 / (1.0 + np.exp(-(proj @ feats + bias)))
    ce = -np.mean(onehot * np.log(act + 1e-12) + (1 - onehot) * np.log(1 - act + 1e-12))
    delta = (act - onehot) / feats.shape[1]
    proj -= 2.0 * delta @ feats.T
    bias -= 2.0 * delta.sum(1, keepdims=True)
    if it % 300 == 0 or it == 799:
        print(f"it {it} bce {ce:.5f} accuracy {np.mean(np.argmax(act, 0) == klass):.3f}")
