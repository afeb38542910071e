# Price regression with two ReLU layers; layers are dicts in a list, forward/backward as plain functions.
import numpy as np

gen = np.random.default_rng(31)
attrs = gen.normal(size=(300, 5))
price = (attrs @ np.array([[1.0], [-2.0], [0.5], [1.5], [0.0]]) + 0.5 * attrs[:, :1] ** 2
         + gen.normal(scale=0.1, size=(300, 1)))


def make_layer(n_in, n_out, start_shift):
    return {"mat": gen.normal(size=(n_in, n_out)) * np.sqrt(2.0 / n_in),
            "shift": np.full(n_out, start_shift)}


def forward(layers, inp):
    keep = []
    sig = inp
    for i, layer in enumerate(layers):
        pre = sig @ layer["mat"] + layer["shift"]
        keep.append((sig, pre))
        sig = np.maximum(pre, 0.0) if i < len(layers) - 1 else pre
    return sig, keep


def backward(layers, keep, g_out):
    grads = []
    g = g_out
    for i in range(len(layers) - 1, -1, -1):
        sig, pre = keep[i]
        if i < len(layers) - 1:
            g = g * (pre > 0)
        grads.append({"mat": sig.T @ g, "shift": g.sum(axis=0)})
        g = g @ layers[i]["mat"].T
    return grads[::-1]


layers = [make_layer(5, 24, -4.0), make_layer(24, 24, -4.0), make_layer(24, 1, 0.0)]
for it in range(500):
    guess, keep = forward(layers, attrs)
    loss = float(np.mean((guess - price) ** 2))
    grads = backward(layers, keep, 2.0 * (guess - price) / len(attrs))
    for layer, grad in zip(layers, grads):
        layer["mat"] -= 0.01 * grad["mat"]
        layer["shift"] -= 0.01 * grad["shift"]
    if it % 100 == 0 or it == 499:
        print(f"it {it} loss {loss:.4f}")
