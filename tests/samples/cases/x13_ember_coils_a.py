# one hidden layer regression net; weights live inside a closure
# training stops when the loss is under a tolerance or the step budget runs out
import numpy as np

rng = np.random.default_rng(2024)
N = 1000
X = rng.uniform(-2.0, 2.0, size=(N, 2))
y = (np.sin(X[:, 0]) + 0.3 * X[:, 1] ** 2 + 0.05 * rng.normal(size=N)).reshape(-1, 1)


def build_net(n_in, n_hidden):
    W1 = rng.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_in, n_hidden))
    b1 = np.zeros(n_hidden)
    W2 = rng.normal(0.0, 1.0 / np.sqrt(n_hidden), size=(n_hidden, 1))
    b2 = np.zeros(1)

    def predict(inputs):
        return np.tanh(inputs @ W1 + b1) @ W2 + b2

    def train_step(inputs, target, lr):
        nonlocal W1, b1, W2, b2
        h = np.tanh(inputs @ W1 + b1)
        pred = h @ W2 + b2
        loss = np.mean((pred - target) ** 2)
        dpred = 2.0 * (pred - target)
        dW2 = h.T @ dpred
        db2 = dpred.sum(axis=0)
        dh = dpred @ W2.T * (1.0 - h ** 2)
        dW1 = inputs.T @ dh
        db1 = dh.sum(axis=0)
        W1 = W1 - lr * dW1
        b1 = b1 - lr * db1
        W2 = W2 - lr * dW2
        b2 = b2 - lr * db2
        return loss

    return predict, train_step


predict, train_step = build_net(2, 16)
lr = 0.1
tol = 0.01
max_steps = 4000

step = 0
loss = train_step(X, y, lr)
print(f"first_loss={loss:.5f}")
while loss > tol and step < max_steps:
    loss = train_step(X, y, lr)
    step += 1
    if step % 100 == 0:
        print(f"step {step}: mse {loss:.5f}")

print(f"stopped after {step} steps")
final = np.mean((predict(X) - y) ** 2)
r2 = 1.0 - final / np.var(y)
print(f"final_loss={final:.5f}")
print(f"r2={r2:.4f}")
