# Notebook export: a float32 network with momentum, cells kept as comments.
# coding: utf-8

# # Two moons with a tiny network
# week 4 exercise: one hidden layer (tanh) + sigmoid output, trained with momentum
# everything in float32 like the course notebook

# In[1]:


import numpy as np

rng = np.random.default_rng(3)
np.set_printoptions(precision=4, suppress=True)


# In[2]:


# make the two half circles by hand (no sklearn on the lab machines)
n = 240
t = rng.uniform(0, np.pi, n)
upper = rng.random(n) < 0.5
x0 = np.where(upper, 1 - np.cos(t), np.cos(t))
x1 = np.where(upper, 0.5 - np.sin(t), np.sin(t))
X = np.column_stack([x0, x1]).astype(np.float32)
X = X + rng.normal(0, 0.08, (n, 2)).astype(np.float32)
y = upper.astype(np.float32).reshape(-1, 1)


# In[3]:


print(X.shape, y.shape, X.dtype)
print("class balance:", y.mean())
print("first rows:")
print(X[:5])


# In[4]:


# quick look at the ranges before scaling
print("min per column:", X.min(axis=0))
print("max per column:", X.max(axis=0))
print("mean per column:", X.mean(axis=0))


# In[5]:


X = (X - X.mean(axis=0)) / X.std(axis=0)
print("after scaling mean:", X.mean(axis=0))
print("after scaling std:", X.std(axis=0))


# In[6]:


# how many points of each class sit left / right of zero on the first axis
left = X[:, 0] < 0
print("left side, upper class:", int(np.sum(left & (y[:, 0] == 1))))
print("left side, lower class:", int(np.sum(left & (y[:, 0] == 0))))
print("right side, upper class:", int(np.sum(~left & (y[:, 0] == 1))))
print("right side, lower class:", int(np.sum(~left & (y[:, 0] == 0))))


# In[7]:


# network sizes
n_in, n_hidden, n_out = 2, 10, 1

W1 = (rng.normal(size=(n_in, n_hidden)) * 0.7).astype(np.float32)
b1 = np.zeros((1, n_hidden), dtype=np.float32)
W2 = (rng.normal(size=(n_hidden, n_out)) * 0.3).astype(np.float32)
b2 = np.zeros((1, n_out), dtype=np.float32)

print("W1", W1.shape, "b1", b1.shape, "W2", W2.shape, "b2", b2.shape)
print("number of parameters:", W1.size + b1.size + W2.size + b2.size)


# In[8]:


# velocities for momentum
vW1 = np.zeros_like(W1)
vb1 = np.zeros_like(b1)
vW2 = np.zeros_like(W2)
vb2 = np.zeros_like(b2)

lr = 0.3
mu = 0.9
epochs = 2500


# In[9]:


# sanity check of one forward pass before training
h = np.tanh(X @ W1 + b1)
out = 1 / (1 + np.exp(-(h @ W2 + b2)))
print("hidden activations range:", h.min(), h.max())
print("output range:", out.min(), out.max())
print("starting accuracy:", np.mean((out > 0.5) == y))


# In[10]:


history = []

for epoch in range(epochs):
    # forward
    Z1 = X @ W1 + b1
    H = np.tanh(Z1)
    Z2 = H @ W2 + b2
    A = 1 / (1 + np.exp(-Z2))

    # binary cross entropy
    loss = -np.mean(y * np.log(A) + (1 - y) * np.log(1 - A))
    history.append(float(loss))
    if epoch == 0:
        print(f"first_loss={loss:.5f}")

    # backward
    dZ2 = (A - y) / n
    dW2 = H.T @ dZ2
    db2 = dZ2.sum(axis=0, keepdims=True)
    dH = dZ2 @ W2.T
    dZ1 = dH * (1 - H ** 2)
    dW1 = X.T @ dZ1
    db1 = dZ1.sum(axis=0, keepdims=True)

    # momentum step
    vW1 = mu * vW1 - lr * dW1
    vb1 = mu * vb1 - lr * db1
    vW2 = mu * vW2 - lr * dW2
    vb2 = mu * vb2 - lr * db2
    W1 += vW1
    b1 += vb1
    W2 += vW2
    b2 += vb2

    if epoch % 250 == 0:
        acc = np.mean((A > 0.5) == y)
        print(f"epoch {epoch:5d}  loss {loss:.5f}  acc {acc:.3f}")


# In[11]:


print("loss at a few epochs:", [round(history[i], 4) for i in (0, 10, 100, 1000, epochs - 1)])
print("largest logit:", float(Z2.max()), "smallest logit:", float(Z2.min()))


# In[12]:


H = np.tanh(X @ W1 + b1)
A = 1 / (1 + np.exp(-(H @ W2 + b2)))
pred = (A > 0.5).astype(np.float32)
print("confusion (true 1 / pred 1):", int(np.sum((pred == 1) & (y == 1))))
print("confusion (true 0 / pred 1):", int(np.sum((pred == 1) & (y == 0))))
print(f"final_loss={history[-1]:.5f}")
print(f"accuracy={np.mean(pred == y):.3f}")
