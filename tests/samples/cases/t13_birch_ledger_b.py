# pass / fail predictor for an online course
# inputs: fraction of videos watched, average quiz mark (0..1)
# tried to keep everything float32 like the tutorial said (saves memory on the real data)
import numpy as np

rng = np.random.default_rng(2024)

n = 1000
watched = rng.uniform(0.0, 1.0, n).astype(np.float32)
quiz = rng.uniform(0.0, 1.0, n).astype(np.float32)
# a student passes when the weighted mix is high enough
passed = ((0.9 * watched + 1.1 * quiz + rng.normal(0, 0.08, n)) > 1.25).astype(np.float32)
print("pass rate:", passed.mean())


def build_features(watched, quiz):
    return np.stack([np.ones_like(watched), watched, quiz], axis=1).astype(np.float32)


def make_classifier(n_features, lr, beta=0.9):
    w = np.zeros(n_features, dtype=np.float32)
    vel = np.zeros(n_features, dtype=np.float32)

    def prob(A):
        return 1.0 / (1.0 + np.exp(-(A @ w)))

    def loss(A, t):
        p = np.clip(prob(A), 1e-6, 1 - 1e-6)
        return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))

    def step(A, t):
        g = A.T @ (prob(A) - t) / np.float32(len(t))
        vel[:] = beta * vel + g
        w[:] = w - lr * vel

    def weights():
        return w.copy()

    return prob, loss, step, weights


A = build_features(watched, quiz)
print(A.dtype, A.shape)

prob, loss, step, weights = make_classifier(A.shape[1], lr=np.float32(0.5))

print(f"first_loss={loss(A, passed):.4f}")
batch = 50
for epoch in range(40):
    order = rng.permutation(n)
    for k in range(0, n, batch):
        sel = order[k:k + batch]
        step(A[sel], passed[sel])
    if epoch % 8 == 0:
        print(f"epoch {epoch}: loss={loss(A, passed):.4f}")

print("w =", weights(), weights().dtype)
print(f"final_loss={loss(A, passed):.4f}")
acc = np.mean((prob(A) > 0.5) == (passed == 1))
print(f"accuracy={acc:.3f}")
