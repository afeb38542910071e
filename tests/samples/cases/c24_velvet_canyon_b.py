# Linear soft-margin SVM on synthetic 6-feature data, trained with per-sample subgradient steps.
# Notebook export: cells kept in order, the training function appends to a global history list.

# In[1]:

import numpy as np

np.random.seed(5)


# In[2]:

N, D = 400, 6
X = np.random.randn(N, D)
w_true = np.random.randn(D)
y = np.where(X @ w_true + 0.4 + 0.3 * np.random.randn(N) > 0, 1.0, -1.0)
print(X.shape, y[:10])


# In[3]:

# standardise
X = (X - X.mean(axis=0)) / X.std(axis=0)


# In[4]:

lr = 0.001
lam = 0.01
epochs = 24


# In[5]:

history = []


def hinge_objective(X, y, w, b):
    margins = y * (X @ w + b)
    return np.mean(np.maximum(0.0, 1.0 - margins)) + 0.5 * lam * np.dot(w, w)


def train_svm(X, y, epochs, lr=1e-5):
    w = np.zeros(X.shape[1])
    b = 0.0
    for ep in range(epochs):
        for i in np.random.permutation(len(y)):
            if y[i] * (X[i] @ w + b) < 1.0:
                w -= lr * (lam * w - y[i] * X[i])
                b += lr * y[i]
            else:
                w -= lr * lam * w
        obj = hinge_objective(X, y, w, b)
        history.append(obj)
        if ep % 3 == 0:
            print("epoch %d  loss %.5f" % (ep, obj))
    return w, b


# In[6]:

# the first run was too slow, try a bigger step
lr = 0.003


# In[7]:

w, b = train_svm(X, y, epochs, lr=lr)


# In[8]:

pred = np.sign(X @ w + b)
accuracy = np.mean(pred == y)
print("w:", np.round(w, 3), "b:", round(b, 3))
print("first_loss=%.6f final_loss=%.6f" % (history[0], history[-1]))
print("accuracy=%.4f" % accuracy)
