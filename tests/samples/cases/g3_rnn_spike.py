# Recurrent cell in a class predicts the running total of a signal at every step; sequences processed as a batch.
import numpy as np

gen = np.random.default_rng(30)
span, width, batch = 40, 8, 32
signal = gen.normal(0.0, 1.0, (batch, span))
running = np.cumsum(signal, axis=1) / np.sqrt(np.arange(1, span + 1))


class Cell:
    def __init__(self):
        self.inp = gen.normal(0.0, 0.5, width)
        self.loop = np.eye(width) * 1.02 + gen.normal(0.0, 0.02, (width, width))
        self.read = gen.normal(0.0, 0.3, width)

    def unroll(self):
        states = [np.zeros((batch, width))]
        for k in range(span):
            states.append(states[-1] @ self.loop + np.outer(signal[:, k], self.inp))
        return states

    def train_step(self, pace):
        states = self.unroll()
        preds = np.stack([s @ self.read for s in states[1:]], axis=1)
        miss = preds - running
        cost = float(np.mean(miss ** 2))
        d_read = np.zeros(width)
        d_inp = np.zeros(width)
        d_loop = np.zeros((width, width))
        carry = np.zeros((batch, width))
        for k in range(span, 0, -1):
            d_read += states[k].T @ miss[:, k - 1] / (batch * span)
            carry = carry + np.outer(miss[:, k - 1], self.read) / (batch * span)
            d_inp += carry.T @ signal[:, k - 1]
            d_loop += states[k - 1].T @ carry
            carry = carry @ self.loop.T
        self.read -= pace * d_read
        self.inp -= pace * d_inp
        self.loop -= pace * d_loop
        return cost


cell = Cell()
for epoch in range(150):
    cost = cell.train_step(0.01)
    if epoch % 25 == 0 or epoch == 149:
        print(f"epoch {epoch} mse {cost:.5g}")
