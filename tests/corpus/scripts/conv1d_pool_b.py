import numpy as np

# detect a bump in a 1-D signal: conv (kernel 5) -> relu -> max-pool (4) -> linear -> sigmoid
rng = np.random.default_rng(6)
L, K, P = 32, 5, 4


def make_signal(has_bump):
    s = rng.normal(0, 0.3, L)
    if has_bump:
        c = rng.integers(4, L - 4)
        s[c - 2:c + 3] += np.array([0.5, 1.0, 1.5, 1.0, 0.5])
    return s


labels = rng.integers(0, 2, 120)
signals = np.array([make_signal(l) for l in labels])

kernel = rng.normal(0, 0.3, K)
kb = 0.0
n_conv = L - K + 1
n_pool = n_conv // P
v = rng.normal(0, 0.3, n_pool)
vb = 0.0
lr = 0.05


def forward(s):
    conv = np.array([s[i:i + K] @ kernel for i in range(n_conv)]) + kb
    act = np.maximum(conv, 0)
    pooled = np.zeros(n_pool)
    argmax = np.zeros(n_pool, dtype=int)
    for j in range(n_pool):
        window = act[j * P:(j + 1) * P]
        argmax[j] = j * P + np.argmax(window)
        pooled[j] = window.max()
    z = pooled @ v + vb
    return conv, pooled, argmax, 1 / (1 + np.exp(-z))


def mean_loss():
    total = 0.0
    for s, t in zip(signals, labels):
        p = np.clip(forward(s)[3], 1e-9, 1 - 1e-9)
        total += -(t * np.log(p) + (1 - t) * np.log(1 - p))
    return total / len(labels)


first_loss = mean_loss()
for epoch in range(25):
    for s, t in zip(signals, labels):
        conv, pooled, argmax, p = forward(s)
        dz = p - t
        dv = dz * pooled
        dvb = dz
        dpooled = dz * v
        dkernel = np.zeros(K)
        dkb = 0.0
        for j in range(n_pool):
            i = argmax[j]
            if conv[i] > 0:
                dkernel += dpooled[j] * s[i:i + K]
                dkb += dpooled[j]
        v += lr * dv
        vb += lr * dvb
        kernel += lr * dkernel
        kb += lr * dkb

preds = np.array([forward(s)[3] > 0.5 for s in signals])
print(f"first_loss={first_loss}")
print(f"final_loss={mean_loss()}")
print(f"accuracy={np.mean(preds == labels)}")
