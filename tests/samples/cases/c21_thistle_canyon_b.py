# Two rings classifier: small tanh MLP with a sigmoid output, minibatches with jitter augmentation
# %%
import numpy as np

rng = np.random.default_rng(21)

n = 800
r = np.where(rng.random(n) < 0.5, 1.0, 2.0)
theta = rng.uniform(0, 2 * np.pi, n)
X = np.column_stack([r * np.cos(theta), r * np.sin(theta)])
X = X + rng.normal(0, 0.15, X.shape)
y = (r > 1.5).astype(float)
print("class balance", y.mean())

# %%
# centre the data and split
X = X - X.mean(axis=0)
X_train, y_train = X[:600], y[:600]
X_test, y_test = X[600:], y[600:]
print(X_train.shape, X_test.shape)

# %%
def sigmoid(z):
    return 1 / (1 + np.exp(-z))

hidden = 16
W1 = rng.normal(0, 1.0, (2, hidden))
b1 = np.zeros(hidden)
W2 = rng.normal(0, 1.0 / np.sqrt(hidden), (hidden, 1))
b2 = np.zeros(1)

lr = 0.5
bs = 25
epochs = 120
jitter = 0.15

# loss before training
h = np.tanh(X_train @ W1 + b1)
p = sigmoid(h @ W2 + b2).ravel()
loss = -np.mean(y_train * np.log(p + 1e-9) + (1 - y_train) * np.log(1 - p + 1e-9))
print(f"first_loss={loss:.6f}")

# %%
for epoch in range(epochs):
    perm = rng.permutation(len(y_train))
    X_train = X_train[perm]
    y_train = y_train[perm]

    for s in range(0, len(y_train), bs):
        xb = X_train[s:s + bs].copy()
        yb = y_train[s:s + bs]
        # small random shifts so the net does not memorise points
        xb += rng.normal(0, jitter, xb.shape)

        h = np.tanh(xb @ W1 + b1)
        p = sigmoid(h @ W2 + b2).ravel()
        d_out = (p - yb)[:, None] / len(yb)
        gW2 = h.T @ d_out
        gb2 = d_out.sum(axis=0)
        d_h = (d_out @ W2.T) * (1 - h ** 2)
        gW1 = xb.T @ d_h
        gb1 = d_h.sum(axis=0)

        W2 = W2 - lr * gW2
        b2 = b2 - lr * gb2
        W1 = W1 - lr * gW1
        b1 = b1 - lr * gb1

    if epoch % 20 == 0:
        h = np.tanh(X_train @ W1 + b1)
        p = sigmoid(h @ W2 + b2).ravel()
        loss = -np.mean(y_train * np.log(p + 1e-9) + (1 - y_train) * np.log(1 - p + 1e-9))
        print("epoch", epoch, "loss", round(loss, 4))

# %%
h = np.tanh(X_train @ W1 + b1)
p = sigmoid(h @ W2 + b2).ravel()
loss = -np.mean(y_train * np.log(p + 1e-9) + (1 - y_train) * np.log(1 - p + 1e-9))
print(f"final_loss={loss:.6f}")

# %%
# check each test point
correct = 0
for i in range(len(X_test)):
    x = X_test[i]
    out = sigmoid(np.tanh(x @ W1 + b1) @ W2 + b2)[0]
    label = 1.0 if out > 0.5 else 0.0
    if label == y_test[i]:
        correct += 1
accuracy = correct / len(X_test)
print(f"accuracy={accuracy:.4f}")
