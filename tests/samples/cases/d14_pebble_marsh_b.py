# Linear model of fuel per delivery route in a small class, momentum gradient descent.
import numpy as np

# fuel used per delivery route vs. 4 route features
# linear model in a small class, gradient descent with momentum

np.random.seed(2024)
n_routes = 350
X = np.random.randn(n_routes, 4)
true_w = np.array([1.8, -0.7, 0.0, 2.4])
noise = 0.3 * np.random.randn(n_routes)
y = (X @ true_w + 3.0 + noise).reshape(-1, 1)


class LinearModel:
    def __init__(self, n_features, lr=0.05, momentum=0.9):
        self.w = np.zeros((n_features, 1))
        self.b = 0.0
        self.lr = lr
        self.momentum = momentum
        self.vw = np.zeros((n_features, 1))
        self.vb = 0.0

    def predict(self, X):
        return X @ self.w + self.b

    def mse(self, X, y):
        return np.mean((self.predict(X) - y) ** 2)

    def step(self, X, y):
        err = self.predict(X) - y
        gw = 2 * X.T @ err / len(X)
        gb = 2 * np.mean(err)
        self.vw = self.momentum * self.vw - self.lr * gw
        self.vb = self.momentum * self.vb - self.lr * gb
        self.w = self.w + self.vw
        self.b = self.b + self.vb


model = LinearModel(4)
print(f"first_loss={model.mse(X, y):.5f}")
for it in range(300):
    model.step(X, y)
    if it % 50 == 0:
        print("it", it, "mse", round(model.mse(X, y), 5))

pred = model.predict(X)
final = model.mse(X, y)
r2 = 1 - np.mean((pred - y) ** 2) / np.var(y)
print(f"final_loss={final:.5f}")
print(f"r2={r2:.4f}")
