# Multinomial logistic regression (softmax) on four Gaussian clusters, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(5)

# --- data: 4 classes, 6 features, half for training, half held out
n_per = 150
k = 4
d = 6
centers = rng.normal(0, 1.5, size=(k, d))
X = np.vstack([centers[c] + rng.normal(0, 1.0, size=(n_per, d)) for c in range(k)])
labels = np.repeat(np.arange(k), n_per)
perm = rng.permutation(len(X))
X, labels = X[perm], labels[perm]
Y = np.eye(k)[labels]          # one-hot targets

half = len(X) // 2
X_tr, Y_tr, lab_tr = X[:half], Y[:half], labels[:half]
X_te, Y_te, lab_te = X[half:], Y[half:], labels[half:]

# --- model
W = rng.normal(0, 0.01, size=(d, k))
b = np.zeros(k)
lr = 0.5
epochs = 300


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(P, Y):
    return -np.mean(np.sum(Y * np.log(P + 1e-12), axis=1))


for epoch in range(epochs):
    P = softmax(X_tr @ W + b)
    loss = cross_entropy(P, Y_tr)
    if epoch == 0:
        first_loss = loss

    dZ = P - Y_tr
    dW = X_tr.T @ dZ / len(X_tr)
    db = dZ.mean(axis=0)
    W = W - lr * dW
    b = b - lr * db

    if epoch % 50 == 0:
        print(f"epoch {epoch:3d}  loss {loss:.4f}")

P_tr = softmax(X_tr @ W + b)
P_te = softmax(X_te @ W + b)
train_acc = np.mean(P_tr.argmax(axis=1) == lab_tr)
accuracy = np.mean(P_te.argmax(axis=1) == lab_te)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={cross_entropy(P_tr, Y_tr):.4f}")
print(f"test_loss={cross_entropy(P_te, Y_te):.4f}")
print(f"train_accuracy={train_acc:.4f}")
print(f"accuracy={accuracy:.4f}")
