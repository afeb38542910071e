# sort door hinges into 3 types from 4 measurements (width, height, pin diameter, weight),
# already standardised. 4 -> 10 sigmoid -> 3 softmax, full batch gradient descent
import numpy as np

np.random.seed(90)
n_per_class = 120
means = np.array([[0.0, 1.5, -1.0, 0.5],
                  [1.5, -0.5, 0.5, -1.0],
                  [-1.5, -0.8, 0.8, 1.0]])
X = np.vstack([m + 0.9 * np.random.randn(n_per_class, 4) for m in means])
labels = np.repeat(np.arange(3), n_per_class)
Y = np.eye(3)[labels]


def init_params(sizes):
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        params.append(np.random.randn(n_in, n_out) * np.sqrt(1.0 / n_in))
        params.append(np.zeros(n_out))
    return params


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def forward(params, X):
    W1, b1, W2, b2 = params
    h = sigmoid(X @ W1 + b1)
    return h, softmax(h @ W2 + b2)


def cross_entropy(probs, Y):
    return -np.mean(np.sum(Y * np.log(probs + 1e-12), axis=1))


def backward(params, X, Y):
    W1, b1, W2, b2 = params
    h, probs = forward(params, X)
    n = X.shape[0]
    d_out = (probs - Y) / n
    dW2 = h.T @ d_out
    db2 = d_out.sum(axis=0)
    d_h = d_out @ W2.T * h * (1 - h)
    dW1 = X.T @ d_h
    db1 = d_h.sum(axis=0)
    return [dW1, db1, dW2, db2]


params = init_params([4, 10, 3])
lr = 0.5

_, probs = forward(params, X)
print("first_loss=%.5f" % cross_entropy(probs, Y))

for it in range(500):
    grads = backward(params, X, Y)
    for p, g in zip(params, grads):
        p -= lr * g
    if it % 100 == 0:
        _, probs = forward(params, X)
        print("iter %d loss %.5f" % (it, cross_entropy(probs, Y)))

_, probs = forward(params, X)
print("final_loss=%.5f" % cross_entropy(probs, Y))
print("accuracy=%.3f" % np.mean(probs.argmax(axis=1) == labels))
