# Logistic regression on two exam scores for admission, notebook export
# coding: utf-8

# In[1]:


import numpy as np
np.random.seed(7)


# In[2]:


m = 400
admitted = np.random.randn(m // 2, 2) * 8 + np.array([80, 76])
rejected = np.random.randn(m // 2, 2) * 8 + np.array([45, 48])
X = np.vstack([admitted, rejected])
y = np.concatenate([np.ones(m // 2), np.zeros(m // 2)])
X.shape, y.shape


# In[3]:


X = (X - X.mean(axis=0)) / X.std(axis=0)
X = np.hstack([np.ones((m, 1)), X])


# In[4]:


def sigmoid(z):
    return 1 / (1 + np.exp(-z))

def cost_function(theta, X, y):
    h = sigmoid(X @ theta)
    return -np.mean(y * np.log(h) + (1 - y) * np.log(1 - h))

def gradient(theta, X, y):
    h = sigmoid(X @ theta)
    return X.T @ (h - y) / len(y)


# In[5]:


theta = np.zeros(3)
alpha = 5.0
J_history = []
for it in range(5000):
    J_history.append(cost_function(theta, X, y))
    theta = theta - alpha * gradient(theta, X, y)
    if it % 1000 == 0:
        print("iter", it, "cost", J_history[-1])


# In[6]:


pred = sigmoid(X @ theta) >= 0.5
print("theta =", theta)
print(f"first_loss={J_history[0]:.6f}")
print(f"final_loss={J_history[-1]:.6f}")
print(f"accuracy={np.mean(pred == y):.4f}")
