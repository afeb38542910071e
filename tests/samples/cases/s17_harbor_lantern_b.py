# House price regression from area, rooms and age, full-batch gradient descent in float32
import numpy as np

rng = np.random.default_rng(7)
n = 400

area = rng.uniform(500, 3500, n).astype(np.float32)       # square feet
rooms = rng.integers(1, 6, n).astype(np.float32)
age = rng.uniform(0, 80, n).astype(np.float32)             # years
noise = rng.normal(0, 15, n).astype(np.float32)
price = (40 + 0.11 * area + 12 * rooms - 0.9 * age + noise).astype(np.float32)  # in thousands

X = np.column_stack([area, rooms, age])
y = price

params = {
    "w": np.zeros(X.shape[1], dtype=np.float32),
    "b": np.float32(0.0),
}
lr = np.float32(0.01)
epochs = 600

def predict(p, X):
    return X @ p["w"] + p["b"]

first_loss = None
for epoch in range(epochs):
    pred = predict(params, X)
    err = pred - y
    loss = np.mean(err ** 2)
    if first_loss is None:
        first_loss = loss
    grad_w = 2 * X.T @ err / n
    grad_b = 2 * np.mean(err)
    params["w"] -= lr * grad_w
    params["b"] -= lr * grad_b
    if epoch % 100 == 0:
        print(f"epoch {epoch} loss {loss:.3f}")

pred = predict(params, X)
final_loss = np.mean((pred - y) ** 2)
r2 = 1 - np.sum((pred - y) ** 2) / np.sum((y - y.mean()) ** 2)
print("dtype=" + str(params["w"].dtype))
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={r2:.4f}")
