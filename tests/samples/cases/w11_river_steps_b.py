# toy river gauge: read 15 days of rain, predict the water level on the last day
# vanilla RNN (tanh), backprop through time by hand
import numpy as np

rng = np.random.default_rng(5)

T, n_seq, H = 15, 200, 16
rain = rng.exponential(1.0, size=(n_seq, T)) - 1.0
level = np.zeros(n_seq)
for t in range(T):
    level = 0.7 * level + 0.5 * rain[:, t]
target = level.reshape(-1, 1)


class RNN:
    def __init__(self, n_in, n_hidden):
        self.Wx = rng.normal(size=(n_in, n_hidden))
        self.Wh = rng.normal(size=(n_hidden, n_hidden))
        self.bh = np.zeros(n_hidden)
        self.Wy = rng.normal(size=(n_hidden, 1))
        self.by = np.zeros(1)

    def forward(self, seq):
        # seq: (batch, T)
        self.seq = seq
        self.hs = [np.zeros((seq.shape[0], self.Wh.shape[0]))]
        for t in range(seq.shape[1]):
            x_t = seq[:, t:t + 1]
            h = np.tanh(x_t @ self.Wx + self.hs[-1] @ self.Wh + self.bh)
            self.hs.append(h)
        return self.hs[-1] @ self.Wy + self.by

    def backward(self, dy):
        grads = {"Wx": np.zeros_like(self.Wx), "Wh": np.zeros_like(self.Wh),
                 "bh": np.zeros_like(self.bh)}
        grads["Wy"] = self.hs[-1].T @ dy
        grads["by"] = dy.sum(axis=0)
        dh = dy @ self.Wy.T
        for t in reversed(range(self.seq.shape[1])):
            h = self.hs[t + 1]
            da = dh * (1 - h * h)
            grads["Wx"] += self.seq[:, t:t + 1].T @ da
            grads["Wh"] += self.hs[t].T @ da
            grads["bh"] += da.sum(axis=0)
            dh = da @ self.Wh.T
        return grads


model = RNN(1, H)
lr = 0.05


def mse(pred):
    return np.mean((pred - target) ** 2)


print("first_loss=%.5f" % mse(model.forward(rain)))
for it in range(300):
    pred = model.forward(rain)
    g = model.backward(2 * (pred - target) / n_seq)
    for name in g:
        setattr(model, name, getattr(model, name) - lr * g[name])
    if it % 100 == 0:
        print("iter %d  mse %.5f" % (it, mse(pred)))

final = mse(model.forward(rain))
print("final_loss=%.5f" % final)
print("r2=%.4f" % (1 - final / np.var(target)))
