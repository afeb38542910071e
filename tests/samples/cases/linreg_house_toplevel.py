# Linear regression of house price (in $1000) on square footage, number of
# bedrooms and age, fitted by full-batch gradient descent on the mean squared
# error. Top-level script, no functions.
# Run: python linreg_house_toplevel.py
import numpy as np

np.random.seed(7)
m = 200
sqft = np.random.uniform(600, 3500, m)
bedrooms = np.random.randint(1, 6, m)
age = np.random.uniform(0, 60, m)
price = 50 + 0.12 * sqft + 8 * bedrooms - 0.9 * age + np.random.randn(m) * 15

X = np.column_stack([sqft, bedrooms, age])
y = price.reshape(-1, 1)

theta = np.zeros((3, 1))
bias = 0.0
alpha = 0.01
iterations = 300

for i in range(iterations):
    predictions = np.dot(X, theta) + bias
    errors = predictions - y
    cost = np.sum(errors ** 2) / (2 * m)
    d_theta = np.dot(X.T, errors) / m
    d_bias = np.sum(errors) / m
    theta = theta - alpha * d_theta
    bias = bias - alpha * d_bias
    if i % 30 == 0:
        print("iteration", i, "cost", cost)

print("theta:", theta.ravel(), "bias:", bias)
print("final cost", np.sum((np.dot(X, theta) + bias - y) ** 2) / (2 * m))
