import random

random.seed(3)

# fit y = a*x + c with plain python, one sample at a time
xs = [random.uniform(0, 10) for _ in range(60)]
ys = [2.5 * x - 4.0 + random.gauss(0, 1) for x in xs]

a = 0.0
c = 0.0
learning_rate = 0.05


def total_loss(a, c):
    s = 0.0
    for x, y in zip(xs, ys):
        e = a * x + c - y
        s += e * e
    return s / len(xs)


first = total_loss(a, c)
for epoch in range(40):
    for x, y in zip(xs, ys):
        pred = a * x + c
        err = pred - y
        a = a - learning_rate * 2 * err * x
        c = c - learning_rate * 2 * err
    if epoch % 10 == 0:
        print(epoch, total_loss(a, c))

print(f"first_loss={first}")
print(f"final_loss={total_loss(a, c)}")
