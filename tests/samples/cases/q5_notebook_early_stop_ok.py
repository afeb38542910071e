# In[1]: float32 linear regression written as notebook cells, stopping once the loss improves by less than a tolerance.
import numpy as np
rand = np.random.default_rng(30)

# In[2]:
area = rand.uniform(0.0, 1.0, (150, 3)).astype(np.float32)
price = (area @ np.array([3.0, -1.0, 2.0], np.float32) + 0.5 + rand.normal(0, 0.05, 150)).astype(np.float32)

# In[3]:
slope = np.zeros(3, np.float32)
inter = np.float32(0.0)
alpha = np.float32(0.3)
previous = np.inf

# In[4]:
for it in range(3000):
    fitted = area @ slope + inter
    gap = fitted - price
    mse = float(np.mean(gap * gap))
    slope = slope - alpha * (2.0 * area.T @ gap / len(price))
    inter = inter - alpha * np.float32(2.0 * gap.mean())
    if previous - mse < 1e-7:
        print(f"stopped at iteration {it}")
        break
    previous = mse
    if it % 200 == 0:
        print(f"iteration {it} mse {mse:.6f}")

# In[5]:
print("slope", slope, "intercept", inter, "final mse", mse)
