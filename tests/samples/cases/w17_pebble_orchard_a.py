# Small ReLU recurrent net reading noisy sequences and predicting three summary values
import numpy as np

rng = np.random.default_rng(5)

T, n_seq, n_hid = 40, 256, 24
xs = rng.normal(0, 1, (n_seq, T, 1))
targets = np.stack([
    xs[:, :, 0].mean(axis=1) * 3,
    xs[:, -1, 0],
    xs[:, -3:, 0].sum(axis=1) / 2,
], axis=1)
n_out = targets.shape[1]

params = {
    'Wx': rng.normal(0, 0.5, (1, n_hid)),
    'Wh': np.eye(n_hid),
    'bh': np.zeros(n_hid),
    'Wy': rng.normal(0, 0.1, (n_hid, n_out)),
    'by': np.zeros(n_out),
}


def make_forward(p):
    def step(h, x_t):
        return np.maximum(0, x_t @ p['Wx'] + h @ p['Wh'] + p['bh'])

    def run(x):
        h = np.zeros((x.shape[0], n_hid))
        hs = [h]
        for t in range(x.shape[1]):
            h = step(h, x[:, t, :])
            hs.append(h)
        return hs, h @ p['Wy'] + p['by']

    return run


forward = make_forward(params)
lr = 0.03
batch = 32
first_loss = None
for epoch in range(60):
    order = rng.permutation(n_seq)
    for start in range(0, n_seq, batch):
        idx = order[start:start + batch]
        xb, yb = xs[idx], targets[idx]
        hs, out = forward(xb)
        err = out - yb
        if first_loss is None:
            first_loss = np.mean(err ** 2)
        g = {k: np.zeros_like(v) for k, v in params.items()}
        dout = 2 * err / err.size
        g['Wy'] = hs[-1].T @ dout
        g['by'] = dout.sum(axis=0)
        dh = dout @ params['Wy'].T
        for t in range(T, 0, -1):
            dz = dh * (hs[t] > 0)
            g['Wx'] += xb[:, t - 1, :].T @ dz
            g['Wh'] += hs[t - 1].T @ dz
            g['bh'] += dz.sum(axis=0)
            dh = dz @ params['Wh'].T
        grad_norm = np.sqrt(sum(np.sum(v ** 2) for v in g.values()))
        step_size = lr
        for k in params:
            params[k] -= step_size * g[k]
    if epoch % 10 == 0:
        _, out = forward(xs)
        print(f"epoch {epoch} loss {np.mean((out - targets) ** 2):.4f} grad_norm {grad_norm:.3g}")

_, out = forward(xs)
final_loss = np.mean((out - targets) ** 2)
r2 = 1 - np.sum((out - targets) ** 2, axis=0) / np.sum((targets - targets.mean(axis=0)) ** 2, axis=0)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"r2={np.mean(r2):.4f}")
