# linear SVM (hinge loss + L2) on two gaussian clouds, labels are -1/+1
import numpy as np

rng = np.random.default_rng(4)
pos = rng.normal(loc=[1.5, 1.0, 0.0, -0.5], size=(150, 4))
neg = rng.normal(loc=[-1.0, -1.5, 0.5, 0.5], size=(150, 4))
samples = np.vstack([pos, neg])
sign = np.concatenate([np.ones(150), -np.ones(150)])

weights = rng.normal(scale=0.01, size=4)
shift = np.zeros(1)
params = [weights, shift]
reg = 0.01
learn = 0.05


def objective(ws, sh):
    margins = sign * (samples @ ws + sh)
    return np.mean(np.maximum(0.0, 1.0 - margins)) + 0.5 * reg * ws @ ws


print(f"first_loss={objective(weights, shift[0]):.4f}")
for epoch in range(60):
    perm = rng.permutation(300)
    for lo in range(0, 300, 50):
        part = perm[lo:lo + 50]
        margins = sign[part] * (samples[part] @ weights + shift)
        active = (margins < 1.0).astype(float)
        g_w = -(active * sign[part]) @ samples[part] / len(part) + reg * weights
        g_b = np.array([-np.sum(active * sign[part]) / len(part)])
        for p, g in zip(params, [g_w, g_b]):
            p = p - learn * g
    if epoch % 20 == 0:
        print(f"epoch={epoch} hinge={objective(weights, shift[0]):.4f}")

print(f"final_loss={objective(weights, shift[0]):.4f}")
print(f"accuracy={np.mean(np.sign(samples @ weights + shift) == sign):.3f}")
