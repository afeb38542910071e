# Closed-form ridge calibration of a flow-sensor rig: predicts the corrected output
# signal from five instrument channels recorded during one bench campaign.
# Channels are stored as rows (features x samples); the fit is a single linear solve.
import numpy as np


def bench_campaign(n, rng):
    temp = rng.normal(25.0, 4.0, n)          # degC
    pressure = rng.normal(101.3, 2.0, n)     # kPa
    humidity = rng.uniform(20.0, 80.0, n)    # %RH
    supply = np.full(n, 5.0)                 # V, regulated supply held fixed on this bench
    flow = rng.gamma(4.0, 0.5, n)            # l/min
    X = np.vstack([temp, pressure, humidity, supply, flow])
    y = (0.8 * (temp - 25.0) - 1.5 * (pressure - 101.3) + 0.05 * (humidity - 50.0)
         + 2.0 * flow + 12.0 + rng.normal(0.0, 0.5, n))
    return X, y


def standardize(X, mu=None, sd=None):
    if mu is None:
        mu = X.mean(axis=1, keepdims=True)
        sd = X.std(axis=1, keepdims=True)
        sd[sd == 0.0] = 1.0
    Z = (X - mu) / sd
    return Z, mu, sd


def design(Z):
    # append a row of ones so the last coefficient is the intercept
    return np.vstack([Z, np.ones((1, Z.shape[1]))])


def half_mse(A, y, theta):
    r = theta @ A - y
    return 0.5 * np.mean(r * r)


rng = np.random.default_rng(20240611)
X_fit, y_fit = bench_campaign(400, rng)
X_val, y_val = bench_campaign(150, rng)

Z_fit, mu, sd = standardize(X_fit)
Z_val, _, _ = standardize(X_val, mu, sd)
A_fit, A_val = design(Z_fit), design(Z_val)
p, n = A_fit.shape

theta0 = np.zeros(p)
first_loss = half_mse(A_fit, y_fit, theta0)
print(f"loss {first_loss:.6f}   [all coefficients zero]")

theta1 = np.zeros(p)
theta1[-1] = y_fit.mean()
print(f"loss {half_mse(A_fit, y_fit, theta1):.6f}   [intercept only]")

lam = 1e-2
penalty = lam * np.eye(p)
penalty[-1, -1] = 0.0                      # the intercept is not shrunk
G = A_fit @ A_fit.T / n + penalty
rhs = A_fit @ y_fit / n
theta = np.linalg.solve(G, rhs)
final_loss = half_mse(A_fit, y_fit, theta)
print(f"loss {final_loss:.6f}   [ridge solve, lambda={lam:g}]")

val = half_mse(A_val, y_val, theta)
print(f"val_half_mse {val:.6f}")
print("coefficients (standardized units):", np.round(theta, 4))
print(f"first_loss={first_loss:.6f} final_loss={final_loss:.6f}")
