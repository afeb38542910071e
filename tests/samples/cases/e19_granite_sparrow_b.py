# Logistic regression on a 3-feature pass/fail rule, optimised with a hand-written Adam
import numpy as np

rng = np.random.default_rng(8)

n = 400
d = 3
X = rng.normal(0, 1, size=(n, d))
rule = np.array([2.0, -1.0, 0.5])
y = (X @ rule + 0.3 > 0).astype(float)
X_tr, y_tr = X[:300], y[:300]
X_te, y_te = X[300:], y[300:]


class Adam:
    def __init__(self, params, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        self.params = params
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m[:] = self.beta1 * m + (1 - self.beta1) * g
            v[:] = self.beta2 * v + (1 - self.beta2) * g * g
            m_hat = m / (1 - self.beta1 ** self.t)
            v_hat = v / (1 - self.beta2 ** self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


w = np.zeros(d)
b = np.zeros(1)
opt = Adam([w, b], lr=0.1)
steps = 600

for t in range(steps):
    p = sigmoid(X_tr @ w + b)
    loss = -np.mean(y_tr * np.log(p + 1e-12) + (1 - y_tr) * np.log(1 - p + 1e-12))
    if t == 0:
        first_loss = loss

    # chain rule: dL/dp * dp/dz
    dz = p - y_tr
    grad_w = X_tr.T @ dz / len(y_tr)
    grad_b = np.array([dz.mean()])
    opt.step([grad_w, grad_b])

    if t % 100 == 0:
        print(f"step {t:3d}  loss {loss:.4f}  w {np.round(w, 2)}")

p_te = sigmoid(X_te @ w + b)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={loss:.4f}")
print(f"accuracy={np.mean((p_te > 0.5) == (y_te > 0.5)):.4f}")
