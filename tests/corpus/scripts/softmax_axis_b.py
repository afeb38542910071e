import numpy as np

np.random.seed(40)


def softmax(scores):
    exp_scores = np.exp(scores - np.max(scores))
    return exp_scores / np.sum(exp_scores, axis=0)


# 3 classes, 4 features, full batch of 300 samples
N, D, C = 300, 4, 3
means = np.array([[2, 0, 0, 1], [0, 2, 1, 0], [-1, -1, 2, 2]], dtype=float)
y = np.random.randint(0, C, N)
X = means[y] + np.random.randn(N, D) * 0.8

W = 0.01 * np.random.randn(D, C)
b = np.zeros((1, C))
step_size = 0.5
reg = 1e-3

losses = []
for i in range(400):
    probs = softmax(X @ W + b)
    correct_logprobs = -np.log(probs[range(N), y] + 1e-12)
    loss = np.mean(correct_logprobs) + 0.5 * reg * np.sum(W * W)
    losses.append(loss)
    dscores = probs.copy()
    dscores[range(N), y] -= 1
    dscores /= N
    dW = X.T @ dscores + reg * W
    db = np.sum(dscores, axis=0, keepdims=True)
    W += -step_size * dW
    b += -step_size * db

pred = np.argmax(X @ W + b, axis=1)
print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
print(f"accuracy={np.mean(pred == y)}")
