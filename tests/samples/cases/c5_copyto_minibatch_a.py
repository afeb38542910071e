# Logistic regression on machine readings, minibatches of 32, weights updated in place with np.copyto.
import numpy as np


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


def train(readings, failed, epochs, rate, gen):
    coef = np.zeros(readings.shape[1])
    bias = np.zeros(1)
    order = np.arange(len(readings))
    for epoch in range(epochs):
        gen.shuffle(order)
        for start in range(0, len(order), 32):
            pick = order[start:start + 32]
            chance = sigmoid(readings[pick] @ coef + bias)
            diff = chance - failed[pick]
            np.copyto(coef, coef - rate * readings[pick].T @ diff / len(pick))
            np.copyto(bias, bias - rate * diff.mean(keepdims=True))
        chance = sigmoid(readings @ coef + bias)
        ce = -np.mean(failed * np.log(chance) + (1 - failed) * np.log(1 - chance))
        if epoch % 5 == 0 or epoch == epochs - 1:
            print(f"epoch {epoch} cross-entropy {ce:.4f}")
    return coef, bias


gen = np.random.default_rng(17)
temp = gen.normal(350.0, 40.0, 480)
rpm = gen.normal(2400.0, 300.0, 480)
failed = ((temp - 350.0) / 40.0 + (rpm - 2400.0) / 300.0 + gen.normal(0, 0.5, 480) > 0.8).astype(float)
readings = np.column_stack([temp, rpm])
train(readings, failed, 30, 0.05, gen)
