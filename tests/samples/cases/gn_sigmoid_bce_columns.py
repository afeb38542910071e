# Readmission classifier: one column per patient, sigmoid output scored with a log loss.
import numpy as np

rng = np.random.default_rng(11)
n_feat, n_pat = 4, 300
records = rng.normal(0.0, 1.0, size=(n_feat, n_pat)).astype(np.float32)
readmitted = (records[0] - 0.5 * records[2] + 0.3 * rng.normal(size=n_pat) > 0).astype(np.float32)[None, :]


class Scorer:
    def __init__(self):
        self.coef = (0.3 * rng.normal(size=(1, n_feat))).astype(np.float32)
        self.offset = np.full((1, 1), 1.5, dtype=np.float32)

    def forward(self, cols):
        return 1.0 / (1.0 + np.exp(-(self.coef @ cols + self.offset)))

    def fit(self, cols, labels, step=0.3, rounds=400):
        for r in range(rounds):
            prob = self.forward(cols)
            logloss = -np.mean(labels * np.log(prob) + (1 - labels) * np.log(1 - prob))
            g_out = (prob - labels) / n_pat
            self.coef -= step * (g_out @ cols.T)
            self.offset -= step * g_out.sum(axis=1, keepdims=True)
            if r % 50 == 0:
                print(r, "loss", logloss)
        return logloss


model = Scorer()
final = model.fit(records, readmitted)
print("final log loss", final)
