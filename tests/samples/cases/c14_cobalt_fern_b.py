# small net (1 hidden sigmoid layer) for boiler output from 5 sensor channels
# Adam, keeps going until the loss stops improving or we run out of budget
import numpy as np

np.random.seed(42)
m = 400
raw = np.random.uniform(0, 10, size=(m, 5))
raw[:, 3] = 6.0                     # channel 3 is the setpoint
target = np.sin(raw[:, 0] / 3.0) + 0.3 * raw[:, 1] - 0.02 * raw[:, 2] ** 2 + 0.1 * raw[:, 4]
target = (target - target.mean()) / target.std()


def scale(data):
    mu = data.mean(axis=0)
    sd = data.std(axis=0)
    return (data - mu) / np.where(sd > 0, sd, 1.0)


def init(n_in, n_hidden):
    return {
        "W1": np.random.randn(n_in, n_hidden) / np.sqrt(n_in),
        "b1": np.zeros(n_hidden),
        "W2": np.random.randn(n_hidden) / np.sqrt(n_hidden),
        "b2": 0.0,
    }


def forward(params, X):
    h = 1.0 / (1.0 + np.exp(-(X @ params["W1"] + params["b1"])))
    return h, h @ params["W2"] + params["b2"]


def grads(params, X, y):
    h, out = forward(params, X)
    r = out - y
    loss = np.mean(r ** 2)
    d_out = 2 * r / len(y)
    d_h = np.outer(d_out, params["W2"]) * h * (1 - h)
    return loss, {"W1": X.T @ d_h, "b1": d_h.sum(axis=0), "W2": h.T @ d_out, "b2": d_out.sum()}


X = scale(raw)
params = init(5, 16)
m1 = {k: np.zeros_like(v) for k, v in params.items()}
m2 = {k: np.zeros_like(v) for k, v in params.items()}
lr, beta1, beta2, eps = 0.01, 0.9, 0.999, 1e-8

loss, g = grads(params, X, target)
print("first_loss=%.5f" % loss)
prev = np.inf
it = 0
tol = 1e-7
max_iter = 3000
while it < max_iter and abs(prev - loss) > tol:
    it += 1
    for k in params:
        m1[k] = beta1 * m1[k] + (1 - beta1) * g[k]
        m2[k] = beta2 * m2[k] + (1 - beta2) * g[k] ** 2
        mhat = m1[k] / (1 - beta1 ** it)
        vhat = m2[k] / (1 - beta2 ** it)
        params[k] = params[k] - lr * mhat / (np.sqrt(vhat) + eps)
    prev = loss
    loss, g = grads(params, X, target)
    if it % 500 == 0:
        print("iter", it, "mse", round(float(loss), 5))

print("stopped after", it, "iterations")
print("final_loss=%.5f" % loss)
_, out = forward(params, X)
print("r2=%.4f" % (1 - np.mean((out - target) ** 2) / np.var(target)))
