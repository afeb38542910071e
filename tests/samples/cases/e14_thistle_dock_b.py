# Softmax regression of wool grades with a params dict and plain gradient descent.
import numpy as np

# 3 grades of wool from 4 fibre measurements, softmax regression with plain gradient descent
rng = np.random.default_rng(2024)
n_per = 150
means = np.array([[0.0, 1.0, -1.0, 0.5],
                  [1.5, -0.5, 0.5, -1.0],
                  [-1.5, -1.0, 1.0, 1.0]])
X = np.concatenate([m + 0.8 * rng.standard_normal((n_per, 4)) for m in means])
labels = np.repeat(np.arange(3), n_per)
Y = np.eye(3)[labels]


def init_params(n_features, n_classes):
    return {"W": 0.01 * rng.standard_normal((n_features, n_classes)),
            "b": np.zeros(n_classes)}


def softmax(scores):
    scores = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(probs, Y):
    return -np.mean(np.sum(Y * np.log(probs + 1e-12), axis=1))


def gradients(X, Y, probs):
    delta = (probs - Y) / X.shape[0]
    return {"W": X.T @ delta, "b": delta.sum(axis=0)}


def train(X, Y, params, lr=0.5, epochs=300):
    for epoch in range(epochs):
        probs = softmax(X @ params["W"] + params["b"])
        loss = cross_entropy(probs, Y)
        if epoch == 0:
            print("first_loss=%.4f" % loss)
        grads = gradients(X, Y, probs)
        for k in params:
            params[k] -= lr * grads[k]
        if epoch % 50 == 0:
            print("epoch %3d loss %.4f" % (epoch, loss))
    return params


params = init_params(4, 3)
params = train(X, Y, params)
probs = softmax(X @ params["W"] + params["b"])
print("final_loss=%.4f" % cross_entropy(probs, Y))
print("accuracy=%.3f" % np.mean(probs.argmax(axis=1) == labels))
