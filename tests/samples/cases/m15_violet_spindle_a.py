# courier price model: cost of a delivery from distance (km), parcel weight (kg) and number of stops
# 80/20 train/validation split, minibatch SGD, stop once the validation error stops improving
import random
import numpy as np

random.seed(11)
np.random.seed(11)

N = 500
dist = np.random.uniform(1, 30, N)
weight = np.random.uniform(0.5, 20, N)
stops = np.random.randint(1, 8, N).astype(float)
cost = 4.0 + 1.2 * dist + 0.8 * weight + 2.5 * stops + np.random.normal(0, 2.0, N)

features = np.column_stack([dist, weight, stops])
features = (features - features.mean(axis=0)) / features.std(axis=0)
target = cost.reshape(-1, 1)

order = np.random.permutation(N)
cut = int(0.8 * N)
X_train, y_train = features[order[:cut]], target[order[:cut]]
X_val, y_val = features[order[cut:]], target[order[cut:]]

params = {"w": np.zeros(3), "b": 0.0}


def predict(X):
    return X @ params["w"] + params["b"]


def mse(X, y):
    return np.mean((predict(X) - y) ** 2)


lr = 0.02
batch_size = 32
patience = 8
best_val = mse(X_val, y_val)
best_params = {"w": params["w"].copy(), "b": params["b"]}
bad_epochs = 0

print(f"first_loss={mse(X_train, y_train):.4f}")
rows = list(range(len(X_train)))
for epoch in range(300):
    random.shuffle(rows)
    for k in range(0, len(rows), batch_size):
        batch = rows[k:k + batch_size]
        xb, yb = X_train[batch], y_train[batch]
        err = predict(xb) - yb
        grad_w = np.zeros(3)
        for j in range(3):
            grad_w[j] = 2 * np.mean(err * xb[:, j])
        grad_b = 2 * np.mean(err)
        params["w"] = params["w"] - lr * grad_w
        params["b"] = params["b"] - lr * grad_b

    # evaluation pass on the held-out part
    val_loss = mse(X_val, y_val)
    if epoch % 5 == 0:
        print(f"epoch {epoch}: train {mse(X_train, y_train):.4f}  val {val_loss:.4f}")
    if val_loss < best_val - 1e-4:
        best_val = val_loss
        best_params = {"w": params["w"].copy(), "b": params["b"]}
        bad_epochs = 0
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stop at epoch {epoch}, best val {best_val:.4f}")
            break

params = best_params
print(f"final_loss={mse(X_train, y_train):.4f}")
print(f"val_loss={mse(X_val, y_val):.4f}")
print(f"r2={1 - mse(X_val, y_val) / np.var(y_val):.3f}")
