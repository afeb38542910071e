# Restricted Boltzmann machine on 6x6 bar images, contrastive divergence (CD-1), reconstruction check
import numpy as np

rng = np.random.default_rng(42)
side = 6

def make_bars(n):
    imgs = np.zeros((n, side, side))
    for i in range(n):
        if rng.random() < 0.5:
            rows = rng.random(side) < 0.35
            imgs[i, rows, :] = 1
        else:
            cols = rng.random(side) < 0.35
            imgs[i, :, cols] = 1
    return imgs.reshape(n, -1)

data = make_bars(500)
n_vis = side * side
n_hid = 24

W = rng.normal(0, 0.01, size=(n_vis, n_hid))
a = np.zeros(n_vis)   # visible bias
c = np.zeros(n_hid)   # hidden bias

def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def recon_error(v):
    ph = sigmoid(v @ W + c)
    pv = sigmoid(ph @ W.T + a)
    return np.mean((v - pv) ** 2), pv

lr = 0.3
batch = 25
epochs = 40
first_loss = recon_error(data)[0]
for ep in range(epochs):
    order = rng.permutation(len(data))
    for s in range(0, len(data), batch):
        v0 = data[order[s:s + batch]]
        ph0 = sigmoid(v0 @ W + c)
        h0 = (rng.random(ph0.shape) < ph0).astype(float)
        pv1 = sigmoid(h0 @ W.T + a)
        v1 = (rng.random(pv1.shape) < pv1).astype(float)
        ph1 = sigmoid(v1 @ W + c)

        dW = (v0.T @ ph0 - v1.T @ ph1) / len(v0)
        da = (v0 - v1).mean(axis=0)
        dc = (ph0 - ph1).mean(axis=0)
        W -= lr * dW
        a -= lr * da
        c -= lr * dc
    if ep % 10 == 0:
        print(f"epoch {ep} recon={recon_error(data)[0]:.4f}")

final_loss, pv = recon_error(data)
# denoising test: flip some pixels and see if the reconstruction matches the clean image
test = make_bars(200)
noisy = np.where(rng.random(test.shape) < 0.1, 1 - test, test)
_, pv_test = recon_error(noisy)
accuracy = np.mean((pv_test > 0.5) == (test > 0.5))
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={accuracy:.4f}")
