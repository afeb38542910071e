import numpy as np

# standardize every minibatch on the fly before the linear layer (like a batchnorm without parameters)
rng = np.random.default_rng(55)
n, d = 1001, 4
X = rng.normal(3.0, 2.0, size=(n, d))
y = X @ np.array([0.5, -1.0, 2.0, 0.0]) + rng.normal(0, 0.1, n)
y = (y - y.mean()) / y.std()

W = rng.normal(0, 0.1, d)
c = 0.0
lr = 0.05
batch_size = 100


def normalize(xb):
    mu = xb.mean(axis=0)
    var = xb.var(axis=0)
    return (xb - mu) / np.sqrt(var)


def full_loss():
    return np.mean((normalize(X) @ W + c - y) ** 2)


first_loss = full_loss()
epoch_losses = []
for epoch in range(40):
    running = 0.0
    for start in range(0, n, batch_size):
        xb = normalize(X[start:start + batch_size])
        yb = y[start:start + batch_size]
        err = xb @ W + c - yb
        running += np.sum(err ** 2)
        W -= lr * 2 * xb.T @ err / len(yb)
        c -= lr * 2 * err.mean()
    epoch_losses.append(running / n)

print(f"first_loss={first_loss}")
print(f"final_loss={full_loss()}")
