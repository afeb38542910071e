import numpy as np

np.random.seed(5)
# fuel consumption from (weight, power, age): linear regression, weights as a column vector
n, d = 200, 3
X = np.random.randn(n, d)
y = X @ np.array([1.5, -0.8, 0.3]) + 4.0 + 0.1 * np.random.randn(n)
y = y.reshape(-1, 1)

w = np.zeros((d, 1))
b = 0.0
lr = 0.1

losses = []
for epoch in range(300):
    pred = X @ w + b
    err = pred - y
    losses.append(np.mean(err ** 2))
    grad_w = X.T @ err / n
    grad_b = np.mean(err)
    w = w - lr * grad_w
    b = b - lr * grad_b

print("w shape after training:", w.shape)
print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
