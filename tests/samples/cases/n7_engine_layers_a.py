# Fuel use of an engine from its speed (rpm) and coolant temperature, small tanh network,
# trained one reading at a time.
import numpy as np

rng = np.random.default_rng(21)
rpm = rng.uniform(800, 6000, 240)
temp = rng.uniform(60, 110, 240)
fuel = 0.4 * np.sin(rpm / 1500.0) + 0.3 * ((temp - 85) / 25) ** 2 + 0.05 * rng.normal(size=240)
readings = np.column_stack([rpm, temp])
readings = (readings - readings.mean(axis=0)) / readings.std(axis=0)


class Dense:
    def __init__(self, n_in, n_out, act):
        self.k = rng.normal(0, 1.0 / np.sqrt(n_in), (n_in, n_out))
        self.c = np.zeros(n_out)
        self.act = act

    def forward(self, v):
        self.v = v
        self.z = v @ self.k + self.c
        self.out = np.tanh(self.z) if self.act else self.z
        return self.out

    def backward(self, g, pace):
        if self.act:
            g = g * (1.0 - self.out ** 2)
        g_in = self.k @ g
        self.k -= pace * np.outer(self.v, g)
        self.c -= pace * g
        return g_in


net = [Dense(2, 8, True), Dense(8, 1, False)]
pace = 0.01
first = None
for ep in range(40):
    total = 0.0
    for i in rng.permutation(len(fuel)):
        h = readings[i]
        for layer in net:
            h = layer.forward(h)
        miss = h[0] - fuel[i]
        total += miss ** 2
        g = np.array([2.0 * miss])
        for layer in reversed(net):
            g = layer.backward(g, pace)
    mse = total / len(fuel)
    if first is None:
        first = mse
    if ep % 8 == 0:
        print("ep", ep, "mse", round(mse, 5))
print(f"first_loss={first:.5f}")
print(f"final_loss={mse:.5f}")
