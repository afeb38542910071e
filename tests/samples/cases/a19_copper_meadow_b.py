# Two rings classifier: small ReLU network built from layer closures, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(3)

n_per = 200
r_inner = rng.normal(1.0, 0.15, n_per)
r_outer = rng.normal(1.8, 0.25, n_per)
ang = rng.uniform(0, 2 * np.pi, 2 * n_per)
radius = np.concatenate([r_inner, r_outer])
X = np.column_stack([radius * np.cos(ang), radius * np.sin(ang)])
y = np.concatenate([np.zeros(n_per), np.ones(n_per)]).reshape(-1, 1)
X = (X - X.mean(axis=0)) / X.std(axis=0)


def make_layer(n_in, n_out, threshold):
    # unit fires when x.w goes over its threshold
    W = rng.normal(0.0, 0.1, (n_in, n_out))
    theta = np.full(n_out, threshold)
    saved = {}

    def forward(x):
        saved["x"] = x
        return x @ W - theta

    def backward(grad_out, lr):
        nonlocal W, theta
        grad_in = grad_out @ W.T
        W = W - lr * saved["x"].T @ grad_out
        theta = theta + lr * grad_out.sum(axis=0)
        return grad_in

    return forward, backward


def make_relu():
    saved = {}

    def forward(z):
        saved["mask"] = z > 0
        return np.where(saved["mask"], z, 0.0)

    def backward(grad_out, lr):
        return grad_out * saved["mask"]

    return forward, backward


layers = [make_layer(2, 24, 1.0), make_relu(), make_layer(24, 1, 0.0)]


def run_forward(x):
    for fwd, _ in layers:
        x = fwd(x)
    return x


def run_backward(grad, lr):
    for _, bwd in reversed(layers):
        grad = bwd(grad, lr)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def bce(p, t):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


lr = 0.5
first_loss = None
for epoch in range(1500):
    p = sigmoid(run_forward(X))
    loss = bce(p, y)
    if first_loss is None:
        first_loss = loss
    grad = (p - y) / len(X)
    run_backward(grad, lr)
    if epoch % 300 == 0:
        print(f"epoch {epoch} loss {loss:.4f}")

p = sigmoid(run_forward(X))
final_loss = bce(p, y)
accuracy = np.mean((p > 0.5) == (y > 0.5))
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={accuracy:.3f}")
