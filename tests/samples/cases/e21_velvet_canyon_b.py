# Vanilla RNN predicting the next value of a noisy two-tone signal, truncated BPTT over 25-step windows
import numpy as np

rng = np.random.default_rng(42)

T_total = 3000
t_axis = np.arange(T_total + 1)
signal = np.sin(0.07 * t_axis) + 0.5 * np.sin(0.23 * t_axis + 1.0) + 0.05 * rng.normal(size=T_total + 1)
inputs_all = signal[:-1]
targets_all = signal[1:]

hidden_size = 24
seq_len = 25
lr = 0.01

Wxh = rng.normal(0, 0.3, size=(hidden_size, 1))
Whh = rng.normal(0, 1.0 / np.sqrt(hidden_size), size=(hidden_size, hidden_size))
Why = rng.normal(0, 0.1, size=(1, hidden_size))
bh = np.zeros((hidden_size, 1))
by = np.zeros((1, 1))

def run_window(inputs, targets, hprev):
    xs, hs, ys = {}, {}, {}
    hs[-1] = np.copy(hprev)
    loss = 0.0
    for t in range(len(inputs)):
        xs[t] = np.array([[inputs[t]]])
        hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
        ys[t] = Why @ hs[t] + by
        loss += 0.5 * ((ys[t] - targets[t]) ** 2).item()
    dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    dbh, dby = np.zeros_like(bh), np.zeros_like(by)
    dhnext = np.zeros_like(hs[0])
    for t in reversed(range(len(inputs))):
        dy = targets[t] - ys[t]
        dWhy += dy @ hs[t].T
        dby += dy
        dh = Why.T @ dy + dhnext
        dhraw = (1 - hs[t] ** 2) * dh
        dbh += dhraw
        dWxh += dhraw @ xs[t].T
        dWhh += dhraw @ hs[t - 1].T
        dhnext = Whh.T @ dhraw
    for g in (dWxh, dWhh, dWhy, dbh, dby):
        np.clip(g, -5, 5, out=g)
    return loss / len(inputs), (dWxh, dWhh, dWhy, dbh, dby), hs[len(inputs) - 1]

def evaluate(start, stop):
    h = np.zeros((hidden_size, 1))
    err = []
    preds = []
    for t in range(start, stop):
        h = np.tanh(Wxh * inputs_all[t] + Whh @ h + bh)
        preds.append(float((Why @ h + by)[0, 0]))
    preds = np.array(preds)
    tgt = targets_all[start:stop]
    mse = np.mean((preds - tgt) ** 2)
    r2 = 1 - np.sum((preds - tgt) ** 2) / np.sum((tgt - tgt.mean()) ** 2)
    return mse, r2

train_end = 2400
first_loss, _ = evaluate(0, train_end)
print(f"first_loss={first_loss:.6f}")

for epoch in range(8):
    hprev = np.zeros((hidden_size, 1))
    for p in range(0, train_end - seq_len, seq_len):
        loss, grads, hprev = run_window(inputs_all[p:p + seq_len], targets_all[p:p + seq_len], hprev)
        for param, g in zip((Wxh, Whh, Why, bh, by), grads):
            param -= lr * g
    tr_mse, _ = evaluate(0, train_end)
    print(f"epoch {epoch} train_mse={tr_mse:.5f}")

final_loss, _ = evaluate(0, train_end)
test_mse, r2 = evaluate(train_end, T_total)
print(f"final_loss={final_loss:.6f}")
print(f"test_mse={test_mse:.6f}")
print(f"r2={r2:.4f}")
