# 3-class letter shapes from 8 stroke features, one hidden layer of 10 tanh units
import numpy as np

rng = np.random.default_rng(61)
means = rng.normal(scale=0.7, size=(3, 8))
cls = rng.integers(0, 3, size=240)
strokes = means[cls] + rng.normal(size=(240, 8))
tr_x, te_x, tr_c, te_c = strokes[:120], strokes[120:], cls[:120], cls[120:]
tr_t = np.eye(3)[tr_c]

n = tr_x.shape[0]
A1 = rng.normal(0, 0.3, (8, 10))
c1 = np.zeros((1, 10))
A2 = rng.normal(0, 0.3, (10, 3))
c2 = np.zeros((1, 3))
gain = 0.5


def soft(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def forward(x):
    h = np.tanh(x @ A1 + c1)
    return h, soft(h @ A2 + c2)


for it in range(600):
    h, p = forward(tr_x)
    ce = -np.mean(np.sum(tr_t * np.log(p), axis=1))
    if it == 0:
        print(f"first_loss={ce:.4f}")
    g2 = (p - tr_t) / n
    gA2 = h.T @ g2
    gh = (g2 @ A2.T) * (1 - h ** 2)
    A1 -= gain * tr_x.T @ gh
    c1 -= gain * gh.sum(axis=0, keepdims=True)
    A2 -= gain * gA2
    c2 -= gain * g2.sum(axis=0, keepdims=True)
    if it % 200 == 0:
        print(f"it={it} ce={ce:.4f}")

print(f"final_loss={ce:.4f}")
print(f"train_acc={np.mean(forward(tr_x)[1].argmax(1) == tr_c):.3f}")
print(f"accuracy={np.mean(forward(te_x)[1].argmax(1) == te_c):.3f}")
