# A one-hidden-layer classifier object; parameters and RMSprop caches in dicts keyed by name.
import numpy as np


class Classifier:
    def __init__(self, n_in, n_hidden, n_out, gen):
        self.params = {
            "W1": gen.normal(0.0, 1.0, (n_in, n_hidden)) * np.sqrt(2.0 / n_in),
            "b1": np.zeros(n_hidden),
            "W2": gen.normal(0.0, 1.0, (n_hidden, n_out)) * np.sqrt(2.0 / n_hidden),
            "b2": np.zeros(n_out),
        }
        self.cache = {k: np.zeros_like(v) for k, v in self.params.items()}

    def forward(self, xs):
        self.xs = xs
        self.hid = np.maximum(0.0, xs @ self.params["W1"] + self.params["b1"])
        scores = self.hid @ self.params["W2"] + self.params["b2"]
        scores = scores - scores.max(axis=1, keepdims=True)
        self.prob = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        return self.prob

    def backward(self, labels):
        d = self.prob.copy()
        d[np.arange(len(labels)), labels] -= 1.0
        d /= len(labels)
        dh = (d @ self.params["W2"].T) * (self.hid > 0)
        return {"W2": self.hid.T @ d, "b2": d.sum(axis=0), "W1": self.xs.T @ dh, "b1": dh.sum(axis=0)}

    def step(self, grads, lr=0.01, decay=0.9):
        for k in self.params:
            self.cache[k] = decay * self.cache[k] + (1 - decay) * grads[k] ** 2
            self.params[k] -= lr * grads[k] / (np.sqrt(self.cache[k]) + 1e-8)


gen = np.random.default_rng(4)
centres = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7], [0.0, 0.0]])
labels = np.repeat(np.arange(4), 60)
xs = centres[labels] + gen.normal(0.0, 0.45, (240, 2))
model = Classifier(2, 16, 4, gen)
for epoch in range(250):
    prob = model.forward(xs)
    loss = -np.mean(np.log(prob[np.arange(240), labels] + 1e-12))
    model.step(model.backward(labels))
    if epoch % 50 == 0:
        print(f"epoch {epoch} loss {loss:.4f} acc {np.mean(prob.argmax(axis=1) == labels):.3f}")
print(f"final loss {loss:.4f} acc {np.mean(prob.argmax(axis=1) == labels):.3f}")
