# ridge regression for apartment rent, solved with the normal equations (no gradient descent needed)
# features: size m2, rooms, distance to centre km, floor, storeys in building
import numpy as np

np.random.seed(7)
n = 250
size = np.random.uniform(25, 140, n)
rooms = np.round(size / 30 + np.random.rand(n))
dist = np.random.exponential(4.0, n)
floor = np.random.randint(0, 6, n).astype(float)
storeys = np.full(n, 6.0)          # all listings are in six-storey blocks
rent = 180 + 9.5 * size + 40 * rooms - 35 * dist + 12 * floor + np.random.randn(n) * 60

X = np.column_stack([size, rooms, dist, floor, storeys])
y = rent

# standardise every column so the penalty treats them the same
mu = X.mean(axis=0)
sd = X.std(axis=0)
Xs = (X - mu) / np.where(sd == 0, 1.0, sd)


def predict(w, b, A):
    return A @ w + b


def mse(w, b):
    return np.mean((predict(w, b, Xs) - y) ** 2)


w0 = np.zeros(X.shape[1])
b0 = 0.0
print("first_loss=%.3f" % mse(w0, b0))

lam = 1.0
A = Xs.T @ Xs + lam * np.eye(X.shape[1])
w = np.linalg.solve(A, Xs.T @ (y - y.mean()))
b = y.mean()

print("weights:", np.round(w, 2), "bias: %.2f" % b)
final = mse(w, b)
print("final_loss=%.3f" % final)
print("r2=%.4f" % (1 - final / np.var(y)))
