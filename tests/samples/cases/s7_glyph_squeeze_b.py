# tiny autoencoder: 12-pixel glyphs squeezed through 4 tanh units and back
import numpy as np

rng = np.random.default_rng(5)
protos = rng.choice([0.0, 1.0], size=(4, 12))
pick = rng.integers(0, 4, size=200)
glyphs = np.clip(protos[pick] + 0.1 * rng.normal(size=(200, 12)), 0, 1)


class Layer:
    def __init__(self, n_in, n_out, squash):
        self.kernel = rng.normal(0, 1 / np.sqrt(n_in), (n_in, n_out))
        self.offset = np.zeros(n_out)
        self.squash = squash

    def forward(self, inp):
        self.inp = inp
        self.out = inp @ self.kernel + self.offset
        if self.squash:
            self.out = np.tanh(self.out)
        return self.out

    def backward(self, grad_out):
        if self.squash:
            grad_out = grad_out * (1 - self.out ** 2)
        self.d_kernel = self.inp.T @ grad_out
        self.d_offset = grad_out.sum(axis=0)
        return grad_out @ self.kernel.T

    def step(self, speed):
        self.kernel -= speed * self.d_kernel
        self.offset -= speed * self.d_offset


stack = [Layer(12, 4, True), Layer(4, 12, False)]
speed = 0.00001

def recon(batch):
    h = batch
    for layer in stack:
        h = layer.forward(h)
    return h


err0 = np.mean((recon(glyphs) - glyphs) ** 2)
print(f"first_loss={err0:.4f}")
for rnd in range(400):
    back = 2 * (recon(glyphs) - glyphs) / glyphs.size
    for layer in reversed(stack):
        back = layer.backward(back)
    for layer in stack:
        layer.step(speed)
    if rnd % 100 == 0:
        print(f"round={rnd} err={np.mean((recon(glyphs) - glyphs) ** 2):.4f}")

final = np.mean((recon(glyphs) - glyphs) ** 2)
print(f"final_loss={final:.4f}")
print(f"explained={1 - final / np.var(glyphs):.3f}")
