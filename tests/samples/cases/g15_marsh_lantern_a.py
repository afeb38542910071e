# three-class softmax net, exported from a Jupyter notebook
#!/usr/bin/env python
# coding: utf-8

# # Assignment 3 - a neural net from scratch
# 
# Three classes of points on rings around the origin. Goal: classify them with a
# 2 -> hidden -> 3 network (tanh hidden layer, softmax output), numpy only.

# In[1]:


import numpy as np
import math


# In[2]:


np.random.seed(2024)

N_PER_CLASS = 300
N_CLASSES = 3

radii = [0.5, 1.6, 2.7]
points = []
labels = []
for k in range(N_CLASSES):
    angle = np.random.uniform(0, 2 * math.pi, N_PER_CLASS)
    r = radii[k] + np.random.normal(0, 0.2, N_PER_CLASS)
    xy = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    points.append(xy)
    labels.append(np.full(N_PER_CLASS, k))

X_all = np.concatenate(points)
y_all = np.concatenate(labels)
print(X_all.shape, y_all.shape)


# In[3]:


# quick look at the data
for k in range(N_CLASSES):
    sel = X_all[y_all == k]
    dist = np.sqrt((sel ** 2).sum(axis=1))
    print("class", k, "count", len(sel), "mean radius", round(dist.mean(), 3), "std", round(dist.std(), 3))


# In[4]:


print(X_all[:5])
print(y_all[:5])
print("x range", X_all[:, 0].min(), X_all[:, 0].max())
print("y range", X_all[:, 1].min(), X_all[:, 1].max())


# In[5]:


# shuffle + train/test split 80/20
perm = np.random.permutation(len(X_all))
X_all = X_all[perm]
y_all = y_all[perm]

n_train = int(0.8 * len(X_all))
X_train, X_test = X_all[:n_train], X_all[n_train:]
y_train, y_test = y_all[:n_train], y_all[n_train:]
print("train", X_train.shape, "test", X_test.shape)


# In[6]:


# standardize with the training statistics
mu = X_train.mean(axis=0)
sigma = X_train.std(axis=0)
X_train = (X_train - mu) / sigma
X_test = (X_test - mu) / sigma
print(mu, sigma)


# In[7]:


# one hot labels
Y_train = np.zeros((len(y_train), N_CLASSES))
Y_train[np.arange(len(y_train)), y_train] = 1
Y_test = np.zeros((len(y_test), N_CLASSES))
Y_test[np.arange(len(y_test)), y_test] = 1
print(Y_train[:3])


# In[8]:


# hyperparameters
n_input = 2
n_hidden = 20
n_output = N_CLASSES
learning_rate = 0.1
mu_momentum = 0.9
batch_size = 32
n_epochs = 60


# In[9]:


# initialise the weights
W1 = np.ones((n_input, n_hidden)) * 0.01
b1 = np.zeros(n_hidden)
W2 = np.ones((n_hidden, n_output)) * 0.01
b2 = np.zeros(n_output)

vW1 = np.zeros_like(W1)
vb1 = np.zeros_like(b1)
vW2 = np.zeros_like(W2)
vb2 = np.zeros_like(b2)
print(W1.shape, W2.shape)


# In[10]:


# sanity check: forward pass on the whole training set before training
h = np.tanh(X_train @ W1 + b1)
scores = h @ W2 + b2
scores = scores - scores.max(axis=1, keepdims=True)
probs = np.exp(scores)
probs = probs / probs.sum(axis=1, keepdims=True)
loss = -np.mean(np.sum(Y_train * np.log(probs + 1e-12), axis=1))
print("first_loss=%.5f" % loss)
print("expected about", math.log(N_CLASSES))


# In[11]:


history = []


# In[12]:


