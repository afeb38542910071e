# Linear regression on four sensor readings, gradient descent until the loss settles
import numpy as np

rng = np.random.default_rng(2024)

n_features, n_samples = 4, 400
true_w = np.array([[1.7, -0.8, 0.0, 2.4]])
true_b = 3.0
X = rng.normal(0.0, 1.0, size=(n_features, n_samples))  # one column per reading
y = true_w @ X + true_b + 0.3 * rng.standard_normal((1, n_samples))

# center and scale each feature row
X = (X - X.mean(axis=1, keepdims=True)) / X.std(axis=1, keepdims=True)

w = np.zeros((1, n_features))
b = 0.0
lr = 0.05
tol = 1e-8
max_steps = 20000

pred = w @ X + b
first_loss = float(np.mean((pred - y) ** 2))

loss = None
change = np.inf
step = 0
while change > tol and step < max_steps:
    err = (w @ X + b) - y
    new_loss = float(np.mean(err ** 2))
    if loss is not None:
        change = abs(loss - new_loss)
    loss = new_loss
    grad_w = (err @ X.T) / n_samples
    grad_b = float(np.mean(err, axis=1)[0])
    w = w - lr * grad_w
    b = b - lr * grad_b
    if step % 100 == 0:
        print(f"step {step}  mse {loss:.5f}")
    step += 1

pred = w @ X + b
final_loss = float(np.mean((pred - y) ** 2))
r2 = 1.0 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)
print(f"steps={step}")
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"r2={r2:.4f}")
