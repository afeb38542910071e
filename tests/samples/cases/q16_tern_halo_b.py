# %% [markdown]
# # Ring classifier - homework 3
# Three classes of points: inner disc, middle ring, outer ring.
# Network: 2 -> 48 (relu) -> 3 (softmax), trained with Adam on minibatches.

# %%
import numpy as np

np.random.seed(11)

# %%
# ---- make the data ----
n_per_class = 400
radius_lo = [0.0, 1.3, 2.4]
radius_hi = [0.9, 2.0, 3.2]

points = []
labels = []
for c in range(3):
    r = np.random.uniform(radius_lo[c], radius_hi[c], n_per_class)
    angle = np.random.uniform(0, 2 * np.pi, n_per_class)
    xy = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    points.append(xy)
    labels.append(np.full(n_per_class, c))

points = np.concatenate(points, axis=0)
labels = np.concatenate(labels, axis=0)
print("data:", points.shape, labels.shape)

# %%
# shuffle + train/test split 80/20
perm = np.random.permutation(len(points))
points = points[perm]
labels = labels[perm]

n_train = int(0.8 * len(points))
X_train, X_test = points[:n_train], points[n_train:]
y_train, y_test = labels[:n_train], labels[n_train:]

# %%
# standardise with the training statistics
mu = X_train.mean(axis=0)
sd = X_train.std(axis=0)
X_train = (X_train - mu) / sd
X_test = (X_test - mu) / sd
print("train mean after scaling:", X_train.mean(axis=0).round(3))

# %%
# one hot targets
n_classes = 3
Y_train = np.eye(n_classes)[y_train]
Y_test = np.eye(n_classes)[y_test]

# %%
# ---- parameters ----
n_in, n_hidden = 2, 48
W1 = np.random.randn(n_in, n_hidden) * np.sqrt(2.0 / n_in)
W2 = np.random.randn(n_hidden, n_classes) * np.sqrt(2.0 / n_hidden)

params = [W1, W2]
m_state = [np.zeros_like(p) for p in params]
v_state = [np.zeros_like(p) for p in params]

# %%
# hyperparameters
lr = 0.01
beta1, beta2, eps = 0.9, 0.999, 1e-8
batch_size = 32
epochs = 40
t = 0

# %%
# ---- training ----
for epoch in range(epochs):
    # full training set loss at the start of every epoch
    h = np.maximum(0, X_train @ W1)
    s = h @ W2
    s = s - s.max(axis=1, keepdims=True)
    pr = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    l = -np.mean(np.sum(Y_train * np.log(pr + 1e-12), axis=1))
    if epoch == 0:
        print(f"first_loss={l:.5f}")
    if epoch % 5 == 0:
        acc = np.mean(pr.argmax(axis=1) == y_train)
        print(f"epoch {epoch:2d}  loss {l:.4f}  train acc {acc:.3f}")

    order = np.random.permutation(n_train)
    for start in range(0, n_train, batch_size):
        idx = order[start:start + batch_size]
        xb, yb = X_train[idx], Y_train[idx]

        # forward
        z1 = xb @ W1
        a1 = np.maximum(0, z1)
        z2 = a1 @ W2
        z2 = z2 - z2.max(axis=1, keepdims=True)
        p = np.exp(z2) / np.exp(z2).sum(axis=1, keepdims=True)

        # backward
        dz2 = (p - yb) / len(idx)
        dW2 = a1.T @ dz2
        da1 = dz2 @ W2.T
        dz1 = da1 * (z1 > 0)
        dW1 = xb.T @ dz1
        grads = [dW1, dW2]

        # adam
        t += 1
        for i in range(len(params)):
            m_state[i] = beta1 * m_state[i] + (1 - beta1) * grads[i]
            v_state[i] = beta2 * v_state[i] + (1 - beta2) * grads[i] ** 2
            m_hat = m_state[i] / (1 - beta1 ** t)
            v_hat = v_state[i] / (1 - beta2 ** t)
            params[i] -= lr * m_hat / (np.sqrt(v_hat) + eps)

# %%
# ---- evaluation ----
h_tr = np.maximum(0, X_train @ W1)
s_tr = h_tr @ W2
s_tr = s_tr - s_tr.max(axis=1, keepdims=True)
pr_tr = np.exp(s_tr) / np.exp(s_tr).sum(axis=1, keepdims=True)
final_loss = -np.mean(np.sum(Y_train * np.log(pr_tr + 1e-12), axis=1))
train_acc = np.mean(pr_tr.argmax(axis=1) == y_train)

h_test = np.maximum(0, X_test @ W1)
s_test = h_test @ W2
pred_test = s_test.argmax(axis=1)
test_acc = np.mean(pred_test == y_test)

print(f"final_loss={final_loss:.5f}")
print(f"train accuracy {train_acc:.3f}")
print(f"accuracy={test_acc:.4f}")

# %%
# confusion matrix on the test set (rows = true class)
confusion = np.zeros((n_classes, n_classes), dtype=int)
for true_c, pred_c in zip(y_test, pred_test):
    confusion[true_c, pred_c] += 1
print(confusion)

# %%
# per class accuracy
for c in range(n_classes):
    total_c = confusion[c].sum()
    print(f"class {c}: {confusion[c, c]}/{total_c} correct")
