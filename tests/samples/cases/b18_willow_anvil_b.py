# One-hidden-layer tanh regressor fitting a damped wave, minibatch SGD with a held-out split
import numpy as np

np.random.seed(5)

x = np.random.uniform(-3, 3, (1500, 1))
y = np.exp(-0.2 * x ** 2) * np.sin(1.8 * x) + np.random.normal(0, 0.05, x.shape)
x_train, y_train = x[:1200], y[:1200]
x_val, y_val = x[1200:], y[1200:]

params = {
    "W1": np.random.randn(1, 64) * 0.8,
    "b1": np.random.uniform(-2, 2, 64),
    "W2": np.random.randn(64, 1) * np.sqrt(1.0 / 64),
    "b2": np.zeros(1),
}
learning_rate = 0.02
batch_size = 40
n_epochs = 80
history = {"train": [], "val": []}


def forward(p, xb):
    h = np.tanh(xb @ p["W1"] + p["b1"])
    out = h @ p["W2"] + p["b2"]
    return out, h


def backward(p, xb, yb, out, h):
    m = xb.shape[0]
    d_out = 2 * (out - yb) / m
    g = {"W2": h.T @ d_out, "b2": d_out.sum(0)}
    dh = (d_out @ p["W2"].T) * (1 - h ** 2)
    g["W1"], g["b1"] = xb.T @ dh, dh.sum(0)
    return g


for epoch in range(n_epochs):
    order = np.random.permutation(len(x_train))
    running = []
    for s in range(0, len(order), batch_size):
        ib = order[s:s + batch_size]
        out, h = forward(params, x_train[ib])
        running.append(np.mean((out - y_train[ib]) ** 2))
        grads = backward(params, x_train[ib], y_train[ib], out, h)
        for k in params:
            params[k] -= learning_rate * grads[k]
    history["train"].append(np.mean(running))

    # held-out check in chunks of 100
    sq_err = 0.0
    for s in range(0, len(x_val), 100):
        pv, _ = forward(params, x_val[s:s + 100])
        sq_err += np.sum((pv - y_val[s:s + 100]) ** 2)
    history["val"].append(sq_err / len(x_val))
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d}  train {history['train'][-1]:.4f}  val {history['val'][-1]:.4f}")

pred, _ = forward(params, x_val)
r2 = 1 - np.sum((pred - y_val) ** 2) / np.sum((y_val - y_val.mean()) ** 2)
print(f"first_loss={history['train'][0]:.6f}")
print(f"final_loss={history['train'][-1]:.6f}")
print(f"val_loss={history['val'][-1]:.6f}")
print(f"r2={r2:.4f}")
