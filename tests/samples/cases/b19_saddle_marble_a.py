# Logistic regression predicting admission from two exam scores, batch gradient descent
import numpy as np

rng = np.random.default_rng(42)

m = 400
exam1 = rng.uniform(30, 100, m)
exam2 = rng.uniform(30, 100, m)
logit = 0.25 * (exam1 - 65) + 0.18 * (exam2 - 65)
admitted = (rng.random(m) < 1 / (1 + np.exp(-logit))).astype(float)

# feature scaling
scores = np.column_stack([exam1, exam2])
scores = (scores - scores.mean(axis=0)) / scores.std(axis=0)
X = np.column_stack([np.ones(m), scores])
y = admitted

X_train, y_train = X[:300], y[:300]
X_test, y_test = X[300:], y[300:]

alpha = 0.5
iterations = 400
theta = np.array([0, 0, 0])


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def cost(theta, X, y):
    h = sigmoid(X @ theta)
    h = np.clip(h, 1e-10, 1 - 1e-10)
    return float(-np.mean(y * np.log(h) + (1 - y) * np.log(1 - h)))


first_loss = cost(theta, X_train, y_train)
n_train = len(y_train)

for it in range(iterations):
    h = sigmoid(X_train @ theta)
    grad = X_train.T @ (h - y_train) / n_train

    # simultaneous update of every parameter
    temp = np.zeros_like(theta)
    for j in range(len(theta)):
        temp[j] = theta[j] - alpha * grad[j]
    theta = temp

    if it % 100 == 0:
        print(f"iter {it}: cost {cost(theta, X_train, y_train):.4f}")

final_loss = cost(theta, X_train, y_train)
accuracy = float(np.mean((sigmoid(X_test @ theta) >= 0.5) == (y_test == 1)))

print("theta =", theta)
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={accuracy:.4f}")
