# Averaged perceptron on two noisy linearly separated blobs
import numpy as np

np.random.seed(42)
n = 400
X_pos = np.random.randn(n // 2, 2) + np.array([1.5, 1.5])
X_neg = np.random.randn(n // 2, 2) + np.array([-1.5, -1.0])
X = np.vstack([X_pos, X_neg])
y = np.hstack([np.ones(n // 2), -np.ones(n // 2)])
X = np.hstack([X, np.ones((n, 1))])  # bias column

w = np.zeros(3)
w_sum = np.zeros_like(w)  # running total for the average

def hinge(w, X, y):
    return np.mean(np.maximum(0, 1 - y * (X @ w)))

print("first_loss=%.6f" % hinge(w, X, y))

count = 0
for epoch in range(20):
    order = np.random.permutation(n)
    for i in order:
        if y[i] * (X[i] @ w) <= 0:
            w += y[i] * X[i]
        w_sum += w
        count += 1
    w_avg = w_sum / count
    print("epoch", epoch, "hinge", hinge(w_avg, X, y), "misclassified", np.sum(np.sign(X @ w_avg) != y))

w_avg = w_sum / count
print("final_loss=%.6f" % hinge(w_avg, X, y))
print("accuracy=%.4f" % np.mean(np.sign(X @ w_avg) == y))
