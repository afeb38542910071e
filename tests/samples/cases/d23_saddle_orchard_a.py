# Logistic regression predicting exam pass/fail from study hours, sleep and practice tests
import argparse
import numpy as np


def simulate(n, rng):
    hours = rng.gamma(4.0, 2.5, n)
    sleep = rng.normal(7.0, 1.2, n)
    practice = rng.poisson(3, n).astype(float)
    logit = 0.9 * (hours - 10) + 2.0 * (sleep - 7) + 1.2 * (practice - 3) + 0.5
    passed = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(float)
    return np.column_stack([hours, sleep, practice]), passed


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=800)
    ap.add_argument("--lr", type=float, default=0.2)
    ap.add_argument("--epochs", type=int, default=500)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()

    rng = np.random.default_rng(args.seed)
    X_raw, y = simulate(args.n, rng)

    # scale the features and add a column of ones for the intercept
    X = (X_raw - X_raw.mean(axis=0)) / X_raw.std(axis=0)
    X = np.hstack([X, np.ones((len(X), 1))])

    split = int(0.75 * args.n)
    Xtr, ytr = X[:split], y[:split]
    Xte, yte = X[split:], y[split:]

    w = np.zeros(X.shape[1])
    eps = 1e-12
    first_loss = None
    for epoch in range(args.epochs):
        p = sigmoid(Xtr @ w)
        loss = -np.mean(ytr * np.log(p + eps) + (1 - ytr) * np.log(1 - p + eps))
        if first_loss is None:
            first_loss = loss
        grad = Xtr.T @ (p - ytr) / len(ytr)
        w -= args.lr * grad
        if epoch % 100 == 0:
            print(f"epoch {epoch} loss {loss:.4f}")

    p = sigmoid(Xtr @ w)
    final = -np.mean(ytr * np.log(p + eps) + (1 - ytr) * np.log(1 - p + eps))
    acc = np.mean((sigmoid(Xte @ w) > 0.5) == (yte == 1))
    print(f"first_loss={first_loss:.6f}")
    print(f"final_loss={final:.6f}")
    print(f"accuracy={acc:.4f}")
    print("weights=" + " ".join(f"{v:.3f}" for v in w))


if __name__ == "__main__":
    main()
