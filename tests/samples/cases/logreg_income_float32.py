# Logistic regression in float32: does a customer buy, given (standardized) income
# and age? Income is log-normally distributed. Plain functions, full-batch
# gradient descent on the cross-entropy, loss printed every 100 epochs.
# Run: python logreg_income_float32.py
import numpy as np


def load_customers(n=300, seed=3):
    rng = np.random.RandomState(seed)
    income = rng.lognormal(0.0, 1.5, n)
    age = rng.randn(n)
    logit = 3 * np.log(income) + 0.5 * age
    bought = (rng.rand(n) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    X = np.column_stack([income, age])
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X.astype(np.float32), bought


def predict_proba(X, w, b):
    z = np.dot(X, w) + b
    return np.exp(z) / (1 + np.exp(z))


def cross_entropy(p, y):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


def gradient_step(X, y, w, b, lr):
    p = predict_proba(X, w, b)
    err = p - y
    grad_w = np.dot(X.T, err) / len(y)
    grad_b = np.mean(err)
    return w - lr * grad_w, b - lr * grad_b, p


def main():
    X, y = load_customers()
    w = np.zeros(X.shape[1], dtype=np.float32)
    b = np.float32(0.0)
    lr = np.float32(0.5)
    for epoch in range(2000):
        w, b, p = gradient_step(X, y, w, b, lr)
        if epoch % 100 == 0:
            print("epoch %d  loss %.5f  acc %.3f" % (epoch, cross_entropy(p, y), np.mean((p > 0.5) == y)))
    p = predict_proba(X, w, b)
    print("w", w, "b", b)
    print("final loss", cross_entropy(p, y), "accuracy", np.mean((p > 0.5) == y))


if __name__ == "__main__":
    main()
