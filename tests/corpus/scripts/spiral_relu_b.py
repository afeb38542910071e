import numpy as np

np.random.seed(0)


def make_spiral(points_per_class, n_classes):
    data = np.zeros((points_per_class * n_classes, 2))
    labels = np.zeros(points_per_class * n_classes, dtype="uint8")
    for c in range(n_classes):
        rows = slice(points_per_class * c, points_per_class * (c + 1))
        radius = np.linspace(0.0, 1, points_per_class)
        theta = np.linspace(c * 4, (c + 1) * 4, points_per_class) + np.random.randn(points_per_class) * 0.2
        data[rows] = np.c_[radius * np.sin(theta), radius * np.cos(theta)]
        labels[rows] = c
    return data, labels


X, y = make_spiral(100, 3)
D, K = 2, 3

h = 100
W = 0.01 * np.random.randn(D, h)
b = np.zeros((1, h))
W2 = 0.01 * np.random.randn(h, K)
b2 = np.zeros((1, K))

step_size = 1.0
reg = 1e-3
n = X.shape[0]
losses = []
for i in range(2000):
    hid = np.maximum(0, np.dot(X, W) + b)
    scores = np.dot(hid, W2) + b2
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    probs = e / np.sum(e, axis=1, keepdims=True)
    nll = -np.log(probs[range(n), y])
    data_loss = np.sum(nll) / n
    reg_loss = 0.5 * reg * np.sum(W * W) + 0.5 * reg * np.sum(W2 * W2)
    loss = data_loss + reg_loss
    losses.append(loss)
    if i % 500 == 0:
        print("iteration %d: loss %f" % (i, loss))

    dlogits = probs
    dlogits[range(n), y] -= 1
    dlogits /= n
    dW2 = np.dot(hid.T, dlogits)
    db2 = np.sum(dlogits, axis=0, keepdims=True)
    dhid = np.dot(dlogits, W2.T)
    dhid[hid > 0] = 0
    dW = np.dot(X.T, dhid)
    db = np.sum(dhid, axis=0, keepdims=True)
    dW2 += reg * W2
    dW += reg * W
    W += -step_size * dW
    b += -step_size * db
    W2 += -step_size * dW2
    b2 += -step_size * db2

hid = np.maximum(0, np.dot(X, W) + b)
predicted_class = np.argmax(np.dot(hid, W2) + b2, axis=1)
print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
print(f"accuracy={np.mean(predicted_class == y)}")
