# Margin perceptron trained one sample at a time on two synthetic 2-D point clouds, using plain Python lists.
# Exported from a notebook; each "In[N]" block was one cell.

# In[1]:

import random

random.seed(11)


# In[2]:

# two clouds of points: class +1 up and to the right, class -1 near the origin
n = 80
xs = []
ys = []
for i in range(n):
    xs.append([random.gauss(3.0, 0.5), random.gauss(3.0, 0.5)])
    ys.append(1)
for i in range(n):
    xs.append([random.gauss(1.0, 0.5), random.gauss(1.0, 0.5)])
    ys.append(-1)


# In[3]:

pairs = list(zip(xs, ys))
random.shuffle(pairs)
xs = [p[0] for p in pairs]
ys = [p[1] for p in pairs]
print(len(xs), "points,", sum(1 for y in ys if y == 1), "positive")


# In[4]:

w = [0.0, 0.0]
b = 0.0
lr = 0.01
epochs = 30


# In[5]:

def score(x):
    s = b
    for wi, xi in zip(w, x):
        s += wi * xi
    return s


def margin_loss():
    # average of max(0, 1 - y * score) over the whole set
    total = 0.0
    for x, y in zip(xs, ys):
        total += max(0.0, 1.0 - y * score(x))
    return total / len(xs)


def run_epoch():
    global b
    for x, y in zip(xs, ys):
        if y * score(x) < 1.0:
            for j in range(len(w)):
                w[j] += lr * y * x[j]
            b += lr * y


# In[6]:

losses = []
for epoch in range(epochs):
    run_epoch()
    loss = margin_loss()
    losses.append(loss)
    if epoch % 3 == 0 or epoch == epochs - 1:
        print("epoch", epoch, "loss %.5f" % loss)


# In[7]:

correct = 0
for x, y in zip(xs, ys):
    pred = 1 if score(x) > 0 else -1
    if pred == y:
        correct += 1
accuracy = correct / len(xs)
print("w =", [round(v, 3) for v in w], "b =", round(b, 3))


# In[8]:

print("first_loss=%.6f final_loss=%.6f" % (losses[0], losses[-1]))
print("accuracy=%.4f" % accuracy)
