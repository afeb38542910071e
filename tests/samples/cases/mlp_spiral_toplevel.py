# Two-layer neural network (2 -> 64 ReLU -> 3 softmax) on the classic 3-arm
# spiral toy data set, trained with full-batch gradient descent on the softmax
# cross-entropy. Top-level script with the @ operator.
# Run: python mlp_spiral_toplevel.py
import numpy as np

np.random.seed(0)
N = 100  # points per class
D = 2    # input dimension
K = 3    # classes
X = np.zeros((N * K, D))
y = np.zeros(N * K, dtype=int)
for j in range(K):
    ix = range(N * j, N * (j + 1))
    r = np.linspace(0.0, 1, N)
    t = np.linspace(j * 4, (j + 1) * 4, N) + np.random.randn(N) * 0.2
    X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
    y[ix] = j

h = 64
W1 = 0.01 * np.random.randn(D, h)
b1 = np.zeros((1, h))
W2 = 0.01 * np.random.randn(h, K)
b2 = np.zeros((1, K))
step_size = 1.0
num_examples = X.shape[0]

for i in range(2500):
    hidden = np.maximum(0, X @ W1 + b1)
    scores = hidden @ W2 + b2
    # softmax, shifted by the row max for numerical stability
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    exp_scores = np.exp(shifted)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    correct_logprobs = -np.log(probs[range(num_examples), y])
    loss = np.sum(correct_logprobs) / num_examples
    if i % 250 == 0:
        print("iteration %d: loss %f" % (i, loss))

    dscores = probs.copy()
    dscores[range(num_examples), y] -= 1
    dscores /= num_examples
    dW2 = hidden.T @ dscores
    db2 = np.sum(dscores, axis=0, keepdims=True)
    dhidden = dscores @ W2.T
    dhidden[hidden <= 0] = 0
    dW1 = X.T @ dhidden
    db1 = np.sum(dhidden, axis=0, keepdims=True)

    W1 += -step_size * dW1
    b1 += -step_size * db1
    W2 += -step_size * dW2
    b2 += -step_size * db2

hidden = np.maximum(0, X @ W1 + b1)
predicted_class = np.argmax(hidden @ W2 + b2, axis=1)
print("final loss %f" % loss)
print("training accuracy: %.2f" % np.mean(predicted_class == y))
