# Straight-line fit to very noisy readings: the loss falls fast, then stays at the noise level.
import numpy as np


def readings(n, seed):
    gen = np.random.default_rng(seed)
    volts = gen.uniform(0.0, 10.0, n)
    amps = 0.8 * volts + 2.0 + gen.normal(0.0, 3.0, n)
    return volts, amps


def train(volts, amps, speed, rounds):
    centre, spread = volts.mean(), volts.std()
    scaled = (volts - centre) / spread
    gain, shift = 0.0, 0.0
    history = []
    for r in range(rounds):
        guess = gain * scaled + shift
        gap = guess - amps
        history.append(np.mean(gap ** 2))
        gain -= speed * np.mean(gap * scaled)
        shift -= speed * np.mean(gap)
    return gain / spread, shift - gain * centre / spread, history


volts, amps = readings(300, 9)
gain, shift, history = train(volts, amps, 4.0, 500)
for r in (0, 10, 50, 100, 250, 499):
    print(f"round {r} mse {history[r]:.3f}")
print(f"gain {gain:.3f} shift {shift:.3f}")
