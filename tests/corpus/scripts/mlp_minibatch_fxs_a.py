import numpy as np

# three-class spiral; columns are samples (features x samples), minibatches of 64
rng = np.random.default_rng(31)
N, K = 150, 3
X = np.zeros((2, N * K))
labels = np.zeros(N * K, dtype=int)
for k in range(K):
    r = np.linspace(0.1, 1.0, N)
    t = np.linspace(k * 4.0, (k + 1) * 4.0, N) + rng.normal(0, 0.2, N)
    X[:, k * N:(k + 1) * N] = np.vstack([r * np.sin(t), r * np.cos(t)])
    labels[k * N:(k + 1) * N] = k
Y = np.eye(K)[labels].T  # (K, m)
m = X.shape[1]

H = 64
W1 = rng.normal(0, np.sqrt(2 / 2), (H, 2))
b1 = np.zeros((H, 1))
W2 = rng.normal(0, np.sqrt(1 / H), (K, H))
b2 = np.zeros((K, 1))
learning_rate = 0.5
batch_size = 64


def forward(Xb):
    Z1 = W1 @ Xb + b1
    A1 = np.maximum(Z1, 0)
    Z2 = W2 @ A1 + b2
    Z2 = Z2 - Z2.max(axis=0, keepdims=True)
    P = np.exp(Z2) / np.exp(Z2).sum(axis=0, keepdims=True)
    return Z1, A1, P


def cross_entropy(P, Yb):
    return -np.mean(np.sum(Yb * np.log(P + 1e-12), axis=0))


first_loss = cross_entropy(forward(X)[2], Y)
for epoch in range(300):
    order = rng.permutation(m)
    for start in range(0, m, batch_size):
        idx = order[start:start + batch_size]
        Xb, Yb = X[:, idx], Y[:, idx]
        Z1, A1, P = forward(Xb)
        dZ2 = (P - Yb) / Xb.shape[1]
        dW2 = dZ2 @ A1.T
        db2 = dZ2.sum(axis=1, keepdims=True)
        dZ1 = (W2.T @ dZ2) * (Z1 > 0)
        dW1 = dZ1 @ Xb.T
        db1 = dZ1.sum(axis=1, keepdims=True)
        W1 -= learning_rate * dW1
        b1 -= learning_rate * db1
        W2 -= learning_rate * dW2
        b2 -= learning_rate * db2

P = forward(X)[2]
print(f"first_loss={first_loss}")
print(f"final_loss={cross_entropy(P, Y)}")
print(f"accuracy={np.mean(P.argmax(axis=0) == labels)}")