for epoch in range(n_epochs):
    order = np.random.permutation(n_train)
    for start in range(0, n_train, batch_size):
        idx = order[start:start + batch_size]
        xb = X_train[idx]
        yb = Y_train[idx]
        nb = len(idx)

        # forward
        h = np.tanh(xb @ W1 + b1)
        scores = h @ W2 + b2
        scores = scores - scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p = p / p.sum(axis=1, keepdims=True)

        # backward
        dscores = (p - yb) / nb
        dW2 = h.T @ dscores
        db2 = dscores.sum(axis=0)
        dh = dscores @ W2.T
        dz = dh * (1 - h ** 2)
        dW1 = xb.T @ dz
        db1 = dz.sum(axis=0)

        # momentum update
        vW1 = mu_momentum * vW1 - learning_rate * dW1
        vb1 = mu_momentum * vb1 - learning_rate * db1
        vW2 = mu_momentum * vW2 - learning_rate * dW2
        vb2 = mu_momentum * vb2 - learning_rate * db2
        W1 += vW1
        b1 += vb1
        W2 += vW2
        b2 += vb2

    # loss on full train set after each epoch
    h = np.tanh(X_train @ W1 + b1)
    scores = h @ W2 + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores)
    probs = probs / probs.sum(axis=1, keepdims=True)
    loss = -np.mean(np.sum(Y_train * np.log(probs + 1e-12), axis=1))
    history.append(loss)
    if epoch % 10 == 0:
        acc = np.mean(probs.argmax(axis=1) == y_train)
        print("epoch", epoch, "loss", round(loss, 5), "train acc", round(acc, 3))


# In[13]:


print("final_loss=%.5f" % history[-1])


# In[14]:


# evaluate on the test set
h_test = np.tanh(X_test @ W1 + b1)
scores_test = h_test @ W2 + b2
pred_test = scores_test.argmax(axis=1)
test_acc = np.mean(pred_test == y_test)
train_pred = (np.tanh(X_train @ W1 + b1) @ W2 + b2).argmax(axis=1)
train_acc = np.mean(train_pred == y_train)
print("train accuracy", round(train_acc, 4))
print("accuracy=%.4f" % test_acc)


# In[15]:


# confusion matrix
conf = np.zeros((N_CLASSES, N_CLASSES), dtype=int)
for t, p_ in zip(y_test, pred_test):
    conf[t, p_] += 1
print(conf)


# In[16]:


# per class accuracy
for k in range(N_CLASSES):
    row = conf[k]
    print("class", k, "acc", round(row[k] / max(row.sum(), 1), 3))


# In[17]:


# try a few new points by hand
new_points = np.array([[0.0, 0.4], [1.5, 0.3], [-2.0, -1.8], [0.1, -2.8]])
new_scaled = (new_points - mu) / sigma
new_pred = (np.tanh(new_scaled @ W1 + b1) @ W2 + b2).argmax(axis=1)
print(new_pred)


# In[18]:


# look at the learned hidden weights
print(np.round(W1[:, :5], 3))
print(np.round(b2, 3))


# In[19]:


# precision / recall per class on the test set
for k in range(N_CLASSES):
    tp = conf[k, k]
    fp = conf[:, k].sum() - tp
    fn = conf[k, :].sum() - tp
    precision = tp / (tp + fp) if (tp + fp) > 0 else 0.0
    recall = tp / (tp + fn) if (tp + fn) > 0 else 0.0
    if precision + recall > 0:
        f1 = 2 * precision * recall / (precision + recall)
    else:
        f1 = 0.0
    print("class", k, "precision", round(precision, 3), "recall", round(recall, 3), "f1", round(f1, 3))


# In[20]:


# how does accuracy depend on the distance from the origin?
test_radius = np.sqrt(((X_test * sigma + mu) ** 2).sum(axis=1))
edges = [0.0, 1.0, 2.0, 3.5]
for lo, hi in zip(edges[:-1], edges[1:]):
    sel = (test_radius >= lo) & (test_radius < hi)
    if sel.sum() == 0:
        continue
    print("radius", lo, "-", hi, "n", int(sel.sum()), "acc", round(np.mean(pred_test[sel] == y_test[sel]), 3))


# In[21]:


# predicted probabilities for the first test points
st = scores_test - scores_test.max(axis=1, keepdims=True)
pt = np.exp(st)
pt = pt / pt.sum(axis=1, keepdims=True)
for i in range(5):
    print(y_test[i], np.round(pt[i], 3))


# In[22]:


# loss curve summary
print("epochs", len(history))
print("lowest train xent", round(min(history), 5), "at epoch", int(np.argmin(history)))
print("train xent after first epoch", round(history[0], 4), "after last", round(history[-1], 4))


# In[23]:


# test loss, same formula as for training
st = scores_test - scores_test.max(axis=1, keepdims=True)
pt = np.exp(st) / np.exp(st).sum(axis=1, keepdims=True)
test_loss = -np.mean(np.sum(Y_test * np.log(pt + 1e-12), axis=1))
print("test xent", round(test_loss, 5))
print("gap train/test", round(test_loss - history[-1], 5))
