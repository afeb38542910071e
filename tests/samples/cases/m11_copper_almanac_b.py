# Rent model notebook, exported as a script
# coding: utf-8

# # Rent model: least squares with the normal equation

# In[1]:


import numpy as np
np.set_printoptions(precision=3, suppress=True)


# In[2]:


# flats copied from the listings page
# size m2, rooms, km to centre, age (years), rent per month
rows = [
    [94, 3, 4.2, 20, 1228],
    [86, 3, 5.5, 52, 1062],
    [31, 2, 3.3, 7, 676],
    [41, 2, 9.9, 11, 538],
    [30, 2, 7.4, 16, 472],
    [30, 1, 4.8, 54, 447],
    [110, 4, 5.0, 1, 1472],
    [97, 4, 7.5, 37, 1035],
    [43, 2, 1.6, 8, 924],
    [116, 4, 10.5, 28, 1173],
    [41, 1, 11.9, 57, 196],
    [29, 1, 9.1, 23, 395],
    [38, 1, 5.7, None, 557],
    [84, 2, 3.3, 34, 1102],
    [47, 3, 5.8, 6, 773],
    [62, 2, 4.8, 16, 874],
    [70, 2, 8.7, 29, 759],
    [105, 4, 7.4, 17, 1250],
    [79, 4, 2.2, 32, 1205],
    [76, 3, 6.0, 21, 908],
    [103, 4, 4.0, 44, 1283],
    [50, 2, 3.5, 58, 657],
    [112, 4, 10.7, 10, 1164],
    [45, 2, 11.4, 27, 447],
    [111, 4, 3.9, 27, 1407],
    [42, 1, 11.2, 50, 295],
]
table = np.array([r for r in rows if None not in r], dtype=float)
print(table.shape)


# In[3]:


X = table[:, :4]
y = table[:, 4]
mu = X.mean(axis=0)
sd = X.std(axis=0)
X = (X - mu) / sd
X = np.hstack([np.ones((len(X), 1)), X])
X.shape


# In[4]:


# baseline: always guess the average rent
baseline = np.full_like(y, y.mean())
print(f"first_loss={np.mean((baseline - y) ** 2):.2f}")


# In[5]:


# normal equation  theta = (X^T X)^-1 X^T y
theta = np.linalg.inv(X.T @ X) @ X.T @ y
print("theta:", theta)


# In[6]:


pred = X @ theta
print(f"final_loss={np.mean((pred - y) ** 2):.2f}")
print(f"r2={1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2):.3f}")


# In[7]:


new_flat = np.array([65, 2, 3.0, 15])
print("predicted rent for 65m2, 2 rooms, 3km, 15y:", np.r_[1.0, (new_flat - mu) / sd] @ theta)
