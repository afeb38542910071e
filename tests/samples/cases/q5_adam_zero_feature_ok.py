# Float32 regression with features in rows (features x samples), a padding row of zeros, Adam with decoupled weight decay.
import numpy as np

gen = np.random.default_rng(11)
readings = gen.normal(0.0, 1.0, (5, 200)).astype(np.float32)
readings[4] = 0.0  # a channel that is always padded
level = (np.tanh(readings[:2].sum(0, keepdims=True)) + 0.3 * readings[2:3]).astype(np.float32)

net = {"in": (gen.normal(0.0, 0.4, (8, 5))).astype(np.float32), "in_b": np.zeros((8, 1), np.float32),
       "out": (gen.normal(0.0, 0.4, (1, 8))).astype(np.float32), "out_b": np.zeros((1, 1), np.float32)}
first = {k: np.zeros_like(v) for k, v in net.items()}
second = {k: np.zeros_like(v) for k, v in net.items()}
rate, beta1, beta2, decay = np.float32(0.01), np.float32(0.9), np.float32(0.999), np.float32(1e-4)
for tick in range(1, 601):
    hidden = np.tanh(net["in"] @ readings + net["in_b"])
    guess = net["out"] @ hidden + net["out_b"]
    miss = guess - level
    cost = float(np.mean(miss ** 2))
    g_guess = 2.0 * miss / readings.shape[1]
    g_hidden = (net["out"].T @ g_guess) * (1.0 - hidden ** 2)
    grads = {"out": g_guess @ hidden.T, "out_b": g_guess.sum(1, keepdims=True),
             "in": g_hidden @ readings.T, "in_b": g_hidden.sum(1, keepdims=True)}
    for key in net:
        first[key] = beta1 * first[key] + (1 - beta1) * grads[key]
        second[key] = beta2 * second[key] + (1 - beta2) * grads[key] ** 2
        m_hat = first[key] / (1 - beta1 ** tick)
        v_hat = second[key] / (1 - beta2 ** tick)
        net[key] = net[key] - rate * (m_hat / (np.sqrt(v_hat) + 1e-7) + decay * net[key])
    if tick % 100 == 0 or tick == 1:
        print(f"tick {tick} mse {cost:.5f}")
