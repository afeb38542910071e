import math
import random

random.seed(5)

data = [([0.0, 0.0], 0.0), ([0.0, 1.0], 1.0), ([1.0, 0.0], 1.0), ([1.0, 1.0], 0.0)]
n_hidden = 3

# weights[j][i]: input i -> hidden j ; out_w[j]: hidden j -> output
hidden_w = [[random.uniform(-1, 1) for _ in range(2)] for _ in range(n_hidden)]
hidden_b = [0.0 for _ in range(n_hidden)]
out_w = [random.uniform(-1, 1) for _ in range(n_hidden)]
out_b = 0.0
rate = 0.5


def sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def forward(x):
    h = [sigmoid(sum(hidden_w[j][i] * x[i] for i in range(2)) + hidden_b[j]) for j in range(n_hidden)]
    o = sigmoid(sum(out_w[j] * h[j] for j in range(n_hidden)) + out_b)
    return h, o


def epoch_loss():
    return sum((forward(x)[1] - t) ** 2 for x, t in data) / len(data)


first = epoch_loss()
for epoch in range(4000):
    for x, t in data:
        h, o = forward(x)
        delta_o = (o - t) * o * (1 - o)
        delta_h = [delta_o * out_w[j] * h[j] * (1 - h[j]) for j in range(n_hidden)]
        for j in range(n_hidden):
            out_w[j] -= rate * delta_o * h[j]
            for i in range(2):
                hidden_w[j][i] -= rate * delta_h[j] * x[i]
            hidden_b[j] -= rate * delta_h[j]
        out_b -= rate * delta_o

correct = sum(1 for x, t in data if (forward(x)[1] > 0.5) == (t > 0.5))
print("hidden weights", [[round(v, 3) for v in row] for row in hidden_w])
print(f"first_loss={first}")
print(f"final_loss={epoch_loss()}")
print(f"accuracy={correct / len(data)}")
