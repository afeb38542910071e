# Least squares with the data stored one column per house (features x samples),
# inputs standardised first. Plain gradient descent in a while loop.
import numpy as np

gen = np.random.default_rng(21)
size = gen.uniform(50, 200, 300)
rooms = np.round(size / 40 + gen.normal(0, 0.5, 300))
age = gen.uniform(0, 60, 300)
houses = np.vstack([size, rooms, age])           # 3 x 300
price = 1.2 * size + 8.0 * rooms - 0.5 * age + 30 + gen.normal(0, 5, 300)

mu = houses.mean(axis=1, keepdims=True)
sd = houses.std(axis=1, keepdims=True)
houses = (houses - mu) / sd
price_scale = price.std()
target = (price - price.mean()) / price_scale

coef = np.zeros(3)
base = 0.0
alpha = 1.05
count = 0


def mse():
    return float(np.mean((coef @ houses + base - target) ** 2))


print(f"first_loss={mse():.6f}")
while count < 200:
    resid = coef @ houses + base - target
    coef = coef - alpha * (houses @ resid) * 2.0 / houses.shape[1]
    base = base - alpha * 2.0 * float(resid.mean())
    count += 1
    if count % 40 == 0:
        print(f"count={count} loss={mse():.6g}")
print(f"final_loss={mse():.6g}")
