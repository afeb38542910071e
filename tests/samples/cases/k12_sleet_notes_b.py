# 4 hidden layer tanh net, binary classification (points inside / outside a ring)
# shapes are (features, samples) like in the deeplearning course
# float32 to save memory
import numpy as np

np.random.seed(3)

m = 800
X = np.random.uniform(-1.5, 1.5, size=(2, m)).astype(np.float32)
Y = ((X[0] ** 2 + X[1] ** 2) < 1.0).astype(np.float32).reshape(1, m)
print("X", X.shape, "Y", Y.shape, "frac positive", Y.mean())

layer_dims = [2, 24, 24, 24, 24, 1]
L = len(layer_dims) - 1

params = []
for l in range(1, L + 1):
    n_in = layer_dims[l - 1]
    n_out = layer_dims[l]
    W = (np.random.randn(n_out, n_in) * np.sqrt(1.0 / n_in)).astype(np.float32)
    bb = np.zeros((n_out, 1), dtype=np.float32)
    params.append({"W": W, "b": bb, "vW": np.zeros_like(W), "vb": np.zeros_like(bb)})

alpha = 0.05
beta = 0.9
batch = 64
n_epochs = 60


def forward(A0):
    caches = [A0]
    A = A0
    for l in range(L):
        Z = params[l]["W"] @ A + params[l]["b"]
        if l == L - 1:
            A = 1 / (1 + np.exp(-Z))
        else:
            A = np.tanh(Z)
        caches.append(A)
    return A, caches


def cost(AL, Yb):
    AL = np.clip(AL, 1e-7, 1 - 1e-7)
    return float(-np.mean(Yb * np.log(AL) + (1 - Yb) * np.log(1 - AL)))


AL, _ = forward(X)
print("first_loss=" + str(round(cost(AL, Y), 5)))

for epoch in range(n_epochs):
    perm = np.random.permutation(m)
    for k in range(0, m, batch):
        idx = perm[k:k + batch]
        Xb = X[:, idx]
        Yb = Y[:, idx]
        mb = Xb.shape[1]
        AL, caches = forward(Xb)
        dZ = AL - Yb
        for l in reversed(range(L)):
            A_prev = caches[l]
            dW = dZ @ A_prev.T / mb
            db = np.sum(dZ, axis=1, keepdims=True) / mb
            if l > 0:
                dA = params[l]["W"].T @ dZ
                dZ = dA * (1 - A_prev ** 2)
            p = params[l]
            p["vW"] = beta * p["vW"] + (1 - beta) * dW
            p["vb"] = beta * p["vb"] + (1 - beta) * db
            p["W"] = p["W"] - alpha * p["vW"]
            p["b"] = p["b"] - alpha * p["vb"]
    if epoch % 10 == 0:
        AL, _ = forward(X)
        print("epoch %d cost %.5f" % (epoch, cost(AL, Y)))
        # print(params[0]["W"])

AL, _ = forward(X)
print("final_loss=" + str(round(cost(AL, Y), 5)))
pred = (AL > 0.5).astype(np.float32)
print("accuracy=" + str(round(float(np.mean(pred == Y)), 4)))
print("dtype", AL.dtype)
