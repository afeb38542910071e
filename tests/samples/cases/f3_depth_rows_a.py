# Depth regression from four sonar readings: params in a dict, ReLU hidden layer, float32 minibatches.
import numpy as np

gen = np.random.default_rng(11)
readings = gen.uniform(-1.0, 1.0, size=(256, 4)).astype(np.float32)
depth = (np.abs(readings[:, :1] - readings[:, 1:2]) + 0.5 * readings[:, 2:3] ** 2).astype(np.float32)


def rectify(v):
    return np.maximum(v, 0.0)


def rectify_slope(v):
    return np.maximum(v, 0.0)


net = {
    "inner": (gen.normal(size=(4, 16)) * 0.5).astype(np.float32),
    "inner_shift": np.full(16, 0.1, dtype=np.float32),
    "outer": (gen.normal(size=(16, 1)) * 0.25).astype(np.float32),
    "outer_shift": np.zeros(1, dtype=np.float32),
}
step = np.float32(0.05)
chunk = 32
for sweep in range(120):
    order = gen.permutation(len(readings))
    for start in range(0, len(readings), chunk):
        pick = order[start:start + chunk]
        feats, goal = readings[pick], depth[pick]
        pre = feats @ net["inner"] + net["inner_shift"]
        hid = rectify(pre)
        guess = hid @ net["outer"] + net["outer_shift"]
        miss = (guess - goal) / len(pick)
        back_hid = (miss @ net["outer"].T) * rectify_slope(pre)
        grads = {
            "outer": hid.T @ miss, "outer_shift": miss.sum(axis=0),
            "inner": feats.T @ back_hid, "inner_shift": back_hid.sum(axis=0),
        }
        for key in net:
            net[key] -= step * grads[key]
    if sweep % 20 == 0 or sweep == 119:
        full = rectify(readings @ net["inner"] + net["inner_shift"]) @ net["outer"] + net["outer_shift"]
        print(f"sweep {sweep} loss {float(np.mean((full - depth) ** 2)):.5f}")
