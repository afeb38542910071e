# Linear regression of flat rent on size, age and distance, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(7)

n = 400
size_m2 = rng.uniform(30, 160, n)
age_years = rng.uniform(0, 80, n)
dist_km = rng.uniform(0.5, 25, n)
rent = 9.5 * size_m2 - 3.0 * age_years - 22.0 * dist_km + 600 + rng.normal(0, 40, n)

raw = np.column_stack([size_m2, age_years, dist_km])
X = (raw - raw.mean(axis=0)) / raw.std(axis=0)
y = (rent - rent.mean()) / rent.std()


class LinearModel:
    def __init__(self, n_in):
        self.w = np.zeros(n_in)
        self.b = np.zeros(1)

    def __call__(self, X):
        return X @ self.w + self.b

    def params(self):
        return [self.w, self.b]


class Optimizer:
    def __init__(self, lr, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.velocity = None

    def step(self, params, grads):
        if self.velocity is None:
            self.velocity = [np.zeros_like(p) for p in params]
        for p, g, v in zip(params, grads, self.velocity):
            v *= self.momentum
            v -= self.lr * g
            p += v


model = LinearModel(3)
opt = Optimizer(lr=0.05)
history = {"step": [], "loss": []}

for step in range(300):
    pred = model(X)
    err = pred - y
    loss = np.mean(err ** 2)
    grad_w = 2 * X.T @ err / n
    grad_b = np.array([2 * err.mean()])
    opt.step(model.params(), [grad_w, grad_b])
    if step % 25 == 0:
        history["step"].append(step)
        history["loss"].append(loss)
        print(f"step {step:4d}  mse {loss:.5f}")

pred = model(X)
final_loss = np.mean((pred - y) ** 2)
r2 = 1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2)
print(f"first_loss={history['loss'][0]:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"r2={r2:.4f}")
