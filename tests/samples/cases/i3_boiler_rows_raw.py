# Boiler steam output predicted from three plant sensors. The readings are kept one sensor per row
# (sensors x observations), a linear model is fitted by full-batch gradient descent on the squared error.
# Run: python i3_boiler_rows_raw.py
import numpy as np

gen = np.random.default_rng(3)
n_obs = 400
readings = np.vstack([gen.uniform(1200, 4800, n_obs),   # feed pressure, kPa
                      gen.uniform(900, 2100, n_obs),    # flow, l/h
                      gen.uniform(2000, 9000, n_obs)])  # burner power, W
steam = 0.004 * readings[0] - 0.002 * readings[1] + 0.001 * readings[2] + gen.normal(0, 0.3, n_obs)

coef = np.zeros((1, 3))
offset = 0.0
step = 0.05
for sweep in range(200):
    guess = coef @ readings + offset
    resid = guess - steam
    coef -= step * (resid @ readings.T) / n_obs
    offset -= step * resid.mean()
    if sweep % 20 == 0:
        print(f"sweep {sweep:3d}  mse {np.mean(resid ** 2):.4g}")
print("coef", coef.ravel(), "offset", offset)
