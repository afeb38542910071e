# Pump pressure from two sensor readings, samples as columns, params in a dict, minibatches of 32, with an offset.
import numpy as np

rng = np.random.default_rng(21)
readings = np.vstack([rng.uniform(3.0, 5.0, 640), rng.uniform(-1.0, 1.0, 640)])
pressure = (2.0 * (readings[0] - 4.0) - 1.2 * readings[1] + 0.05 * rng.normal(size=640))[None, :]

params = {"gain": np.zeros((1, 2)), "offset": np.zeros((1, 1))}
step_size = 0.05
for epoch in range(150):
    order = rng.permutation(640)
    for start in range(0, 640, 32):
        cols = order[start:start + 32]
        batch, want = readings[:, cols], pressure[:, cols]
        pred = params["gain"] @ batch + params["offset"]
        resid = pred - want
        params["gain"] -= step_size * (resid @ batch.T) / len(cols)
        params["offset"] -= step_size * resid.mean(axis=1, keepdims=True)
    full = params["gain"] @ readings + params["offset"]
    mse = float(np.mean((full - pressure) ** 2))
    if epoch % 30 == 0:
        print(epoch, "loss", mse)
print("final mse", mse)
