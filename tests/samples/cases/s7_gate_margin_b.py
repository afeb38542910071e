# open the gate (+1) or not (-1) from two sensor levels; hinge loss
# data is stored one reading per column
import numpy as np

rng = np.random.default_rng(31)
levels = rng.uniform(1.0, 5.0, size=(2, 400)).astype(np.float32)
label = np.where(levels[0] + levels[1] > 6.0, 1.0, -1.0).astype(np.float32)


class Gate:
    def __init__(self):
        self.w = np.zeros((1, 2), np.float32)
        self.b = np.float32(0.0)

    def score(self, cols):
        return (self.w @ cols)[0] + self.b

    def hinge(self, cols, lab):
        return float(np.mean(np.maximum(0, 1 - lab * self.score(cols))))

    def update(self, cols, lab, eta):
        viol = (lab * self.score(cols) < 1).astype(np.float32)
        g_w = -((viol * lab) @ cols.T)[None, :] / cols.shape[1] + 0.001 * self.w
        g_b = -np.sum(viol * lab) / cols.shape[1]
        self.w -= eta * g_w
        self.b -= eta * g_b


gate = Gate()
print(f"first_loss={gate.hinge(levels, label):.4f}")
for it in range(500):
    gate.update(levels, label, np.float32(0.05))
    if it % 100 == 0:
        print(f"it={it} hinge={gate.hinge(levels, label):.4f}")
print(f"final_loss={gate.hinge(levels, label):.4f}")
print(f"accuracy={np.mean(np.sign(gate.score(levels)) == label):.3f}")
