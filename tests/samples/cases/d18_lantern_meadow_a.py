# Small MLP that sorts 8x8 stroke images into three shapes, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(7)


def make_images(n):
    imgs = np.zeros((n, 8, 8))
    labels = rng.integers(0, 3, size=n)
    for i in range(n):
        k = rng.integers(1, 7)
        if labels[i] == 0:
            imgs[i, k, 1:7] = 1.0          # horizontal stroke
        elif labels[i] == 1:
            imgs[i, 1:7, k] = 1.0          # vertical stroke
        else:
            for j in range(1, 7):
                imgs[i, j, j] = 1.0        # diagonal
            imgs[i] = np.roll(imgs[i], k - 3, axis=1)
    imgs += rng.normal(0, 0.35, size=imgs.shape)
    return imgs, labels


train_imgs, train_y = make_images(600)
test_imgs, test_y = make_images(300)

# one row per picture
X_train = train_imgs.reshape(len(train_imgs), -1)
X_test = test_imgs.reshape(len(test_imgs), -1)
Y_train = np.eye(3)[train_y]

n_in, n_hid, n_out = 64, 32, 3
W1 = rng.normal(0, 1, size=(n_in, n_hid))
b1 = np.zeros(n_hid)
W2 = rng.normal(0, 1, size=(n_hid, n_out))
b2 = np.zeros(n_out)


def forward(X):
    h = np.tanh(X @ W1 + b1)
    logits = h @ W2 + b2
    logits = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(logits)
    return h, e / e.sum(axis=1, keepdims=True)


lr = 0.5
epochs = 300
n = len(X_train)
for epoch in range(epochs):
    h, p = forward(X_train)
    loss = -np.mean(np.sum(Y_train * np.log(p), axis=1))
    if epoch == 0:
        print(f"first_loss={loss:.4f}")
    if epoch % 50 == 0:
        print(f"epoch {epoch} loss {loss:.4f}")

    d_logits = (p - Y_train) / n
    dW2 = h.T @ d_logits
    db2 = d_logits.sum(axis=0)
    dh = d_logits @ W2.T * (1 - h ** 2)
    dW1 = X_train.T @ dh
    db1 = dh.sum(axis=0)

    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2

print(f"final_loss={loss:.4f}")
_, p_test = forward(X_test)
acc = np.mean(p_test.argmax(axis=1) == test_y)
print(f"accuracy={acc:.4f}")
