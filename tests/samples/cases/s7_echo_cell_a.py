# a small RNN that should remember the running sign of a noisy stream
import numpy as np

rng = np.random.default_rng(17)
seqs = rng.normal(size=(64, 10, 2))
targets = np.tanh(seqs[:, :, 0].cumsum(axis=1) * 0.5)[..., None]   # (64, 10, 1)

model = {
    "Wx": rng.normal(0, 0.5, (2, 8)),
    "Wh": rng.normal(0, 0.3, (8, 8)),
    "Wo": rng.normal(0, 0.5, (8, 1)),
}
lr = 0.3


def run(model, batch):
    hs = [np.zeros((batch.shape[0], 8))]
    for step in range(batch.shape[1]):
        hs.append(np.tanh(batch[:, step] @ model["Wx"] + hs[-1] @ model["Wh"]))
    outs = np.stack([h @ model["Wo"] for h in hs[1:]], axis=1)
    return hs, outs


_, outs = run(model, seqs)
print(f"first_loss={np.mean((outs - targets) ** 2):.4f}")
for epoch in range(150):
    Wx, Wh, Wo = model["Wx"], model["Wh"], model["Wo"]
    hs, outs = run(model, seqs)
    d_out = 2 * (outs - targets) / outs.size
    dWx, dWh, dWo = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(Wo)
    carry = np.zeros((64, 8))
    for step in reversed(range(10)):
        dWo += hs[step + 1].T @ d_out[:, step]
        dh = d_out[:, step] @ Wo.T + carry
        dz = dh * (1 - hs[step + 1] ** 2)
        dWx += seqs[:, step].T @ dz
        dWh += hs[step].T @ dz
        carry = dz @ Wh.T
    Wx = Wx - lr * dWx
    Wh = Wh - lr * dWh
    Wo = Wo - lr * dWo
    if epoch % 50 == 0:
        print(f"epoch={epoch} mse={np.mean((outs - targets) ** 2):.4f}")

_, outs = run(model, seqs)
print(f"final_loss={np.mean((outs - targets) ** 2):.4f}")
