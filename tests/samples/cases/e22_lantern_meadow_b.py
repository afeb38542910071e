# Small recurrent net that remembers the sign of the first token, trained with BPTT
# %%
import numpy as np

rng = np.random.default_rng(7)

T = 12          # sequence length
H = 16          # hidden units
n_train = 512
n_test = 256

def make_data(n):
    seqs = rng.normal(0.0, 0.5, size=(n, T, 1))
    first = rng.choice([-1.0, 1.0], size=n)
    seqs[:, 0, 0] = first
    labels = (first > 0).astype(float)
    return seqs, labels

X_tr, y_tr = make_data(n_train)
X_te, y_te = make_data(n_test)
print("train shape", X_tr.shape, "positives", y_tr.mean())

# %%
# parameters
Wx = rng.normal(0, 1.0, size=(1, H))
Wh = np.linalg.qr(rng.normal(size=(H, H)))[0]
bh = np.zeros(H)
Wo = rng.normal(0, 1.0 / np.sqrt(H), size=(H,))
bo = 0.0

def act(z):
    return np.tanh(z)

def act_grad(h):
    return 1.0 - h ** 2

def forward(X):
    n = X.shape[0]
    hs = [np.zeros((n, H))]
    for t in range(T):
        z = X[:, t, :] @ Wx + hs[-1] @ Wh + bh
        hs.append(act(z))
    logit = hs[-1] @ Wo + bo
    prob = 1.0 / (1.0 + np.exp(-logit))
    return hs, prob

def bce(prob, y):
    p = np.clip(prob, 1e-9, 1 - 1e-9)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

# %%
lr = 0.1
batch = 64
epochs = 40
first_loss = None
for epoch in range(epochs):
    order = rng.permutation(n_train)
    for s in range(0, n_train, batch):
        idx = order[s:s + batch]
        xb, yb = X_tr[idx], y_tr[idx]
        hs, prob = forward(xb)
        m = len(idx)
        dlogit = (prob - yb) / m
        gWo = hs[-1].T @ dlogit
        gbo = dlogit.sum()
        dh = np.outer(dlogit, Wo)
        gWx = np.zeros_like(Wx)
        gWh = np.zeros_like(Wh)
        gbh = np.zeros_like(bh)
        for t in reversed(range(T)):
            dz = dh * act_grad(hs[t + 1])
            gWx += xb[:, t, :].T @ dz
            gWh += hs[t].T @ dz
            gbh += dz.sum(axis=0)
            dh = dz @ Wh.T
        Wx -= lr * gWx
        Wh -= lr * gWh
        bh -= lr * gbh
        Wo -= lr * gWo
        bo -= lr * gbo
    _, p_all = forward(X_tr)
    loss = bce(p_all, y_tr)
    if first_loss is None:
        first_loss = loss
    if epoch % 10 == 0:
        print(f"epoch {epoch} loss {loss:.4f}")

# %%
_, p_te = forward(X_te)
acc = np.mean((p_te > 0.5) == (y_te > 0.5))
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={loss:.4f}")
print(f"accuracy={acc:.4f}")
