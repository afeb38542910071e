# Logistic regression written with plain Python floats and lists: predicts pass/fail of a synthetic exam
# from hours studied and hours slept, fitted by stochastic gradient descent one student at a time.
# coding: utf-8

# In[1]:

import math
import random

random.seed(2024)


# In[2]:

students = []
for i in range(240):
    hours = random.uniform(0.0, 10.0)
    sleep = random.uniform(4.0, 9.0)
    z = 1.3 * (hours - 5.0) + 0.9 * (sleep - 6.5) + random.gauss(0.0, 0.7)
    students.append(([hours, sleep], 1 if z > 0 else 0))

print(students[:3])


# In[3]:

# standardise each column
means = []
stds = []
for j in range(2):
    col = [s[0][j] for s in students]
    m = sum(col) / len(col)
    sd = math.sqrt(sum((c - m) ** 2 for c in col) / len(col))
    means.append(m)
    stds.append(sd)

xs = [[(s[0][j] - means[j]) / stds[j] for j in range(2)] for s in students]
ys = [s[1] for s in students]


# In[4]:

def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


w = [0.0, 0.0]
b = 0.0
lr = 0.02


# In[5]:

def predict(x):
    z = b
    for wj, xj in zip(w, x):
        z += wj * xj
    return sigmoid(z)


def log_loss():
    total = 0.0
    for x, y in zip(xs, ys):
        p = predict(x)
        total -= y * math.log(p) + (1 - y) * math.log(1.0 - p)
    return total / len(xs)


# In[6]:

losses = []
for epoch in range(25):
    for x, y in zip(xs, ys):
        p = predict(x)
        err = y - p
        for wj, xj in zip(w, x):
            wj += lr * err * xj
        b += lr * err
    loss = log_loss()
    losses.append(loss)
    if epoch % 4 == 0:
        print(f"epoch {epoch:2d}  loss {loss:.5f}")


# In[7]:

correct = 0
for x, y in zip(xs, ys):
    p = predict(x)
    correct += int((p > 0.5) == (y == 1))
accuracy = correct / len(xs)
print("weights:", w, "bias:", b)


# In[8]:

print(f"first_loss={losses[0]:.6f} final_loss={losses[-1]:.6f}")
print(f"accuracy={accuracy:.4f}")
