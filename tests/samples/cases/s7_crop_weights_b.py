# crop yield from 5 field measurements; first 100 fields to fit, next 100 to check
import numpy as np

rng = np.random.default_rng(44)
fields = rng.normal(size=(200, 5))
truth = np.array([1.5, -0.8, 0.6, 0.0, 2.2])
yield_t = fields @ truth + 4.0 + 0.2 * rng.normal(size=200)
fit_f, chk_f = fields[:100], fields[100:]
fit_y, chk_y = yield_t[:100], yield_t[100:]

n, d = fit_f.shape
coefs = np.zeros((n, d))
const = 0.0
eta = 0.1

for it in range(400):
    guess = np.sum(fit_f * coefs, axis=1) + const
    resid = guess - fit_y
    loss = np.mean(resid ** 2)
    if it == 0:
        print(f"first_loss={loss:.4f}")
    coefs -= eta * resid[:, None] * fit_f
    const -= eta * np.mean(resid)
    if it % 100 == 0:
        print(f"it={it} mse={loss:.4f}")

print(f"final_loss={loss:.4f}")
chk_guess = np.sum(chk_f * coefs, axis=1) + const
chk_mse = np.mean((chk_guess - chk_y) ** 2)
print(f"check_mse={chk_mse:.4f}")
print(f"r2={1 - chk_mse / np.var(chk_y):.3f}")
