# Denoising autoencoder with its parameters in a closure, trained with Adam on the full batch.
import numpy as np

# denoising autoencoder: 10-d readings that really live on a 2-d surface
# encoder 10 -> 6 -> 2 (tanh), decoder 2 -> 10 (linear), adam, full batch
rng = np.random.default_rng(42)

n, d, k = 256, 10, 2
codes = rng.uniform(-1, 1, size=(n, k))
mix = rng.normal(size=(k, d))
data = np.tanh(codes @ mix) + 0.02 * rng.normal(size=(n, d))
data = (data - data.mean(axis=0)) / data.std(axis=0)


def add_noise(batch, level=0.3):
    batch += level * rng.normal(size=batch.shape)
    return batch


def make_autoencoder(sizes, lr=0.01, b1=0.9, b2=0.999, eps=1e-8):
    params = {}
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        params[f"W{i}"] = rng.normal(0, np.sqrt(1.0 / a), size=(a, b))
        params[f"c{i}"] = np.zeros(b)
    m = {key: np.zeros_like(v) for key, v in params.items()}
    v = {key: np.zeros_like(val) for key, val in params.items()}
    steps = [0]
    nl = len(sizes) - 1

    def run(x):
        outs = [x]
        for i in range(nl):
            z = outs[-1] @ params[f"W{i}"] + params[f"c{i}"]
            outs.append(np.tanh(z) if i < nl - 1 else z)
        return outs

    def loss(x_in, target):
        return float(np.mean((run(x_in)[-1] - target) ** 2))

    def step(x_in, target):
        outs = run(x_in)
        g = 2 * (outs[-1] - target) / target.size
        grads = {}
        for i in reversed(range(nl)):
            grads[f"W{i}"] = outs[i].T @ g
            grads[f"c{i}"] = g.sum(axis=0)
            if i > 0:
                g = (g @ params[f"W{i}"].T) * (1 - outs[i] ** 2)
        steps[0] += 1
        t = steps[0]
        for key in params:
            m[key] = b1 * m[key] + (1 - b1) * grads[key]
            v[key] = b2 * v[key] + (1 - b2) * grads[key] ** 2
            mh = m[key] / (1 - b1 ** t)
            vh = v[key] / (1 - b2 ** t)
            params[key] -= lr * mh / (np.sqrt(vh) + eps)
        return float(np.mean((outs[-1] - target) ** 2))

    return run, loss, step


run, loss, step = make_autoencoder([d, 6, k, 6, d], lr=0.01)
print(f"first_loss={loss(data, data):.4f}")

for epoch in range(500):
    noisy = add_noise(data)
    train_mse = step(noisy, data)
    if epoch % 100 == 0:
        print(f"epoch {epoch}  train mse {train_mse:.4f}  clean recon {loss(data, data):.4f}")

final = loss(data, data)
print(f"final_loss={final:.4f}")
print(f"r2={1 - final / np.mean((data - data.mean(axis=0)) ** 2):.4f}")
