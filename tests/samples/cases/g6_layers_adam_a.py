# Two dense layers as objects, trained with Adam on a wavy 1-D curve.
import numpy as np


def squash(v):
    return 1.0 / (1.0 + np.exp(-v))


def squash_grad(s):
    # derivative of the logistic, written in terms of its output
    return s * (1.0 - s)


class Dense:
    def __init__(self, n_in, n_out, gen, act=True):
        self.kernel = gen.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, n_out))
        self.shift = np.zeros(n_out)
        self.act = act
        self.moments = [[np.zeros_like(self.kernel), np.zeros_like(self.kernel)],
                        [np.zeros_like(self.shift), np.zeros_like(self.shift)]]

    def forward(self, inp):
        self.inp = inp
        self.pre = inp @ self.kernel + self.shift
        self.out = squash(self.pre) if self.act else self.pre
        return self.out

    def backward(self, grad_out):
        if self.act:
            grad_out = grad_out * squash_grad(self.out)
        self.g_kernel = self.inp.T @ grad_out
        self.g_shift = grad_out.sum(axis=0)
        return grad_out @ self.kernel.T

    def adam(self, rate, t, b1=0.9, b2=0.999, eps=1e-8):
        for param, grad, mom in ((self.kernel, self.g_kernel, self.moments[0]),
                                 (self.shift, self.g_shift, self.moments[1])):
            mom[0] = b1 * mom[0] + (1 - b1) * grad
            mom[1] = b2 * mom[1] + (1 - b2) * grad * grad
            m_hat = mom[0] / (1 - b1 ** t)
            v_hat = mom[1] / (1 - b2 ** t)
            param -= rate * m_hat / (np.sqrt(v_hat) + eps)


gen = np.random.default_rng(2)
xs = np.linspace(-3, 3, 200).reshape(-1, 1)
ys = np.sin(1.5 * xs) + 0.3 * xs
net = [Dense(1, 24, gen), Dense(24, 1, gen, act=False)]


def predict(data):
    for layer in net:
        data = layer.forward(data)
    return data


print(f"first_loss={float(np.mean((predict(xs) - ys) ** 2)):.5f}")
for t in range(1, 401):
    guess = predict(xs)
    grad = 2.0 * (guess - ys) / len(xs)
    for layer in reversed(net):
        grad = layer.backward(grad)
    for layer in net:
        layer.adam(0.02, t)
    if t % 100 == 0:
        print(f"t={t} mse={float(np.mean((guess - ys) ** 2)):.5f}")
print(f"final_loss={float(np.mean((predict(xs) - ys) ** 2)):.5f}")
