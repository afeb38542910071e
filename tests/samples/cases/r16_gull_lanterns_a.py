# seed germination (1 = sprouted) from soil warmth and moisture readings (both already centred)
# one hidden relu layer, every sample is a column vector fed one at a time
import numpy as np

np.random.seed(5)
m = 200
warmth = np.random.uniform(-3, 3, m)
moisture = np.random.uniform(-3, 3, m)
sprouted = (warmth + moisture > 0).astype(float)

samples = [np.array([[w], [q]]) for w, q in zip(warmth, moisture)]
answers = [np.array([[s]]) for s in sprouted]

W1 = np.random.randn(8, 2)
b1 = np.zeros((8, 1))
W2 = np.random.randn(1, 8)
b2 = np.zeros((1, 1))
alpha = 0.05


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def predict(x):
    h = np.maximum(0, np.dot(W1, x) + b1)
    return h, sigmoid(np.dot(W2, h) + b2)


def cost():
    total = 0.0
    for x, y in zip(samples, answers):
        a = predict(x)[1]
        total += (-(y * np.log(a + 1e-12) + (1 - y) * np.log(1 - a + 1e-12))).item()
    return total / m


print(f"first_loss={cost():.4f}")
for epoch in range(40):
    for x, y in zip(samples, answers):
        h, a = predict(x)
        dz2 = (-(y / a) + (1 - y) / (1 - a)) * a * (1 - a)
        dW2 = np.dot(dz2, h.T)
        dz1 = np.dot(W2.T, dz2) * (h > 0)
        dW1 = np.dot(dz1, x.T)
        W2 -= alpha * dW2
        b2 -= alpha * dz2
        W1 -= alpha * dW1
        b1 -= alpha * dz1
    if epoch % 5 == 0:
        print(f"epoch {epoch}: cost {cost():.4f}")

print(f"final_loss={cost():.4f}")
hits = sum((predict(x)[1] > 0.5).item() == (y > 0.5).item() for x, y in zip(samples, answers))
print(f"accuracy={hits / m:.3f}")
