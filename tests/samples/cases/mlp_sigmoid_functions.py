# Two-layer network (2 -> 32 sigmoid -> 3 softmax) on three Gaussian clusters
# arranged so that no straight line separates them. Plain functions: forward,
# loss, backward, update; full-batch gradient descent on the cross-entropy.
# Run: python mlp_sigmoid_functions.py
import numpy as np


def make_clusters(seed=0):
    rng = np.random.RandomState(seed)
    centers = np.array([[0.0, 0.0], [2.5, 2.5], [-2.5, 2.5], [2.5, -2.5], [-2.5, -2.5], [0.0, 4.0]])
    labels = np.array([0, 1, 1, 2, 2, 0])
    X = np.vstack([rng.randn(50, 2) * 0.6 + c for c in centers])
    y = np.repeat(labels, 50)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X, y


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(s):
    s = s - s.max(axis=1, keepdims=True)
    e = np.exp(s)
    return e / e.sum(axis=1, keepdims=True)


def init_params(n_in=2, n_hidden=32, n_out=3, seed=1):
    rng = np.random.RandomState(seed)
    return {"W1": rng.randn(n_in, n_hidden) * 0.5, "b1": np.zeros((1, n_hidden)),
            "W2": rng.randn(n_hidden, n_out) * 0.5, "b2": np.zeros((1, n_out))}


def forward(params, X):
    a1 = sigmoid(X @ params["W1"] + params["b1"])
    probs = softmax(a1 @ params["W2"] + params["b2"])
    return a1, probs


def loss_fn(probs, Y):
    return -np.mean(np.sum(Y * np.log(probs + 1e-12), axis=1))


def backward(params, X, Y, a1, probs):
    n = X.shape[0]
    # derivative of the log-likelihood with respect to the softmax input
    d_out = (Y - probs) / n
    grads = {"W2": a1.T @ d_out, "b2": d_out.sum(axis=0, keepdims=True)}
    d_a1 = d_out @ params["W2"].T
    d_z1 = d_a1 * a1 * (1 - a1)
    grads["W1"] = X.T @ d_z1
    grads["b1"] = d_z1.sum(axis=0, keepdims=True)
    return grads


def train(X, y, lr=1.0, epochs=1500):
    Y = np.eye(3)[y]
    params = init_params()
    for epoch in range(epochs):
        a1, probs = forward(params, X)
        loss = loss_fn(probs, Y)
        grads = backward(params, X, Y, a1, probs)
        for k in params:
            params[k] -= lr * grads[k]
        if epoch % 150 == 0:
            print("epoch", epoch, "loss", round(loss, 4), "acc", round(np.mean(probs.argmax(1) == y), 3))
    return params


if __name__ == "__main__":
    X, y = make_clusters()
    params = train(X, y)
    _, probs = forward(params, X)
    print("final loss", round(loss_fn(probs, np.eye(3)[y]), 4), "accuracy", round(np.mean(probs.argmax(1) == y), 3))
