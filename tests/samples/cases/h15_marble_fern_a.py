# predict exam score (0-100) from hours studied, hours slept and attendance
# one hidden layer (tanh), sigmoid on the output, plain SGD one student at a time
import numpy as np

rs = np.random.RandomState(42)

n_students = 160
hours = rs.uniform(0, 10, n_students)
sleep = rs.uniform(4, 9, n_students)
attendance = rs.uniform(0.4, 1.0, n_students)
scores = 20 + 5 * hours + 4 * (sleep - 4) + 25 * (attendance - 0.4) + rs.normal(0, 3, n_students)
scores = np.clip(scores, 0, 100)

inputs = np.column_stack([hours, sleep, attendance])
inputs = (inputs - inputs.mean(axis=0)) / inputs.std(axis=0)
targets = scores

params = {
    "W1": rs.randn(3, 8) * 0.5,
    "b1": np.zeros(8),
    "W2": rs.randn(8) * 0.5,
    "b2": 0.0,
}


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(x, p):
    h = np.tanh(x @ p["W1"] + p["b1"])
    out = sigmoid(h @ p["W2"] + p["b2"])
    return h, out


def total_loss(p):
    errs = [(forward(inputs[i], p)[1] - targets[i]) ** 2 for i in range(n_students)]
    return float(np.mean(errs))


lr = 0.1
print("first_loss=", round(total_loss(params), 6), sep="")

for epoch in range(60):
    for i in range(n_students):
        x, t = inputs[i], targets[i]
        h, out = forward(x, params)
        d_out = 2 * (out - t) * out * (1 - out)
        d_h = d_out * params["W2"] * (1 - h ** 2)
        params["W2"] -= lr * d_out * h
        params["b2"] -= lr * d_out
        params["W1"] -= lr * np.outer(x, d_h)
        params["b1"] -= lr * d_h
    if epoch % 10 == 0:
        print("epoch", epoch, "loss", round(total_loss(params), 6))

print("final_loss=", round(total_loss(params), 6), sep="")
preds = np.array([forward(inputs[i], params)[1] for i in range(n_students)])
r2 = 1 - np.sum((preds - targets) ** 2) / np.sum((targets - targets.mean()) ** 2)
print("r2=", round(float(r2), 4), sep="")
