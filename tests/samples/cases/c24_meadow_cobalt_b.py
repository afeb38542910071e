# Two-layer neural network (sigmoid hidden layer, sigmoid output) learning a noisy XOR pattern of 2-D points.
# Full-batch gradient descent; notebook export where the helper functions read and write global variables.

# In[1]:

import numpy as np

rng = np.random.default_rng(7)


# In[2]:

X = rng.uniform(-1, 1, size=(300, 2))
y = ((X[:, 0] * X[:, 1]) > 0).astype(float).reshape(-1, 1)
X = X + 0.05 * rng.normal(size=X.shape)
print(X.shape, y.mean())


# In[3]:

n_hidden = 8
W1 = rng.normal(0.0, 1.0, size=(2, n_hidden))
b1 = np.zeros((1, n_hidden))
W2 = rng.normal(0.0, 1.0, size=(n_hidden, 1))
b2 = np.zeros((1, 1))
lr = 1.0


# In[4]:

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(X):
    global A1, A2
    A1 = sigmoid(X @ W1 + b1)
    A2 = sigmoid(A1 @ W2 + b2)
    return A2


def bce(p, y):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def backward_and_step(X, y):
    global W1, b1, W2, b2
    m = X.shape[0]
    dZ2 = (A2 - y) / m
    dW2 = A1.T @ dZ2
    db2 = dZ2.sum(axis=0, keepdims=True)
    dZ1 = (dZ2 @ W2.T) * A1 * (1 - A1)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0, keepdims=True)
    W1 = W1 - lr * dW1
    b1 = b1 - lr * db1
    W2 = W2 - lr * dW2
    b2 = b2 - lr * db2


# In[5]:

losses = []
for it in range(3000):
    out = forward(X)
    loss = bce(out, y)
    losses.append(loss)
    backward_and_step(X, y)
    if it % 300 == 0:
        print(f"iter {it:4d} loss {loss:.5f}")


# In[6]:

out = forward(X)
loss = bce(out, y)
losses.append(loss)
acc = np.mean((out > 0.5) == (y > 0.5))
print(f"first_loss={losses[0]:.6f} final_loss={losses[-1]:.6f}")
print(f"accuracy={acc:.4f}")
