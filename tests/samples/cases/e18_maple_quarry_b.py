# One-hidden-layer sigmoid network classifying points inside/outside a ring, full-batch gradient descent
import numpy as np

np.random.seed(3)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def dsigmoid(s):
    # derivative of the sigmoid written in terms of its output s
    return s * (1.0 - s)


def make_ring(n):
    r = np.concatenate([np.random.uniform(0.0, 1.0, n // 2), np.random.uniform(1.6, 2.6, n - n // 2)])
    t = np.random.uniform(0, 2 * np.pi, n)
    pts = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    pts += np.random.normal(0, 0.1, pts.shape)
    lab = np.concatenate([np.zeros(n // 2), np.ones(n - n // 2)])
    return pts, lab.reshape(-1, 1)


X, y = make_ring(600)
X_test, y_test = make_ring(300)

hidden = 12
W1 = np.random.randn(2, hidden) * 0.8
b1 = np.zeros((1, hidden))
W2 = np.random.randn(hidden, 1) * 0.8
b2 = np.zeros((1, 1))

lr = 2.0
epochs = 3000
losses = []

for epoch in range(epochs):
    # forward
    z1 = X @ W1 + b1
    a1 = sigmoid(z1)
    z2 = a1 @ W2 + b2
    a2 = sigmoid(z2)

    loss = np.mean((a2 - y) ** 2)
    losses.append(loss)

    # backward
    delta2 = 2 * (a2 - y) * dsigmoid(a2) / len(X)
    dW2 = a1.T @ delta2
    db2 = delta2.sum(axis=0, keepdims=True)

    delta1 = (delta2 @ W2.T) * dsigmoid(z1)
    dW1 = X.T @ delta1
    db1 = delta1.sum(axis=0, keepdims=True)

    W2 -= lr * dW2
    b2 -= lr * db2
    W1 -= lr * dW1
    b1 -= lr * db1

    if epoch % 500 == 0:
        print(f"epoch {epoch}: mse {loss:.4f}")


def predict(P):
    return sigmoid(sigmoid(P @ W1 + b1) @ W2 + b2)


train_acc = np.mean((predict(X) > 0.5) == (y > 0.5))
acc = np.mean((predict(X_test) > 0.5) == (y_test > 0.5))

print(f"first_loss={losses[0]:.4f}")
print(f"final_loss={losses[-1]:.4f}")
print(f"train_accuracy={train_acc:.4f}")
print(f"accuracy={acc:.4f}")
