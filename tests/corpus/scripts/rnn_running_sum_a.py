import numpy as np

# a vanilla RNN reads a sequence of numbers and should output their mean at the end
rng = np.random.default_rng(12)
T, n_h = 30, 16
params = {
    "Wxh": rng.normal(0, 0.5, (n_h, 1)),
    "Whh": rng.normal(0, 1.0, (n_h, n_h)),
    "Why": rng.normal(0, 0.1, (1, n_h)),
    "bh": np.zeros((n_h, 1)),
    "by": np.zeros((1, 1)),
}


def sample_sequence():
    xs = rng.uniform(-1, 1, T)
    return xs, xs.mean()


def loss_and_grads(xs, target):
    hs = {-1: np.zeros((n_h, 1))}
    for t in range(T):
        hs[t] = np.tanh(params["Wxh"] * xs[t] + params["Whh"] @ hs[t - 1] + params["bh"])
    y = params["Why"] @ hs[T - 1] + params["by"]
    loss = 0.5 * ((y - target) ** 2).item()
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dy = y - target
    grads["Why"] = dy @ hs[T - 1].T
    grads["by"] = dy
    dh = params["Why"].T @ dy
    for t in reversed(range(T)):
        draw = (1 - hs[t] ** 2) * dh
        grads["Wxh"] += draw * xs[t]
        grads["Whh"] += draw @ hs[t - 1].T
        grads["bh"] += draw
        dh = params["Whh"].T @ draw
    return loss, grads


learning_rate = 0.2
losses = []
for it in range(1500):
    xs, target = sample_sequence()
    loss, grads = loss_and_grads(xs, target)
    for k in params:
        params[k] -= learning_rate * grads[k]
    losses.append(loss)

print(f"first_loss={np.mean(losses[:100])}")
print(f"final_loss={np.mean(losses[-100:])}")
