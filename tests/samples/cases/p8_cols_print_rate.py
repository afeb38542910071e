# Logistic regression with samples in columns (features x samples), cost shown only in the progress print.
import numpy as np

rng = np.random.default_rng(42)
n = 300
X = np.vstack([rng.normal(0, 1, n), rng.normal(0, 1, n)])          # 2 x n
labels = (1.5 * X[0] - X[1] + 0.3 > 0).astype(float).reshape(1, n)  # 1 x n

theta = np.zeros((1, 2))
bias = 0.0
alpha = 1e-4

for it in range(600):
    z = theta @ X + bias
    a = 1.0 / (1.0 + np.exp(-z))
    dz = a - labels
    theta = theta - alpha * (dz @ X.T) / n
    bias = bias - alpha * float(np.mean(dz))
    if it % 50 == 0:
        print("iter %d  cost %.5f" % (it, -np.mean(labels * np.log(a) + (1 - labels) * np.log(1 - a))))

a = 1.0 / (1.0 + np.exp(-(theta @ X + bias)))
print("accuracy={:.3f}".format(float(np.mean((a > 0.5) == (labels > 0.5)))))
