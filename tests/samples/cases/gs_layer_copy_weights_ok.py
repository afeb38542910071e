# Two Dense layer objects (tanh hidden), full-batch descent looping over the layers' weights.
import numpy as np


class Dense:
    def __init__(self, rng, n_in, n_out):
        self.kernel = rng.normal(0.0, 0.3, (n_in, n_out))
        self.offset = np.zeros(n_out)

    def weights(self):
        return [self.kernel, self.offset]

    def __call__(self, feats):
        return feats @ self.kernel + self.offset


rng = np.random.default_rng(21)
temps = rng.uniform(-2.0, 2.0, (150, 2))
watts = np.sin(temps[:, :1]) + 0.5 * temps[:, 1:]
hidden, head = Dense(rng, 2, 10), Dense(rng, 10, 1)
for sweep in range(200):
    act = np.tanh(hidden(temps))
    guess = head(act)
    diff = (guess - watts) / len(watts)
    d_act = (diff @ head.kernel.T) * (1 - act ** 2)
    grads = [[temps.T @ d_act, d_act.sum(axis=0)], [act.T @ diff, diff.sum(axis=0)]]
    for layer, layer_grads in zip([hidden, head], grads):
        for value, grad in zip(layer.weights(), layer_grads):
            value -= 0.1 * grad
    if sweep % 50 == 0 or sweep == 199:
        print(f"sweep {sweep} loss {np.mean((head(np.tanh(hidden(temps))) - watts) ** 2):.5f}")
