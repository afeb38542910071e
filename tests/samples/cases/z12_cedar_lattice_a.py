# In[1]:
# Linear SVM (hinge loss + L2) on two gaussian clouds, 7 features.
# Data is stored as columns: X has shape (n_features, n_samples)
import numpy as np
rng = np.random.RandomState(44)

# In[2]:
d, m = 7, 500
direction = rng.randn(d, 1)
direction /= np.linalg.norm(direction)
labels = np.where(rng.rand(m) < 0.5, -1.0, 1.0)
X = rng.randn(d, m) + 2.0 * direction * labels + 0.4
y = labels.reshape(1, m)
print(X.shape, y.shape, "positives:", int((y > 0).sum()))

# In[3]:
W = np.zeros((1, d))
b = 0.0
reg = 1e-3

def hinge(W, b, X, y):
    margins = y * (W @ X + b)
    return np.mean(np.maximum(0, 1 - margins)) + 0.5 * reg * np.sum(W * W)

def grads(W, b, X, y):
    margins = y * (W @ X + b)
    active = (margins < 1).astype(float)
    dW = -(active * y) @ X.T / X.shape[1] + reg * W
    db = -np.sum(active * y) / X.shape[1]
    return dW, db

print("hinge at start:", hinge(W, b, X, y))

# In[4]:
# sanity check: one small step along -grad should lower the loss
lr = 1e-5
dW, db = grads(W, b, X, y)
print("before", hinge(W, b, X, y), "after", hinge(W - lr * dW, b - lr * db, X, y))

# In[5]:
learning_rate = 0.01
momentum = 0.9
batch_size = 25
epochs = 30

# In[6]:
W = np.zeros((1, d))
b = 0.0
vW = np.zeros_like(W)
vb = 0.0
print(f"first_loss={hinge(W, b, X, y):.4f}")
for epoch in range(epochs):
    perm = rng.permutation(m)
    for k in range(0, m, batch_size):
        cols = perm[k:k + batch_size]
        dW, db = grads(W, b, X[:, cols], y[:, cols])
        vW = momentum * vW - lr * dW
        vb = momentum * vb - lr * db
        W = W + vW
        b = b + vb
    if epoch % 5 == 0:
        print("epoch %d  hinge %.4f" % (epoch, hinge(W, b, X, y)))

# In[7]:
pred = np.sign(W @ X + b)
print(f"final_loss={hinge(W, b, X, y):.4f}")
print(f"accuracy={np.mean(pred == y):.3f}")
