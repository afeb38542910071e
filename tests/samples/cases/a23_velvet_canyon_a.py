# Softmax MLP classifying three synthetic sensor states, minibatch gradient descent
import numpy as np

rng = np.random.default_rng(5)

# config
num_epochs = 30
batch_size = 32
lr = 0.5
hidden_units = 20


def make_blobs(n_per_class):
    centers = np.array([[0.0, 2.0, -1.0, 0.5],
                        [1.8, -1.0, 0.5, -1.0],
                        [-1.8, -0.8, 1.0, 1.0]])
    xs, ys = [], []
    for k, c in enumerate(centers):
        xs.append(c + rng.normal(0, 1.0, (n_per_class, 4)))
        ys.append(np.full(n_per_class, k))
    X = np.vstack(xs)
    y = np.concatenate(ys)
    idx = rng.permutation(len(y))
    return X[idx], y[idx]


def one_hot(y, k):
    out = np.zeros((len(y), k))
    out[np.arange(len(y)), y] = 1
    return out


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def init_params(n_in, n_hidden, n_out):
    return {
        "W1": rng.normal(0, np.sqrt(1 / n_in), (n_in, n_hidden)),
        "b1": np.zeros(n_hidden),
        "W2": rng.normal(0, np.sqrt(1 / n_hidden), (n_hidden, n_out)),
        "b2": np.zeros(n_out),
    }


def forward(params, X):
    h = np.tanh(X @ params["W1"] + params["b1"])
    p = softmax(h @ params["W2"] + params["b2"])
    return h, p


def loss_fn(p, Y):
    return float(-np.mean(np.sum(Y * np.log(p + 1e-12), axis=1)))


def train(params, X, Y, epochs, learning_rate=1e-4):
    history = []
    n = X.shape[0]
    for epoch in range(epochs):
        perm = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            xb, yb = X[idx], Y[idx]
            h, p = forward(params, xb)
            dlogits = (p - yb) / len(idx)
            gW2 = h.T @ dlogits
            gb2 = dlogits.sum(axis=0)
            dh = dlogits @ params["W2"].T * (1 - h ** 2)
            gW1 = xb.T @ dh
            gb1 = dh.sum(axis=0)
            params["W1"] -= learning_rate * gW1
            params["b1"] -= learning_rate * gb1
            params["W2"] -= learning_rate * gW2
            params["b2"] -= learning_rate * gb2
        _, p_all = forward(params, X)
        history.append(loss_fn(p_all, Y))
        if epoch % 10 == 0:
            print(f"epoch {epoch} loss {history[-1]:.4f}")
    return history


X_train, y_train = make_blobs(200)
X_test, y_test = make_blobs(100)
Y_train = one_hot(y_train, 3)

params = init_params(4, hidden_units, 3)
_, p0 = forward(params, X_train)
first_loss = loss_fn(p0, Y_train)
history = train(params, X_train, Y_train, epochs=num_epochs)

_, p_test = forward(params, X_test)
accuracy = np.mean(p_test.argmax(axis=1) == y_test)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={history[-1]:.4f}")
print(f"accuracy={accuracy:.4f}")
