# notebook export
# coding: utf-8

# # House prices - linear regression with gradient descent
# exported from my course notebook (week 3 exercise)

# In[ ]:


import numpy as np

np.random.seed(42)


# In[ ]:


# make a fake housing dataset since the real csv is not allowed in the exercise
n_houses = 500
sqft = np.random.uniform(600, 3500, n_houses)
bedrooms = np.random.randint(1, 6, n_houses).astype(float)
age = np.random.uniform(0, 80, n_houses)
dist_km = np.random.uniform(0.5, 30, n_houses)

price = 40 + 0.12 * sqft + 12 * bedrooms - 0.9 * age - 3.5 * dist_km + np.random.normal(0, 20, n_houses)  # in $1000

X = np.column_stack([sqft, bedrooms, age, dist_km])
y = price
print(X.shape, y.shape)


# In[ ]:


X[:5]


# In[ ]:


y[:5]


# In[ ]:


# quick look at the columns
names = ["sqft", "bedrooms", "age", "dist_km"]
for j, name in enumerate(names):
    col = X[:, j]
    print(f"{name:10s} min={col.min():9.2f} max={col.max():9.2f} mean={col.mean():9.2f}")
print(f"{'price':10s} min={y.min():9.2f} max={y.max():9.2f} mean={y.mean():9.2f}")


# In[ ]:


# correlation of each feature with the price
for j, name in enumerate(names):
    r = np.corrcoef(X[:, j], y)[0, 1]
    print(name, round(r, 3))


# In[ ]:


# train / test split 80 / 20
idx = np.random.permutation(n_houses)
n_train = int(0.8 * n_houses)
train_idx, test_idx = idx[:n_train], idx[n_train:]
X_train, y_train = X[train_idx], y[train_idx]
X_test, y_test = X[test_idx], y[test_idx]
print(X_train.shape, X_test.shape)


# In[ ]:


feat_mean = X_train.mean(axis=0)
feat_std = X_train.std(axis=0)
print("mean", feat_mean.round(2))
print("std ", feat_std.round(2))


# In[ ]:


def design(A):
    # put a column of ones in front for the intercept
    return np.column_stack([np.ones(len(A)), A])


X = design(X_train)
print(X[:3])


# In[ ]:


def predict(X, w):
    return X @ w


def cost(X, y, w):
    m = len(y)
    err = predict(X, w) - y
    return (err @ err) / (2 * m)


def gradient(X, y, w):
    m = len(y)
    err = predict(X, w) - y
    return X.T @ err / m


# In[ ]:


w = np.zeros(X.shape[1])
alpha = 0.1
iterations = 400

J = cost(X, y_train, w)
print(f"first_loss={J:.4f}")


# In[ ]:


history = []
for it in range(iterations):
    w = w - alpha * gradient(X, y_train, w)
    J = cost(X, y_train, w)
    history.append(J)
    if it % 50 == 0:
        print(f"iter {it:4d}  cost {J:.4f}")


# In[ ]:


print("weights:", w)
print(f"final_loss={history[-1]:.4f}")


# In[ ]:


# ## Evaluation on the test set

# In[ ]:


X = design(X_test)
pred = predict(X, w)
err = pred - y_test
mae = np.mean(np.abs(err))
r2 = 1 - np.sum(err ** 2) / np.sum((y_test - y_test.mean()) ** 2)
print(f"test MAE = {mae:.2f}k$")
print(f"r2={r2:.4f}")


# In[ ]:


# compare with the training set
X = design(X_train)
pred = predict(X, w)
err = pred - y_train
print("train MAE", np.mean(np.abs(err)))


# In[ ]:


# a few predictions next to the true prices
X = design(X_test[:5])
pred = predict(X, w)
for p, t in zip(pred, y_test[:5]):
    print(f"predicted {p:8.1f}   actual {t:8.1f}")


# In[ ]:


# price for my parents' house: 1800 sqft, 3 bedrooms, 25 years old, 8 km from centre
house = np.array([[1800, 3, 25, 8]])
print("estimated price ($1000):", predict(design(house), w))
