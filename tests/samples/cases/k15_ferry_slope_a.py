# fit a straight line to ferry crossing times vs wind speed
# just the two line parameters as plain floats, stochastic gradient descent one point at a time
import random
import math

random.seed(7)

# wind speed (m/s) and how many minutes the crossing took
wind = [random.uniform(0.0, 4.0) for _ in range(80)]
minutes = [18.0 + 2.5 * v + random.gauss(0.0, 0.8) for v in wind]

# centre the wind speed so the numbers are small
mean_wind = sum(wind) / len(wind)
xs = [v - mean_wind for v in wind]
ys = minutes

w, b = 0.0, 0.0
lr = 0.005


def line(x):
    return w * x + b


def mse():
    return sum((line(x) - y) ** 2 for x, y in zip(xs, ys)) / len(xs)


print(f"first_loss={mse():.4f}")

for epoch in range(60):
    idx = list(range(len(xs)))
    random.shuffle(idx)
    for i in idx:
        x, y = xs[i], ys[i]
        err = line(x) - y
        # gradient of the squared error for this one point
        w, b = w - lr * err * x, b - lr * err
    if epoch % 15 == 0:
        print(f"epoch {epoch}: loss {mse():.4f}  w={w:.3f} b={b:.3f}")

final = mse()
y_bar = sum(ys) / len(ys)
ss_tot = sum((y - y_bar) ** 2 for y in ys)
ss_res = sum((line(x) - y) ** 2 for x, y in zip(xs, ys))
print(f"final_loss={final:.4f}")
print(f"r2={1 - ss_res / ss_tot:.4f}")
print(f"rmse={math.sqrt(final):.3f} minutes")
