# Linear regression with a step-decay learning-rate schedule and early stopping on a held-out split.
import numpy as np

rs = np.random.default_rng(42)
table = rs.uniform(-1.0, 1.0, (240, 5))
price = table @ np.array([2.0, -1.0, 0.5, 0.0, 3.0]) + 1.5 + rs.normal(0.0, 0.2, 240)
fit_rows, fit_price = table[:180], price[:180]
held_rows, held_price = table[180:], price[180:]

beta = np.zeros(5)
intercept = 0.0
base_rate = 0.2
best, patience, waited = np.inf, 20, 0
for epoch in range(2000):
    rate = base_rate * (0.5 ** (epoch // 150))
    resid = fit_rows @ beta + intercept - fit_price
    beta = beta - rate * (fit_rows.T @ resid) / len(fit_price)
    intercept = intercept - rate * resid.mean()
    held = np.mean((held_rows @ beta + intercept - held_price) ** 2)
    if held < best - 1e-5:
        best, waited = held, 0
    else:
        waited += 1
        if waited >= patience:
            print(f"stopped at epoch {epoch}, held-out mse {held:.4f}")
            break
    if epoch % 100 == 0:
        print(f"epoch {epoch} train mse {np.mean(resid ** 2):.4f} held-out mse {held:.4f}")
print("coefficients", np.round(beta, 2), "intercept", round(intercept, 2))
