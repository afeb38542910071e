# Leaky recurrent cell in plain Python: river level from the last eight days of rainfall, per-sample SGD
import random

random.seed(21)

# daily rainfall in cm, many dry days
rain = [max(0.0, random.gauss(-0.3, 1.0)) for _ in range(300)]
# river level in metres responds to the recent rain
level = []
for i in range(len(rain)):
    recent = sum(rain[i - k] * 0.6 ** k for k in range(8) if i - k >= 0)
    level.append(1.8 + 0.35 * recent + random.gauss(0, 0.04))

win = 8
pairs = [(rain[i - win + 1:i + 1], level[i]) for i in range(win - 1, len(rain))]
train = pairs[:220]
test = pairs[220:]

# state s <- a*s + w*x over the window, then level = s
a = 0.3
w = 0.1
lr = 0.01


def run(xs):
    s = 0.0
    ds_da = 0.0
    ds_dw = 0.0
    for x in xs:
        # carry the derivatives forward together with the state
        ds_da = s + a * ds_da
        ds_dw = x + a * ds_dw
        s = a * s + w * x
    return s, ds_da, ds_dw


def mse(data):
    return sum((run(xs)[0] - t) ** 2 for xs, t in data) / len(data)


print(f"first_loss={mse(train):.5f}")

for epoch in range(40):
    random.shuffle(train)
    for xs, target in train:
        out, ds_da, ds_dw = run(xs)
        err = out - target
        a -= lr * 2 * err * ds_da
        w -= lr * 2 * err * ds_dw
        a = min(max(a, 0.0), 0.99)
    if epoch % 10 == 0:
        print(f"epoch={epoch} loss={mse(train):.5f} a={a:.3f} w={w:.3f}")

test_mse = mse(test)
mean_t = sum(t for _, t in test) / len(test)
var_t = sum((t - mean_t) ** 2 for _, t in test) / len(test)
print(f"final_loss={mse(train):.5f}")
print(f"test_mse={test_mse:.5f}")
print(f"r2={1 - test_mse / var_t:.4f}")
