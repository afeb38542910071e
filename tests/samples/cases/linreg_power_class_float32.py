# Linear regression of machine power draw (watts) from three load readings, written as a class.
# float32 throughout, one column per sample (readings x samples), full-batch gradient descent.
# Run: python linreg_power_class_float32.py
import numpy as np


class PowerModel:
    def __init__(self, n_features):
        self.w = np.zeros((1, n_features), dtype=np.float32)
        self.b = np.float32(0.0)

    def fit(self, X, y, lr, iters):
        m = np.float32(X.shape[1])
        for it in range(iters):
            pred = self.w @ X + self.b
            r = pred - y
            gw = r @ X.T / m
            gb = r.sum() / m
            self.w = self.w - lr * gw
            self.b = self.b - lr * gb
            if it % 40 == 0:
                print(f"iter {it:3d}  loss {self.loss(X, y):.4f}")
        print(f"final loss {self.loss(X, y):.4f}")

    def loss(self, X, y):
        return float(np.mean((self.w @ X + self.b - y) ** 2))


rng = np.random.default_rng(21)
X = rng.standard_normal((3, 240)).astype(np.float32)
y = (np.array([[2.0, -1.0, 0.5]], dtype=np.float32) @ X + 1.5
     + 0.1 * rng.standard_normal((1, 240))).astype(np.float32)
PowerModel(3).fit(X, y, np.float32(0.1), 200)
