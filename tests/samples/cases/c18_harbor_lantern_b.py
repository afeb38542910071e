# Plant height from water and sunlight hours, linear model fit by batch gradient descent in plain Python
import math
import random

random.seed(11)

# make some fake greenhouse measurements
n = 150
rows = []
for i in range(n):
    water = random.uniform(0.0, 3.0)     # litres per day
    sun = random.uniform(0.0, 3.0)       # hours above baseline
    height = 4.0 + 2.5 * water + 1.2 * sun + random.gauss(0.0, 0.4)
    rows.append((water, sun, height))

params = {"w_water": 0.0, "w_sun": 0.0, "bias": 0.0}
lr = 0.1
epochs = 300


def predict(p, water, sun):
    return p["w_water"] * water + p["w_sun"] * sun + p["bias"]


def mean_sq_error(p):
    total = 0.0
    for water, sun, h in rows:
        e = predict(p, water, sun) - h
        total += e * e
    return total / n


first_loss = mean_sq_error(params)
print(f"first_loss={first_loss:.6g}")

for epoch in range(epochs):
    g_water = 0.0
    g_sun = 0.0
    g_bias = 0.0
    for water, sun, h in rows:
        e = predict(params, water, sun) - h
        g_water += 2.0 * e * water
        g_sun += 2.0 * e * sun
        g_bias += 2.0 * e
    params["w_water"] -= lr * g_water / n
    params["w_sun"] -= lr * g_sun / n
    params["bias"] -= lr * g_bias / n

    if epoch % 50 == 0:
        print(f"epoch {epoch} loss {mean_sq_error(params):.6g}")

final_loss = mean_sq_error(params)

mean_h = sum(h for _, _, h in rows) / n
ss_tot = sum((h - mean_h) ** 2 for _, _, h in rows)
ss_res = final_loss * n
r2 = 1.0 - ss_res / ss_tot

print(f"final_loss={final_loss:.6g}")
print(f"w_water={params['w_water']:.4g} w_sun={params['w_sun']:.4g} bias={params['bias']:.4g}")
print(f"r2={r2:.4g}")
print(f"rmse={math.sqrt(final_loss):.4g}")
