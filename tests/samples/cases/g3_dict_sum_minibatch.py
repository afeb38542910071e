# Two-layer softplus regressor on minibatches, parameters and velocities kept in dicts, momentum SGD.
import numpy as np

gen = np.random.default_rng(21)
inputs = gen.uniform(-1.0, 1.0, (2048, 3))
target = np.sin(inputs[:, :1] * 2.0) + inputs[:, 1:2] * inputs[:, 2:3]

net = {"A": gen.normal(0.0, 0.5, (3, 16)), "a": np.zeros(16),
       "B": gen.normal(0.0, 0.25, (16, 1)), "b": np.zeros(1)}
vel = {key: np.zeros_like(val) for key, val in net.items()}


def softplus(z):
    return np.logaddexp(0.0, z)


def grads_of(chunk, want):
    pre = chunk @ net["A"] + net["a"]
    hid = softplus(pre)
    out = hid @ net["B"] + net["b"]
    err = out - want
    g = {}
    g["B"] = hid.T @ err
    g["b"] = err.sum(axis=0)
    back = (err @ net["B"].T) / (1.0 + np.exp(-pre))
    g["A"] = chunk.T @ back
    g["a"] = back.sum(axis=0)
    return float(np.mean(err ** 2)), g


chunk_size = 256
for epoch in range(40):
    order = gen.permutation(len(inputs))
    costs = []
    for start in range(0, len(inputs), chunk_size):
        pick = order[start:start + chunk_size]
        cost, g = grads_of(inputs[pick], target[pick])
        costs.append(cost)
        for key in net:
            vel[key] = 0.9 * vel[key] - 0.05 * g[key]
            net[key] += vel[key]
    if epoch % 5 == 0:
        print(f"epoch {epoch} mse {np.mean(costs):.5g}")
