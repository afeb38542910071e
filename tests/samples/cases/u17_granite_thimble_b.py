# Logistic regression on two 40-dimensional gaussian clouds with a hand-written Adam optimizer
import numpy as np

rng = np.random.default_rng(21)

n = 500
d = 40
direction = rng.normal(0, 0.3, d)
centers = np.array([direction, -direction])
X = np.vstack([rng.normal(centers[0], 1.0, (n // 2, d)),
               rng.normal(centers[1], 1.0, (n // 2, d))])
y = np.concatenate([np.ones(n // 2), np.zeros(n // 2)])
perm = rng.permutation(n)
X, y = X[perm], y[perm]

mu, sd = X.mean(axis=0), X.std(axis=0)
X = (X - mu) / sd
X_train, y_train = X[:400], y[:400]
X_test, y_test = X[400:], y[400:]

w = np.zeros(d)
b = 0.0

lr = 0.1
beta1, beta2, eps = 0.9, 0.999, 1e-8
m_w, v_w = np.zeros(d), np.zeros(d)
m_b, v_b = 0.0, 0.0

losses = []
for step in range(1, 801):
    z = X_train @ w + b
    p = 1.0 / (1.0 + np.exp(-z))
    loss = np.mean(np.logaddexp(0.0, z) - y_train * z)
    losses.append(loss)

    err = p - y_train
    gw = X_train.T @ err / len(y_train)
    gb = err.mean()

    m_w = beta1 * m_w + (1 - beta1) * gw
    v_w = beta2 * v_w + (1 - beta2) * gw ** 2
    m_b = beta1 * m_b + (1 - beta1) * gb
    v_b = beta2 * v_b + (1 - beta2) * gb ** 2
    mw_hat = m_w / (1 - beta1 ** step)
    vw_hat = v_w / (1 - beta2 ** step)
    mb_hat = m_b / (1 - beta1 ** step)
    vb_hat = v_b / (1 - beta2 ** step)
    w -= lr * mw_hat / (np.sqrt(vw_hat) + eps)
    b -= lr * mb_hat / (np.sqrt(vb_hat) + eps)

    if step % 100 == 0:
        print(f"step {step} loss {loss:.5f} |w| {np.linalg.norm(w):.2f}")

test_pred = (X_test @ w + b) > 0
accuracy = np.mean(test_pred == (y_test == 1))
print("first weights", np.round(w[:5], 2), "bias", round(b, 2))
print(f"first_loss={losses[0]:.4f}")
print(f"final_loss={losses[-1]:.4f}")
print(f"accuracy={accuracy:.4f}")
