# cups of cocoa sold per day at a market stall vs temperature and rain
# one sample at a time, SGD with momentum, weights kept as numpy scalars in a dict
import numpy as np

rng = np.random.default_rng(2024)
n_days = 150
temp = rng.uniform(-5, 20, n_days)                 # deg C
rain = rng.gamma(2.0, 2.5, n_days)                 # mm
cups = 180 - 5.5 * temp + 3.0 * rain + rng.normal(0, 8, n_days)

# standardise the inputs
temp_s = (temp - temp.mean()) / temp.std()
rain_s = (rain - rain.mean()) / rain.std()

params = {"temp": np.float64(0.0), "rain": np.float64(0.0), "one": np.float64(0.0)}
velocity = {k: np.float64(0.0) for k in params}
lr = np.float64(0.0005)
beta = np.float64(0.9)


def features(i):
    return {"temp": temp_s[i], "rain": rain_s[i], "one": np.float64(1.0)}


def predict(i):
    f = features(i)
    return sum(params[k] * f[k] for k in params)


def mse():
    return np.mean([(predict(i) - cups[i]) ** 2 for i in range(n_days)])


print(f"first_loss={mse():.3f}")
for epoch in range(1, 21):
    for i in rng.permutation(n_days):
        err = predict(i) - cups[i]
        f = features(i)
        for k in params:
            velocity[k] = beta * velocity[k] - lr * err * f[k]
            params[k] = params[k] + velocity[k]
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  mse {mse():.3f}  " + "  ".join(f"{k}={v:.2f}" for k, v in params.items()))

final = mse()
print(f"final_loss={final:.3f}")
print(f"r2={1 - final / np.var(cups):.3f}")
