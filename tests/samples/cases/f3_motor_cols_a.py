# Motor torque from two currents: tanh hidden layer, column vectors, one sample per step, float32.
import numpy as np

gen = np.random.default_rng(17)
currents = gen.uniform(-2.0, 2.0, size=(2, 120)).astype(np.float32)
torque = np.tanh(currents[0:1] * 1.2 - currents[1:2] * 0.7).astype(np.float32) + 0.3 * currents[1:2]


def layer_tanh(mat, shift, col):
    pre = mat @ col + shift
    return pre, np.tanh(pre)


def tanh_slope(value):
    return 1.0 - value ** 2


def train(hidden=6, epochs=60, alpha=np.float32(0.05)):
    mat_a = (gen.normal(size=(hidden, 2)) * 0.8).astype(np.float32)
    shift_a = np.zeros((hidden, 1), dtype=np.float32)
    mat_b = (gen.normal(size=(1, hidden)) * 0.5).astype(np.float32)
    shift_b = np.zeros((1, 1), dtype=np.float32)
    for ep in range(epochs):
        sq = 0.0
        for j in range(currents.shape[1]):
            col = currents[:, j:j + 1]
            pre, hid = layer_tanh(mat_a, shift_a, col)
            out = mat_b @ hid + shift_b
            diff = out - torque[:, j:j + 1]
            sq += float(diff[0, 0] ** 2)
            d_hid = (mat_b.T @ diff) * tanh_slope(pre)
            mat_b -= alpha * diff @ hid.T
            shift_b -= alpha * diff
            mat_a -= alpha * d_hid @ col.T
            shift_a -= alpha * d_hid
        if ep % 10 == 0 or ep == epochs - 1:
            print(f"epoch {ep} loss {sq / currents.shape[1]:.5f}")


train()
