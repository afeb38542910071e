import numpy as np

np.random.seed(0)


def make_data(n=200):
    sqft = np.random.uniform(600, 3500, n)
    bedrooms = np.random.randint(1, 6, n).astype(float)
    age = np.random.uniform(0, 80, n)
    price = 120 * sqft + 15000 * bedrooms - 900 * age + 50000 + np.random.normal(0, 20000, n)
    X = np.column_stack([sqft, bedrooms, age])
    return X, price / 1000.0  # price in thousands


def predict(X, w, b):
    return X @ w + b


def mse(y_hat, y):
    return np.mean((y_hat - y) ** 2)


def gradients(X, y, w, b):
    n = X.shape[0]
    err = predict(X, w, b) - y
    dw = 2.0 / n * X.T @ err
    db = 2.0 / n * np.sum(err)
    return dw, db


X, y = make_data()
X = (X - X.mean(axis=0)) / X.std(axis=0)
w = np.zeros(X.shape[1])
b = 0.0
lr = 0.01
epochs = 300

first_loss = mse(predict(X, w, b), y)
for epoch in range(epochs):
    dw, db = gradients(X, y, w, b)
    w = w - lr * dw
    b = b - lr * db
    if epoch % 50 == 0:
        print("epoch", epoch, "loss", mse(predict(X, w, b), y))

final_loss = mse(predict(X, w, b), y)
print(f"first_loss={first_loss}")
print(f"final_loss={final_loss}")
