# ring vs centre classifier, small layer classes with momentum
import numpy as np

rng = np.random.default_rng(11)
n_pts = 300
angle = rng.uniform(0, 2 * np.pi, n_pts)
radius = np.where(np.arange(n_pts) % 2 == 0, rng.uniform(0.0, 1.0, n_pts), rng.uniform(1.6, 2.4, n_pts))
points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
labels = (np.arange(n_pts) % 2).astype(float).reshape(-1, 1)


class Dense:
    def __init__(self, n_in, n_out):
        self.W = np.full((n_in, n_out), 0.1)  # start all weights at the same small value
        self.b = np.zeros(n_out)
        self.vel_W = np.zeros_like(self.W)
        self.vel_b = np.zeros_like(self.b)

    def forward(self, inp):
        self.inp = inp
        return inp @ self.W + self.b

    def backward(self, grad_out):
        self.gW = self.inp.T @ grad_out
        self.gb = grad_out.sum(axis=0)
        return grad_out @ self.W.T

    def step(self, rate, mom=0.9):
        self.vel_W = mom * self.vel_W - rate * self.gW
        self.vel_b = mom * self.vel_b - rate * self.gb
        self.W += self.vel_W
        self.b += self.vel_b


hidden = Dense(2, 10)
head = Dense(10, 1)
rate = 0.05

for epoch in range(300):
    h = np.tanh(hidden.forward(points))
    p = 1 / (1 + np.exp(-head.forward(h)))
    bce = -np.mean(labels * np.log(p + 1e-9) + (1 - labels) * np.log(1 - p + 1e-9))
    if epoch == 0:
        print(f"first_loss={bce:.4f}")
    g = (p - labels) / n_pts
    gh = head.backward(g)
    hidden.backward(gh * (1 - h ** 2))
    head.step(rate)
    hidden.step(rate)
    if epoch % 50 == 0:
        print(f"epoch={epoch} bce={bce:.4f}")

print(f"final_loss={bce:.4f}")
print(f"accuracy={np.mean((p > 0.5) == (labels > 0.5)):.3f}")
