# softmax regression on 4 classes, data stored as features x samples
# (one column per example) like in the lecture slides
import numpy as np

np.random.seed(11)
D, K, M = 6, 4, 500

centres = np.random.randn(D, K) * 1.5
labels = np.random.randint(0, K, size=M)
X = centres[:, labels] + np.random.randn(D, M)     # D x M
Y = np.zeros((K, M))
Y[labels, np.arange(M)] = 1.0                       # one-hot, K x M


class SoftmaxCrossEntropy:
    def forward(self, scores, targets):
        shifted = scores - scores.max(axis=0, keepdims=True)
        e = np.exp(shifted)
        self.probs = e / e.sum(axis=0, keepdims=True)
        self.targets = targets
        return -np.sum(targets * np.log(self.probs + 1e-12)) / targets.shape[1]

    def backward(self):
        return (self.probs - self.targets) / self.targets.shape[1]


params = {"W": np.random.randn(K, D) * 0.01, "b": np.zeros((K, 1))}
criterion = SoftmaxCrossEntropy()
lr = 0.5

scores = params["W"] @ X + params["b"]
print(f"first_loss={criterion.forward(scores, Y):.4f}")

for epoch in range(301):
    loss = criterion.forward(scores, Y)
    dscores = criterion.backward()
    params["W"] -= lr * dscores @ X.T
    params["b"] -= lr * dscores.sum(axis=1, keepdims=True)
    if epoch % 50 == 0:
        print(f"epoch {epoch}: loss {loss:.4f}")

scores = params["W"] @ X + params["b"]
print(f"final_loss={criterion.forward(scores, Y):.4f}")
print(f"accuracy={np.mean(scores.argmax(axis=0) == labels):.3f}")
