# Matrix factorisation of a synthetic user x movie rating table with stochastic gradient descent over
# the observed (user, movie, rating) triples. Notebook export, all cells at top level.

# In[1]:

import numpy as np

np.random.seed(31)


# In[2]:

n_users, n_items, k = 40, 30, 3
U_true = np.random.normal(0, 1, size=(n_users, k))
V_true = np.random.normal(0, 1, size=(n_items, k))
R = 3.0 + 0.6 * (U_true @ V_true.T) + 0.2 * np.random.randn(n_users, n_items)
R = np.clip(R, 1.0, 5.0)
R


# In[3]:

mask = np.random.rand(n_users, n_items) < 0.5
triples = [(u, i, R[u, i]) for u in range(n_users) for i in range(n_items) if mask[u, i]]
print(len(triples), "observed ratings")


# In[4]:

P = np.random.normal(0, 0.1, size=(n_users, k))
Q = np.random.normal(0, 0.1, size=(n_items, k))
bu = np.zeros(n_users)
bi = np.zeros(n_items)
mu = np.mean([t[2] for t in triples])
lr = 0.5
reg = 0.02


# In[5]:

cost = np.mean([(r - mu - bu[u] - bi[i] - P[u] @ Q[i]) ** 2 for u, i, r in triples])
print("before training: mse %.4f" % cost)
costs = []


# In[6]:

for epoch in range(30):
    np.random.shuffle(triples)
    for u, i, r in triples:
        e = r - (mu + bu[u] + bi[i] + P[u] @ Q[i])
        bu[u] += lr * (e - reg * bu[u])
        bi[i] += lr * (e - reg * bi[i])
        pu = P[u].copy()
        P[u] += lr * (e * Q[i] - reg * P[u])
        Q[i] += lr * (e * pu - reg * Q[i])
    cost = np.mean([(r - mu - bu[u] - bi[i] - P[u] @ Q[i]) ** 2 for u, i, r in triples])
    costs.append(cost)
    if epoch % 5 == 0:
        print("epoch %2d cost %.5f" % (epoch, cost))


# In[7]:

pred = mu + bu[:, None] + bi[None, :] + P @ Q.T
rmse_unseen = np.sqrt(np.mean((pred - R)[~mask] ** 2))
print("rmse on held-out cells %.4f" % rmse_unseen)
print("first_loss=%.6f final_loss=%.6f" % (costs[0], costs[-1]))
