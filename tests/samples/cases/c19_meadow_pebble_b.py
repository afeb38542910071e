# Linear regression of flat rents from size, rooms, floor and distance, plain SGD one flat at a time
import numpy as np

np.random.seed(3)

n = 300
size_m2 = np.random.uniform(25, 140, n)
rooms = np.random.randint(1, 6, n).astype(float)
floor = np.random.randint(0, 12, n).astype(float)
dist_m = np.random.uniform(200, 9000, n)

# rent in euros per month
rent = 180 + 9.5 * size_m2 + 45 * rooms + 6 * floor - 0.04 * dist_m + np.random.normal(0, 60, n)

X = np.column_stack([size_m2, rooms, floor, dist_m])
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = rent

w = np.zeros(X.shape[1])
b = 0.0
lr = 0.01
epochs = 40

def mse(X, y, w, b):
    return np.mean((X @ w + b - y) ** 2)

first_loss = mse(X, y, w, b)
print("start loss", round(first_loss, 2))

order = np.arange(n)
for epoch in range(epochs):
    np.random.shuffle(order)
    for i in range(n):
        j = order[i]
        xi = X[j]
        guess = xi @ w + b
        diff = guess - y[j]
        # gradient of 0.5 * diff^2
        w = w - lr * diff * xi
        b = b - lr * diff
    if epoch % 10 == 0 or epoch == epochs - 1:
        print("epoch", epoch, "loss", mse(X, y, w, b))

final_loss = mse(X, y, w, b)
pred = X @ w + b
r2 = 1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)

print("weights", w, "bias", b)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
