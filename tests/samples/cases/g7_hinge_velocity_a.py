# Linear SVM trained with momentum. Data stored with one sample per column.
import numpy as np


class MarginModel:
    def __init__(self, n_feat, rate=0.1, mu=0.8, reg=1e-3):
        self.coef = np.zeros(n_feat)
        self.bias = 0.0
        self.rate, self.mu, self.reg = rate, mu, reg
        self.v_coef = np.zeros(n_feat)
        self.v_bias = 0.0

    def decision(self, cols):
        return self.coef @ cols + self.bias

    def objective(self, cols, signs):
        slack = np.maximum(0.0, 1.0 - signs * self.decision(cols))
        return float(slack.mean() + 0.5 * self.reg * self.coef @ self.coef)

    def update(self, cols, signs):
        active = signs * self.decision(cols) < 1.0
        n = cols.shape[1]
        g_coef = (cols[:, active] @ signs[active]) / n + self.reg * self.coef
        g_bias = signs[active].sum() / n
        self.v_coef = self.mu * self.v_coef - self.rate * g_coef
        self.v_bias = self.mu * self.v_bias - self.rate * g_bias
        self.coef = self.coef + self.v_coef
        self.bias = self.bias + self.v_bias


rng = np.random.default_rng(17)
n = 400
signs = np.where(rng.random(n) < 0.5, -1.0, 1.0)
cols = rng.normal(0, 1, (4, n)) + 1.2 * np.outer([1.0, -0.5, 0.8, 0.0], signs)

model = MarginModel(4)
print(f"first_loss={model.objective(cols, signs):.6f}")
for rnd in range(150):
    model.update(cols, signs)
    if rnd % 30 == 0:
        print(f"round={rnd} hinge={model.objective(cols, signs):.6f}")
print(f"final_loss={model.objective(cols, signs):.6f}")
print(f"accuracy={float(np.mean(np.sign(model.decision(cols)) == signs)):.4f}")
