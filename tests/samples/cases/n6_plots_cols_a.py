# Crop yield from field measurements. Columns are fields (features x samples), a small class does the fit.
import numpy as np

rng = np.random.default_rng(21)
n_fields = 240
area = rng.uniform(200.0, 900.0, n_fields)        # m^2
rain = rng.uniform(300.0, 1200.0, n_fields)       # mm per season
sun = rng.uniform(1500.0, 2600.0, n_fields)       # hours
feats = np.vstack([area, rain, sun])              # shape (3, n_fields)
harvest = (0.004 * area + 0.002 * rain + 0.001 * sun + rng.normal(0, 0.2, n_fields)).reshape(1, -1)

# center and scale every row so the step size works for all three
row_mean = feats.mean(axis=1, keepdims=True)
row_std = feats.std(axis=1, keepdims=True)
feats = (feats - row_mean) / row_std


class YieldModel:
    def __init__(self, n_in):
        self.coef = np.zeros((1, n_in))
        self.shift = np.zeros((1, 1))

    def predict(self, cols):
        return self.coef @ cols + self.shift

    def step(self, cols, target, pace):
        resid = self.predict(cols) - target
        m = cols.shape[1]
        self.coef -= pace * (resid @ cols.T) / m
        self.shift -= pace * resid.sum(axis=1, keepdims=True) / m
        return float(np.mean(resid ** 2))


model = YieldModel(3)
pace = 0.05
first = None
for sweep in range(40):
    for start in range(0, n_fields, 32):
        cols = feats[:, start:start + 32]
        mse = model.step(cols, harvest[:, start:start + 32], pace)
    full = float(np.mean((model.predict(feats) - harvest) ** 2))
    if first is None:
        first = full
    if sweep % 10 == 0:
        print(f"sweep={sweep} mse={full:.4f}")
print(f"first_loss={first:.4f}")
print(f"final_loss={full:.4f}")
