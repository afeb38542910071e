# Poisson regression with a log link for photon counts recorded by a detector array.
# Each count is modelled from four standardized operating conditions; the mean deviance
# is minimised by steepest descent in single precision until its relative change is small.
import numpy as np

F32 = np.float32


def simulate(n, rng):
    cond = rng.normal(size=(n, 4)).astype(F32)
    X = np.hstack([np.ones((n, 1), dtype=F32), cond])
    beta_true = np.array([1.1, 0.4, -0.3, 0.25, 0.0], dtype=F32)
    counts = rng.poisson(np.exp(X @ beta_true)).astype(F32)
    return X, counts


def deviance_and_gradient(beta, X, y):
    eta = X @ beta
    mu = np.exp(eta)
    # y*log(y/mu) with the convention 0*log(0) = 0
    dev = F32(2.0) * np.mean(y * np.log(np.maximum(y, F32(1.0)) / mu) - (y - mu))
    grad = X.T @ (mu - y) / len(y)
    return dev, grad, mu


def steepest_descent(X, y, rate, rtol, max_iter):
    beta = np.zeros(X.shape[1], dtype=F32)
    prev = None
    trace = []
    it = 0
    converged = False
    while it < max_iter and not converged:
        dev, grad, _ = deviance_and_gradient(beta, X, y)
        trace.append(float(dev))
        if it % 5 == 0:
            print(f"iter {it:4d}  loss {dev:.6f}  |grad| {np.linalg.norm(grad):.4e}")
        converged = prev is not None and abs(prev - dev) <= rtol * abs(dev)
        beta = beta - rate * grad
        prev = dev
        it += 1
    return beta, trace, it


rng = np.random.default_rng(31)
X, y = simulate(1200, rng)
beta, trace, iters = steepest_descent(X, y, rate=F32(0.1), rtol=F32(1e-6), max_iter=300)

print(f"stopped after {iters} iterations, beta = {np.round(beta, 3)}")
print(f"beta dtype {beta.dtype}, mean count {y.mean():.3f}")
print(f"first_loss={trace[0]:.6f} final_loss={trace[-1]:.6f}")
