# Learn a 9-tap smoothing filter that cleans noisy sine-like signals, convolution written out by hand
import numpy as np

rng = np.random.default_rng(33)

n_sig, L = 120, 200
t = np.linspace(0, 1, L)
freqs = rng.uniform(1, 4, (n_sig, 1))
phase = rng.uniform(0, 2 * np.pi, (n_sig, 1))
amp = rng.uniform(0.5, 2.0, (n_sig, 1))
clean = amp * np.sin(2 * np.pi * freqs * t + phase)
noisy = clean + rng.normal(0, 0.5, clean.shape)

train_x, test_x = noisy[:80], noisy[80:]
train_c, test_c = clean[:80], clean[80:]

K = 9
L_out = L - K + 1
half = K // 2


def conv1d(x, w, b):
    # valid convolution, each output looks at x[:, i:i+K]
    out = np.full((x.shape[0], L_out), b)
    for k in range(K):
        out += w[k] * x[:, k:k + L_out]
    return out


w = rng.normal(0, 0.1, K)
b = 0.0
target = train_c[:, half:half + L_out]

lr = 0.05
first_loss = None
for step in range(800):
    out = conv1d(train_x, w, b)
    err = target - out
    loss = np.mean(err ** 2)
    if first_loss is None:
        first_loss = loss
    gw = np.zeros(K)
    for k in range(K):
        gw[k] = 2 * np.mean(err * train_x[:, k:k + L_out])
    gb = 2 * np.mean(err)
    w -= lr * gw
    b -= lr * gb
    if step % 100 == 0:
        print(f"step {step} mse {loss:.5g}")

test_out = conv1d(test_x, w, b)
test_target = test_c[:, half:half + L_out]
test_mse = np.mean((test_out - test_target) ** 2)
raw_mse = np.mean((test_x[:, half:half + L_out] - test_target) ** 2)
r2 = 1 - test_mse / np.var(test_target)
print("taps", np.round(w, 3))
print(f"first_loss={first_loss:.5g}")
print(f"final_loss={loss:.5g}")
print(f"test_mse={test_mse:.5g} (noisy input {raw_mse:.5f})")
print(f"r2={r2:.4g}")
