# Rent notebook, exported as a script
# coding: utf-8

# # Rent prediction with ridge regression (closed form)
# flats from one neighbourhood: size, rooms, floor, minutes to the metro, bathrooms

# In[ ]:


import numpy as np

np.random.seed(12)
n = 240


# In[ ]:


size_m2 = np.random.uniform(25, 140, n)
rooms = np.round(size_m2 / 30 + np.random.uniform(-0.5, 0.5, n))
floor = np.random.randint(0, 12, n).astype(float)
metro_min = np.random.uniform(1, 25, n)
bathrooms = np.ones(n)          # every flat in this listing has 1 bathroom

rent = 9.5 * size_m2 + 40 * rooms + 12 * floor - 18 * metro_min + 300 + np.random.normal(0, 40, n)

X = np.column_stack([size_m2, rooms, floor, metro_min, bathrooms])
y = rent
print(X.shape, y.shape)
print(X[:3])


# In[ ]:


# baseline = always predict the average rent
baseline = np.mean((y - y.mean()) ** 2)
print(f"first_loss={baseline:.4f}")


# In[ ]:


# standardise every column
mu = X.mean(axis=0)
sd = X.std(axis=0)
X = (X - mu) / sd
X[:3]


# In[ ]:


# add the intercept column
X = np.hstack([np.ones((n, 1)), X])
lam = 0.1
I = np.eye(X.shape[1])
I[0, 0] = 0   # don't penalise the intercept


# In[ ]:


w = np.linalg.solve(X.T @ X + lam * I, X.T @ y)
print("weights:", np.round(w, 3))


# In[ ]:


pred = X @ w
mse = np.mean((pred - y) ** 2)
r2 = 1 - mse / baseline
print(f"final_loss={mse:.4f}")
print(f"r2={r2:.4f}")
print("rmse per flat:", np.sqrt(mse))
