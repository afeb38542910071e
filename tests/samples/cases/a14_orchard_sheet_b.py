# predicting flat rent from size, rooms and distance to centre
# plain python, no numpy - just lists and floats (trying to understand GD by hand)
import random

random.seed(3)

# ---- make a small dataset ----
rows = []
rents = []
for _ in range(150):
    size = random.uniform(25, 140)       # square metres
    rooms = random.randint(1, 5)
    dist = random.uniform(0.5, 25)       # km to centre
    rent = 300 + 9.5 * size + 60 * rooms - 18 * dist + random.gauss(0, 40)
    rows.append([size, rooms, dist])
    rents.append(rent / 1000.0)          # rent in thousands

n = len(rows)
d = len(rows[0])

# column means / stds, just to see what the data looks like
means = [sum(r[j] for r in rows) / n for j in range(d)]
stds = [(sum((r[j] - means[j]) * (r[j] - means[j]) for r in rows) / n) ** 0.5 for j in range(d)]
print("means:", [round(m, 2) for m in means])
print("stds :", [round(s, 2) for s in stds])
print("rent (k) range:", round(min(rents), 3), round(max(rents), 3))

X = rows

# ---- model: rent = w . x + b ----
w = [0.0] * d
b = 0.0
lr = 0.05
epochs = 400


def predict(x):
    s = b
    for j in range(d):
        s += w[j] * x[j]
    return s


def mse():
    total = 0.0
    for x, t in zip(X, rents):
        e = predict(x) - t
        total += e * e
    return total / n


print("first_loss=" + str(round(mse(), 6)))

for epoch in range(epochs):
    gw = [0.0] * d
    gb = 0.0
    for x, t in zip(X, rents):
        e = predict(x) - t
        for j in range(d):
            gw[j] += 2 * e * x[j] / n
        gb += 2 * e / n
    for j in range(d):
        w[j] -= lr * gw[j]
    b -= lr * gb
    if epoch % 100 == 0:
        print("epoch", epoch, "mse", mse())

final = mse()
print("final_loss=" + str(round(final, 6)))

# r^2 on the training data
ybar = sum(rents) / n
ss_tot = sum((t - ybar) * (t - ybar) for t in rents)
ss_res = final * n
print("r2=" + str(round(1 - ss_res / ss_tot, 4)))
print("weights:", [round(v, 4) for v in w], "bias:", round(b, 4))
