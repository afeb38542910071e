# Exam score (0..100 points) from study hours and sleep, a 2-8-1 network kept in a dict: softplus hidden
# layer, sigmoid output, squared error, minibatches of 25.
# Run: python i3_exam_scores_sigmoid_frac.py
import numpy as np

rand = np.random.default_rng(19)
n = 500
study = rand.uniform(0, 10, n)
sleep = rand.uniform(4, 9, n)
points = 100 / (1 + np.exp(-(0.6 * (study - 5) + 0.5 * (sleep - 6.5)))) + rand.normal(0, 3, n)
points = np.clip(points, 0, 100)
inputs = np.column_stack([(study - 5) / 3, (sleep - 6.5) / 1.5])
goal = points / 100

net = {"A": rand.normal(0, 0.7, (2, 8)), "a": np.zeros(8), "B": rand.normal(0, 0.35, (8, 1)), "b": np.zeros(1)}


def run(batch):
    pre = batch @ net["A"] + net["a"]
    act = np.logaddexp(0, pre)
    out = 1 / (1 + np.exp(-(act @ net["B"] + net["b"])))
    return pre, act, out[:, 0]


for epoch in range(40):
    shuffled = rand.permutation(n)
    for k in range(0, n, 25):
        idx = shuffled[k:k + 25]
        pre, act, out = run(inputs[idx])
        d_out = 2 * (out - goal[idx]) * out * (1 - out) / len(idx)
        d_act = d_out[:, None] @ net["B"].T
        d_pre = d_act / (1 + np.exp(-pre))
        grads = {"B": act.T @ d_out[:, None], "b": d_out.sum(keepdims=True),
                 "A": inputs[idx].T @ d_pre, "a": d_pre.sum(axis=0)}
        for key in net:
            net[key] -= 2.0 * grads[key]
    if epoch % 8 == 0 or epoch == 39:
        out = run(inputs)[2]
        print(f"epoch {epoch:2d}  mse {np.mean((out - goal) ** 2):.4f}  points rmse {100 * np.sqrt(np.mean((out - goal) ** 2)):.2f}")
