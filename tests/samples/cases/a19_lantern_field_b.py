# Fuel use per 100 km from car features, linear regression by gradient descent until the loss settles
import numpy as np

rng = np.random.default_rng(11)

n = 250
weight_kg = rng.uniform(900, 2300, n)
engine_l = np.clip(weight_kg / 900 + rng.normal(0, 0.35, n), 0.9, 4.5)
speed_kmh = rng.uniform(40, 130, n)
fuel = 1.2 + 0.0032 * weight_kg + 0.9 * engine_l + 0.00045 * (speed_kmh - 80) ** 2
fuel = fuel + rng.normal(0, 0.35, n)

X_raw = np.column_stack([weight_kg, engine_l, speed_kmh, (speed_kmh - 80) ** 2])
n_samples = X_raw.shape[0]

# intercept column and feature scaling
X = (X_raw - X_raw.mean(axis=0)) / X_raw.std(axis=0)
X = np.hstack([np.ones((n_samples, 1)), X])

theta = np.zeros(X.shape[1])
lr = 0.1
tol = 1e-7
max_steps = 5000


def mse(theta):
    r = X @ theta - fuel
    return np.mean(r ** 2)


loss = mse(theta)
first_loss = loss
prev_loss = loss + 1.0
step = 0
while abs(prev_loss - loss) > tol and step < max_steps:
    grad = 2 * X.T @ (X @ theta - fuel) / n_samples
    theta = theta - lr * grad
    prev_loss = loss
    loss = mse(theta)
    step += 1
    if step % 200 == 0:
        print(f"step {step} mse {loss:.5f}")

pred = X @ theta
r2 = 1 - np.sum((fuel - pred) ** 2) / np.sum((fuel - fuel.mean()) ** 2)
print(f"steps={step}")
print(f"first_loss={first_loss:.5f}")
print(f"final_loss={loss:.5f}")
print(f"r2={r2:.4f}")
