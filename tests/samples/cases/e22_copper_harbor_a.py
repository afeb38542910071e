# Linear least-squares SVM for spam-like word-count features, solved in closed form (no iterations)
import numpy as np

rng = np.random.default_rng(21)

n_train, n_test, d = 80, 400, 64
lam = 30.0      # regularisation strength

# documents share a few underlying topics, so the count features are correlated
topics = rng.normal(size=(6, d))
def make_docs(m):
    mix = rng.normal(size=(m, 6))
    feats = mix @ topics + 1.5 * rng.normal(size=(m, d))
    score = mix[:, 0] - 0.7 * mix[:, 1] + 0.3 * rng.normal(size=m)
    labels = np.where(score > 0, 1.0, -1.0)
    return feats, labels

X_tr, y_tr = make_docs(n_train)
X_te, y_te = make_docs(n_test)

mu, sd = X_tr.mean(axis=0), X_tr.std(axis=0)
X_tr = (X_tr - mu) / sd
X_te = (X_te - mu) / sd
Xb_tr = np.column_stack([X_tr, np.ones(n_train)])
Xb_te = np.column_stack([X_te, np.ones(n_test)])

def objective(w, Xb, y):
    margins = 1 - y * (Xb @ w)
    return np.mean(margins ** 2)

w0 = np.zeros(d + 1)
first_loss = objective(w0, Xb_tr, y_tr)

# LS-SVM with squared slack has a closed form: (X^T X + lam * I) w = X^T y, bias left unpenalised
penalty = np.eye(d + 1)
penalty[-1, -1] = 0.0
A = Xb_tr.T @ Xb_tr + lam * penalty
w = np.linalg.solve(A, Xb_tr.T @ y_tr)

final_loss = objective(w, Xb_tr, y_tr)
train_acc = np.mean(np.sign(Xb_tr @ w) == y_tr)
acc = np.mean(np.sign(Xb_te @ w) == y_te)
print(f"weight_norm={np.linalg.norm(w[:-1]):.3f}")
print(f"train_accuracy={train_acc:.4f}")
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={acc:.4f}")
