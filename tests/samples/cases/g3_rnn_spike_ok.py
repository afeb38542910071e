# Recurrent cell in a class reads a whole signal and reports its drift at the end; sequences run as one batch.
import numpy as np

gen = np.random.default_rng(30)
span, width, batch = 40, 8, 32
signal = gen.normal(0.0, 1.0, (batch, span))
drift = signal[:, -8:].mean(axis=1)


class Cell:
    def __init__(self):
        self.inp = gen.normal(0.0, 0.5, width)
        self.loop = np.eye(width) * 0.9 + gen.normal(0.0, 0.02, (width, width))
        self.read = gen.normal(0.0, 0.3, width)

    def unroll(self):
        states = [np.zeros((batch, width))]
        for k in range(span):
            states.append(states[-1] @ self.loop + np.outer(signal[:, k], self.inp))
        return states

    def train_step(self, pace):
        states = self.unroll()
        miss = states[-1] @ self.read - drift
        cost = float(np.mean(miss ** 2))
        d_read = states[-1].T @ miss / batch
        carry = np.outer(miss, self.read) / batch
        d_inp = np.zeros(width)
        d_loop = np.zeros((width, width))
        for k in range(span, 0, -1):
            d_inp += carry.T @ signal[:, k - 1]
            d_loop += states[k - 1].T @ carry
            carry = carry @ self.loop.T
        self.read -= pace * d_read
        self.inp -= pace * d_inp
        self.loop -= pace * d_loop
        return cost


cell = Cell()
for epoch in range(200):
    cost = cell.train_step(0.01)
    if epoch % 40 == 0 or epoch == 199:
        print(f"epoch {epoch} mse {cost:.5g}")
