# Logistic regression on two sensor readings, columns are samples, minibatch gradient descent
import numpy as np

rng = np.random.default_rng(11)

n = 1200
temp = rng.uniform(0.0, 4.0, n)
vib = rng.uniform(0.0, 4.0, n)
fault = (1.2 * temp + 0.8 * vib + rng.normal(0, 0.3, n) > 4.0).astype(float)

feats = np.vstack([temp, vib])            # shape (2, n), one column per reading
X = feats
Y = fault.reshape(1, n)

X_tr, Y_tr = X[:, :1000], Y[:, :1000]
X_va, Y_va = X[:, 1000:], Y[:, 1000:]

W = rng.normal(0, 0.1, (1, X.shape[0]))
lr = 0.5
batch = 50
epochs = 40


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def bce(p, t):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


first_loss = bce(sigmoid(W @ X_tr), Y_tr)
for epoch in range(epochs):
    cols = rng.permutation(X_tr.shape[1])
    for k in range(0, len(cols), batch):
        c = cols[k:k + batch]
        xb, yb = X_tr[:, c], Y_tr[:, c]
        p = sigmoid(W @ xb)
        dW = (p - yb) @ xb.T / xb.shape[1]
        W -= lr * dW

    # validation, 50 columns at a time
    val_loss, correct = 0.0, 0
    for k in range(0, X_va.shape[1], 50):
        xv, yv = X_va[:, k:k + 50], Y_va[:, k:k + 50]
        pv = sigmoid(W @ xv)
        val_loss += bce(pv, yv) * xv.shape[1]
        correct += int(np.sum((pv > 0.5) == (yv > 0.5)))
    val_loss /= X_va.shape[1]
    if epoch % 10 == 0 or epoch == epochs - 1:
        print(f"epoch {epoch:2d}  val_loss {val_loss:.4f}  val_acc {correct / X_va.shape[1]:.3f}")

final_loss = bce(sigmoid(W @ X_tr), Y_tr)
print(f"first_loss={first_loss:.6f}")
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={correct / X_va.shape[1]:.4f}")
