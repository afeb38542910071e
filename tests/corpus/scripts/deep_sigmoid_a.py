import numpy as np

rng = np.random.default_rng(8)
# 8 hidden layers of relu units, regression of a bumpy 1-D function
X = np.linspace(-3, 3, 200).reshape(-1, 1)
y = np.sin(X) * 2 + 0.3 * X

sizes = [1] + [20] * 8 + [1]
layers = []
for n_in, n_out in zip(sizes[:-1], sizes[1:]):
    layers.append({"W": rng.normal(0, np.sqrt(2 / n_in), (n_in, n_out)), "b": np.zeros(n_out)})


def act(z):
    return np.maximum(z, 0.0)


def act_grad(a):
    return (a > 0).astype(float)


lr = 0.01
first_loss = None
for epoch in range(800):
    activations = [X]
    for layer in layers[:-1]:
        activations.append(act(activations[-1] @ layer["W"] + layer["b"]))
    out = activations[-1] @ layers[-1]["W"] + layers[-1]["b"]
    loss = np.mean((out - y) ** 2)
    if first_loss is None:
        first_loss = loss
    delta = 2 * (out - y) / len(X)
    for i in range(len(layers) - 1, -1, -1):
        gW = activations[i].T @ delta
        gb = delta.sum(axis=0)
        if i > 0:
            delta = delta @ layers[i]["W"].T * act_grad(activations[i])
        layers[i]["W"] -= lr * gW
        layers[i]["b"] -= lr * gb

grad_norm_first = np.linalg.norm(gW)
print("gradient norm of the first layer at the end:", grad_norm_first)
print(f"first_loss={first_loss}")
print(f"final_loss={loss}")
