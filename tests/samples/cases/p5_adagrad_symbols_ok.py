# A vanilla recurrent net reads a repeating symbol stream and predicts the next symbol; Adagrad updates.
import numpy as np

stream = "abcdeabcdaabcdeabcdaabcdeabcda" * 4
alphabet = sorted(set(stream))
vocab = len(alphabet)
index_of = {ch: i for i, ch in enumerate(alphabet)}
hidden = 16
window = 10
learning_rate = 0.1

rs = np.random.RandomState(5)
Wxh = rs.randn(hidden, vocab) * 0.01
Whh = rs.randn(hidden, hidden) * 0.01
Why = rs.randn(vocab, hidden) * 0.01
bh = np.zeros((hidden, 1))
by = np.zeros((vocab, 1))


def run_window(inputs, targets, hprev):
    xs, hs, ps = {}, {}, {}
    hs[-1] = np.copy(hprev)
    loss = 0.0
    for t in range(len(inputs)):
        xs[t] = np.zeros((vocab, 1))
        xs[t][inputs[t]] = 1
        hs[t] = np.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
        ys = Why @ hs[t] + by
        shifted = np.exp(ys - np.max(ys))
        ps[t] = shifted / np.sum(shifted)
        loss += -np.log(ps[t][targets[t], 0] + 1e-12)
    dWxh, dWhh, dWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
    dbh, dby = np.zeros_like(bh), np.zeros_like(by)
    dhnext = np.zeros_like(hs[0])
    for t in reversed(range(len(inputs))):
        dy = np.copy(ps[t])
        dy[targets[t]] -= 1
        dWhy += dy @ hs[t].T
        dby += dy
        dh = Why.T @ dy + dhnext
        dhraw = (1 - hs[t] * hs[t]) * dh
        dbh += dhraw
        dWxh += dhraw @ xs[t].T
        dWhh += dhraw @ hs[t - 1].T
        dhnext = Whh.T @ dhraw
    for dparam in [dWxh, dWhh, dWhy, dbh, dby]:
        np.clip(dparam, -5, 5, out=dparam)
    return loss, dWxh, dWhh, dWhy, dbh, dby, hs[len(inputs) - 1]


mWxh, mWhh, mWhy = np.zeros_like(Wxh), np.zeros_like(Whh), np.zeros_like(Why)
mbh, mby = np.zeros_like(bh), np.zeros_like(by)
smooth_loss = -np.log(1.0 / vocab) * window
n, p = 0, 0
hprev = np.zeros((hidden, 1))
while n < 300:
    if p + window + 1 >= len(stream):
        hprev = np.zeros((hidden, 1))
        p = 0
    inputs = [index_of[ch] for ch in stream[p:p + window]]
    targets = [index_of[ch] for ch in stream[p + 1:p + window + 1]]
    loss, dWxh, dWhh, dWhy, dbh, dby, hprev = run_window(inputs, targets, hprev)
    smooth_loss = smooth_loss * 0.95 + loss * 0.05
    if n % 50 == 0:
        print(f"iter {n}, loss {smooth_loss:.4f}")
    for param, dparam, mem in zip([Wxh, Whh, Why, bh, by], [dWxh, dWhh, dWhy, dbh, dby],
                                  [mWxh, mWhh, mWhy, mbh, mby]):
        mem += dparam * dparam
        param += -learning_rate * dparam / np.sqrt(mem + 1e-8)
    p += window
    n += 1
print(f"final smooth loss {smooth_loss:.4f}")
