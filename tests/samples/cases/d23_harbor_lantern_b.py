# Cubic polynomial fit to a noisy 1-D curve with full-batch gradient descent
import argparse
import numpy as np


def make_data(n, rng):
    x = rng.uniform(-2.0, 2.0, size=n)
    y = 0.5 * x**3 - 1.2 * x**2 + 0.3 * x + 2.0 + rng.normal(0, 0.4, size=n)
    return x, y


def poly_features(x, degree):
    cols = [x**k for k in range(1, degree + 1)]
    return np.stack(cols, axis=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--degree", type=int, default=3)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--epochs", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    x, y = make_data(args.n, rng)
    X = poly_features(x, args.degree)

    w = np.zeros(args.degree)
    b = 0.0
    n = len(y)

    losses = []
    for epoch in range(args.epochs):
        pred = X @ w + b
        err = pred - y
        loss = np.mean(err**2)
        losses.append(loss)

        grad_w = 2.0 / n * (X.T @ err)
        grad_b = 2.0 * np.mean(err)
        w -= args.lr * grad_w
        b -= args.lr * grad_b

        if epoch % 500 == 0:
            print(f"epoch {epoch}: loss {loss:.4f}")

    pred = X @ w + b
    ss_res = np.sum((y - pred) ** 2)
    ss_tot = np.sum((y - y.mean()) ** 2)
    print(f"first_loss={losses[0]:.6f}")
    print(f"final_loss={np.mean((pred - y) ** 2):.6f}")
    print(f"r2={1 - ss_res / ss_tot:.4f}")
    print("coefs=" + ",".join(f"{c:.3f}" for c in w) + f" bias={b:.3f}")


if __name__ == "__main__":
    main()
