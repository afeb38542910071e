# %% [markdown]
# Predict the customer rating (1 to 5 stars) from delivery delay, price paid and support contacts.
# One hidden layer, trained one sample at a time.

# %%
import numpy as np
import random

random.seed(3)
np.random.seed(3)

n = 200
delay = np.random.uniform(0, 10, n)         # days late
price = np.random.uniform(5, 80, n)         # euro
calls = np.random.randint(0, 5, n)          # support contacts
stars = 3.6 + 1.6 * np.tanh(1.2 - 0.35 * delay) - 0.01 * (price - 40) - 0.3 * calls + 0.15 * np.random.randn(n)
stars = np.clip(stars, 1.0, 5.0)
print("stars range:", stars.min().round(2), stars.max().round(2))

# %%
feats = np.column_stack([delay, price, calls]).astype(float)
feats = (feats - feats.mean(axis=0)) / feats.std(axis=0)
print(feats[:3])

# %%
hidden = 8
W1 = np.random.randn(3, hidden) * 0.5
b1 = np.zeros(hidden)
w2 = np.random.randn(hidden) * 0.5
b2 = 0.0
lr = 0.01


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def predict(x):
    h = sigmoid(x @ W1 + b1)
    out = sigmoid(h @ w2 + b2)
    return h, out


def mse():
    _, out = predict(feats)
    return float(np.mean((out - stars) ** 2))


print(f"first_loss={mse():.4f}")

# %%
order = list(range(n))
for epoch in range(60):
    random.shuffle(order)
    for i in order:
        x, t = feats[i], stars[i]
        h, out = predict(x)
        d_out = (out - t) * out * (1 - out)
        d_h = d_out * w2 * h * (1 - h)
        w2 -= lr * d_out * h
        b2 -= lr * float(d_out)
        W1 -= lr * np.outer(x, d_h)
        b1 -= lr * d_h
    if epoch % 10 == 0:
        print("epoch", epoch, "mse", round(mse(), 4))

# %%
_, pred = predict(feats)
print(f"final_loss={mse():.4f}")
print(f"r2={1 - np.sum((stars - pred) ** 2) / np.sum((stars - stars.mean()) ** 2):.3f}")
print("first five:", np.round(pred[:5], 2), "true:", np.round(stars[:5], 2))
