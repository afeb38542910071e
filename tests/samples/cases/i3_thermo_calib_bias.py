# Calibrating a cheap thermometer against a reference: the reference reading is a linear function of the raw
# reading and the case temperature. Fitted sample by sample; the model is a function of a weight vector.
# Run: python i3_thermo_calib_bias.py
import numpy as np

src = np.random.RandomState(44)
raw = src.uniform(-1.5, 1.5, (180, 2))
reference = 1.8 * raw[:, 0] + 0.4 * raw[:, 1] + 3.2 + src.normal(0, 0.05, 180)


def predict(vec, sample):
    return sample @ vec[:2] + vec[2]


vec = np.zeros(3)
for rnd in range(25):
    sq = 0.0
    for n in src.permutation(180):
        miss = predict(vec, raw[n]) - reference[n]
        vec = vec - 0.02 * miss * np.append(raw[n], 1.0)
        sq += miss * miss
    if rnd % 5 == 0 or rnd == 24:
        print(f"round {rnd:2d}  mse {sq / 180:.4f}")
