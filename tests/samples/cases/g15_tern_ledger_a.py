# linear regression with plain python lists, no numpy
# predict a delivery fee from distance, weight and number of stops
# SGD one sample at a time + momentum
import math
import random

random.seed(11)

n_samples = 240
true_w = [1.4, -0.7, 2.1]
true_b = 4.0

data = []
for i in range(n_samples):
    dist = random.gauss(0.0, 1.0)
    kilos = random.gauss(0.0, 1.0)
    stops = random.gauss(0.0, 1.0)
    fee = true_w[0] * dist + true_w[1] * kilos + true_w[2] * stops + true_b + random.gauss(0.0, 0.25)
    data.append(([dist, kilos, stops], fee))

w = [0.0, 0.0, 0.0]
b = 0.0
vw = [0.0, 0.0, 0.0]
vb = 0.0

learning_rate = 0.5
momentum = 0.9
epochs = 40


def predict(x):
    total = b
    for j in range(len(w)):
        total += w[j] * x[j]
    return total


def mean_squared_error():
    s = 0.0
    for x, y in data:
        err = predict(x) - y
        s += err * err
    return s / len(data)


print("first_loss=" + str(round(mean_squared_error(), 6)))

for epoch in range(epochs):
    random.shuffle(data)
    step = learning_rate / (1.0 + 0.5 * epoch)   # slow down a bit every epoch
    for x, y in data:
        err = predict(x) - y
        for j in range(len(w)):
            grad = 2.0 * err * x[j]
            vw[j] = momentum * vw[j] - step * grad
            w[j] = w[j] + vw[j]
        vb = momentum * vb - step * 2.0 * err
        b = b + vb
    if epoch % 10 == 0:
        loss = mean_squared_error()
        print("epoch", epoch, "mse", round(loss, 5), "rmse", round(math.sqrt(loss), 5))

final = mean_squared_error()
print("final_loss=" + str(round(final, 6)))

mean_y = sum(y for _, y in data) / len(data)
ss_tot = sum((y - mean_y) * (y - mean_y) for _, y in data)
print("r2=" + str(round(1.0 - final * len(data) / ss_tot, 4)))
print("weights", [round(v, 3) for v in w], "bias", round(b, 3))
