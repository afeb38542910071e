# Linear regression by hand - predict lever arm force from length and load
# y = w1*x1 + w2*x2 + b, batch gradient descent
import numpy as np

np.random.seed(11)

lengths = []
loads = []
targets = []
for i in range(150):
    l = np.random.uniform(0.5, 3.0)
    q = np.random.uniform(1.0, 4.0)
    f = 2.5 * l - 1.2 * q + 6.0 + np.random.normal(0, 0.4)
    lengths.append(l)
    loads.append(q)
    targets.append(f)

x1 = np.array(lengths)
x2 = np.array(loads)
Y = np.array(targets)
print(x1.shape, x2.shape, Y.shape)

w1 = 0.0
w2 = 0.0
b = 0.0
lr = 0.05
iters = 2000

pred = w1 * x1 + w2 * x2 + b
err = pred - Y
J = np.mean(err ** 2)
print("first_loss=" + str(J))

for it in range(iters):
    pred = w1 * x1 + w2 * x2 + b
    err = pred - Y
    J = np.mean(err ** 2)

    dw1 = 2 * np.mean(err * x1)
    dw2 = 2 * np.mean(err * x2)
    db = 2 * np.mean(err)

    w1 = w1 - lr * dw1
    w2 = w2 - lr * dw2
    b = b - lr * db
    # lr = lr * 0.999

    if it % 250 == 0:
        print("iter", it, "J =", J, "w1 =", w1, "w2 =", w2, "b =", b)

pred = w1 * x1 + w2 * x2 + b
err = pred - Y
print("final_loss=" + str(np.mean(err ** 2)))
ss_res = np.sum((Y - pred) ** 2)
ss_tot = np.sum((Y - np.mean(Y)) ** 2)
print("r2=" + str(1 - ss_res / ss_tot))
print("w1, w2, b:", w1, w2, b)
