# %% [markdown]
# Predicting weekly sales from ad spend -- my first gradient descent!

# %% imports
import numpy as np
rng = np.random.default_rng(7)

# %% make some data (features are rows, every column is one week)
m = 5000
tv = rng.uniform(0, 1, m)
radio = rng.uniform(0, 1, m)
online = rng.uniform(0, 1, m)
sales = 3.0 * tv + 1.5 * radio + 0.5 * online + 2.0 + rng.normal(0, 0.1, m)
X = np.vstack([np.ones(m), tv, radio, online])   # shape (4, m), first row is the bias
Y = sales.reshape(1, m)
print(X.shape, Y.shape)

# %% parameters
theta = np.zeros((1, 4))
alpha = 0.05
iterations = 400

# %% cost
def cost(theta):
    E = theta @ X - Y
    return (E @ E.T).item() / (2 * m)

J0 = cost(theta)
print("initial cost", J0)

# %% gradient descent
J_history = []
for i in range(iterations):
    E = theta @ X - Y
    grad = (E @ X.T) / m
    theta = theta - alpha * grad
    J_history.append(cost(theta))

# %% results
print("theta", theta)
print(f"first_loss={J0}")
print(f"final_loss={J_history[-1]}")
