import numpy as np


class SoftmaxClassifier:
    def __init__(self, n_features, n_classes, lr=0.01, seed=0):
        rng = np.random.RandomState(seed)
        self.W = rng.randn(n_features, n_classes) * 0.01
        self.b = np.zeros(n_classes)
        self.lr = lr

    @staticmethod
    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def loss(self, X, Y):
        P = self.softmax(X @ self.W + self.b)
        return -np.mean(np.sum(Y * np.log(P + 1e-15), axis=1))

    def fit(self, X, Y, epochs):
        history = []
        for epoch in range(epochs):
            P = self.softmax(X @ self.W + self.b)
            G = (P - Y) / len(X)
            self.W -= self.lr * X.T @ G
            self.b -= self.lr * G.sum(axis=0)
            history.append(self.loss(X, Y))
        return history


# 8x8 "images" with pixel intensities 0..16, 4 classes drawn from class templates
rng = np.random.RandomState(1)
templates = rng.randint(0, 17, size=(4, 64)).astype(float)
labels = rng.randint(0, 4, size=600)
X = np.clip(templates[labels] + rng.randn(600, 64) * 3, 0, 16)
Y = np.eye(4)[labels]

clf = SoftmaxClassifier(64, 4, lr=1.0)
first_loss = clf.loss(X, Y)
history = clf.fit(X, Y, epochs=300)
acc = np.mean(clf.softmax(X @ clf.W + clf.b).argmax(axis=1) == labels)
print(f"first_loss={first_loss}")
print(f"final_loss={history[-1]}")
print(f"accuracy={acc}")
