# Memorise the four XOR points with a 2-4-1 tanh/sigmoid net; the loss is a closure over the data.
import numpy as np

corners = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
parity = np.array([[0.0], [1.0], [1.0], [0.0]])


def make_objective(data, goal):
    def objective(first, first_b, second, second_b):
        hid = np.tanh(data @ first + first_b)
        out = 1.0 / (1.0 + np.exp(-(hid @ second + second_b)))
        return hid, out, float(np.mean((out - goal) ** 2))
    return objective


objective = make_objective(corners, parity)
seed = np.random.default_rng(0)
first = seed.uniform(-1.0, 1.0, (2, 4))
first_b = np.zeros(4)
second = seed.uniform(-1.0, 1.0, (4, 1))
second_b = np.zeros(1)
for sweep in range(4000):
    hid, out, loss = objective(first, first_b, second, second_b)
    d_out = 2.0 * (out - parity) / 4.0 * out * (1.0 - out)
    d_hid = (d_out @ second.T) * (1.0 - hid ** 2)
    second -= 2.0 * hid.T @ d_out
    second_b -= 2.0 * d_out.sum(0)
    first -= 2.0 * corners.T @ d_hid
    first_b -= 2.0 * d_hid.sum(0)
    if sweep % 800 == 0 or sweep == 3999:
        print(f"sweep {sweep} loss {loss:.5f} outputs {np.round(out.ravel(), 3)}")
