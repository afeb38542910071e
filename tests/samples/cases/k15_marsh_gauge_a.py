# predict evaporation from a marsh gauge (3 weather inputs) with a small relu net
# written with little layer objects and adam; train until the loss stops changing
import numpy as np

rng = np.random.RandomState(2024)

n = 300
temp = rng.uniform(-1, 1, n)
wind = rng.uniform(-1, 1, n)
humid = rng.uniform(-1, 1, n)
X = np.column_stack([temp, wind, humid])
y = (1.5 * temp + np.sin(2 * wind) - 0.8 * humid * temp + 0.05 * rng.randn(n)).reshape(-1, 1)


class Dense:
    def __init__(self, n_in, n_out):
        self.W = rng.randn(n_in, n_out) * np.sqrt(2.0 / n_in)
        self.b = np.zeros((1, n_out))
        self.grads = {}
        self.m = {"W": np.zeros_like(self.W), "b": np.zeros_like(self.b)}
        self.v = {"W": np.zeros_like(self.W), "b": np.zeros_like(self.b)}

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.grads["W"] = self.x.T @ dout
        self.grads["b"] = dout.sum(axis=0, keepdims=True)
        return dout @ self.W.T


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, dout):
        return dout * self.mask


layers = [Dense(3, 24), ReLU(), Dense(24, 24), ReLU(), Dense(24, 1)]


def predict(x):
    for layer in layers:
        x = layer.forward(x)
    return x


def mse():
    return float(np.mean((predict(X) - y) ** 2))


lr = 0.005
beta1, beta2, eps = 0.9, 0.999, 1e-8
tol = 1e-6
max_iter = 4000

prev = mse()
print(f"first_loss={prev:.5f}")
it = 0
change = 1.0
while change > tol and it < max_iter:
    out = predict(X)
    grad = 2 * (out - y) / n
    for layer in reversed(layers):
        grad = layer.backward(grad)
    t = it + 1
    for layer in layers:
        if isinstance(layer, Dense):
            for name in ("W", "b"):
                g = layer.grads[name]
                layer.m[name] = beta1 * layer.m[name] + (1 - beta1) * g
                layer.v[name] = beta2 * layer.v[name] + (1 - beta2) * g * g
                m_hat = layer.m[name] / (1 - beta1 ** t)
                v_hat = layer.v[name] / (1 - beta2 ** t)
                p = getattr(layer, name)
                p -= lr * m_hat / (np.sqrt(v_hat) + eps)
    cur = mse()
    change = abs(prev - cur)
    prev = cur
    it += 1
    if it % 500 == 0:
        print(f"iter {it}  mse {cur:.5f}")

print(f"stopped after {it} iterations")
print(f"final_loss={mse():.5f}")
print(f"r2={1 - np.sum((predict(X) - y) ** 2) / np.sum((y - y.mean()) ** 2):.4f}")
