# Ridge regression with a decaying step, a minibatch generator, a held-out split and early stopping; params in a dict.
import numpy as np

rnd = np.random.default_rng(12)
inputs = rnd.normal(0.0, 1.0, (400, 6))
response = inputs @ rnd.normal(0.0, 1.0, 6) + 3.0 + 0.1 * rnd.normal(size=400)
train_in, valid_in = inputs[:320], inputs[320:]
train_out, valid_out = response[:320], response[320:]


def batches(a, b, size):
    order = rnd.permutation(len(a))
    for k in range(0, len(a), size):
        sel = order[k:k + size]
        yield a[sel], b[sel]


model = {"beta": np.zeros(6), "icpt": 0.0}
best, patience = np.inf, 0
for epoch in range(100):
    eta = 0.1 * 0.97 ** epoch
    for part_in, part_out in batches(train_in, train_out, 32):
        err = part_in @ model["beta"] + model["icpt"] - part_out
        model["beta"] = model["beta"] - eta * (part_in.T @ err / len(err) + 1e-3 * model["beta"])
        model["icpt"] = model["icpt"] - eta * err.mean()
    val = np.mean((valid_in @ model["beta"] + model["icpt"] - valid_out) ** 2)
    if epoch % 10 == 0:
        print(f"epoch {epoch} validation mse {val:.5f}")
    if val < best - 1e-6:
        best, patience = val, 0
    else:
        patience += 1
        if patience >= 5:
            print(f"early stop at epoch {epoch}, best validation mse {best:.5f}")
            break
