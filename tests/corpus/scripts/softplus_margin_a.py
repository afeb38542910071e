import numpy as np

# evaluate a saved logistic model on a batch: loss = mean(log(1 + exp(-y * score)))
rng = np.random.default_rng(0)
X = rng.normal(loc=0.0, scale=40.0, size=(1000, 5))
w = np.array([3.0, -2.5, 4.0, 1.0, -3.5])
b = 0.5
scores = X @ w + b
y = np.sign(scores)
flip = rng.random(1000) < 0.05  # some labels in this batch are wrong
y[flip] = -y[flip]

margins = y * scores
losses = np.log(1.0 + np.exp(-margins))
loss = losses.mean()
acc = np.mean(np.sign(scores) == y)
print("loss per sample (first 5):", losses[:5])
print(f"final_loss={loss}")
print(f"accuracy={acc}")
