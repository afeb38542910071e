# Logistic regression: will a seedling survive, from soil moisture and shade fraction (both 0..1), full-batch gradient descent
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Model:
    w: np.ndarray
    lr: float = 1.0
    history: list = field(default_factory=list)


def make_data(n, rng):
    moisture = rng.uniform(0.0, 1.0, size=n)
    shade = rng.uniform(0.0, 1.0, size=n)
    score = 2.0 * moisture + 0.4 * shade - 1.2 + rng.normal(0.0, 0.08, size=n)
    survived = (score > 0).astype(np.float64)
    X = np.column_stack([moisture, shade])
    return X, survived


def predict_proba(model, X):
    return 1.0 / (1.0 + np.exp(-(X @ model.w)))


def log_loss(p, y):
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def step(model, X, y):
    p = predict_proba(model, X)
    grad = X.T @ (p - y) / len(y)
    model.w = model.w - model.lr * grad
    model.history.append(log_loss(p, y))


rng = np.random.default_rng(11)
X_train, y_train = make_data(800, rng)
X_test, y_test = make_data(400, rng)

model = Model(w=np.zeros(X_train.shape[1]))
print(f"first_loss={log_loss(predict_proba(model, X_train), y_train):.4f}")

for it in range(2000):
    step(model, X_train, y_train)
    if it % 500 == 0:
        print(f"iter {it:4d} loss {model.history[-1]:.4f}")

final_loss = log_loss(predict_proba(model, X_train), y_train)
accuracy = float(np.mean((predict_proba(model, X_test) > 0.5) == y_test))
print(f"final_loss={final_loss:.4f}")
print(f"accuracy={accuracy:.4f}")
print(f"positive_rate={y_test.mean():.4f}")
