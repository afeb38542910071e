# Linear SVM (hinge loss + L2) with parameters in a dataclass, minibatch subgradient descent; the loss levels off.
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Margin:
    normal: np.ndarray
    bias: float = 0.0
    reg: float = 0.01
    history: list = field(default_factory=list)

    def objective(self, pts, signs):
        slack = np.maximum(0.0, 1.0 - signs * (pts @ self.normal + self.bias))
        return slack.mean() + 0.5 * self.reg * float(self.normal @ self.normal)

    def descend(self, pts, signs, pace):
        active = signs * (pts @ self.normal + self.bias) < 1.0
        g_normal = -(signs[active, None] * pts[active]).sum(0) / len(signs) + self.reg * self.normal
        g_bias = -signs[active].sum() / len(signs)
        self.normal = self.normal - pace * g_normal
        self.bias = self.bias - pace * g_bias


gen = np.random.default_rng(2)
pts = np.vstack([gen.normal([1.0, 1.0], 1.0, (150, 2)), gen.normal([-1.0, -1.0], 1.0, (150, 2))])
signs = np.concatenate([np.ones(150), -np.ones(150)])
svm = Margin(normal=np.zeros(2))
for epoch in range(80):
    order = gen.permutation(300)
    for lo in range(0, 300, 50):
        pick = order[lo:lo + 50]
        svm.descend(pts[pick], signs[pick], pace=0.1)
    svm.history.append(svm.objective(pts, signs))
    if epoch % 20 == 0 or epoch == 79:
        acc = np.mean(np.sign(pts @ svm.normal + svm.bias) == signs)
        print(f"epoch {epoch} hinge objective {svm.history[-1]:.4f} accuracy {acc:.3f}")
