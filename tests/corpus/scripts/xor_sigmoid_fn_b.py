import numpy as np

np.random.seed(1)

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
y = np.array([[0], [1], [1], [0]], dtype=float)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_derivative(s):
    # s is already sigmoid(x)
    return s * (1 - s)


input_size, hidden_size, output_size = 2, 4, 1
W1 = np.random.uniform(-1, 1, (input_size, hidden_size))
b1 = np.zeros((1, hidden_size))
W2 = np.random.uniform(-1, 1, (hidden_size, output_size))
b2 = np.zeros((1, output_size))
lr = 0.5

losses = []
for epoch in range(5000):
    hidden = sigmoid(X @ W1 + b1)
    output = sigmoid(hidden @ W2 + b2)
    loss = np.mean((y - output) ** 2)
    losses.append(loss)

    d_output = (output - y) * sigmoid_derivative(output)
    d_hidden = d_output @ W2.T * sigmoid_derivative(hidden)

    W2 -= lr * hidden.T @ d_output
    b2 -= lr * d_output.sum(axis=0, keepdims=True)
    W1 -= lr * X.T @ d_hidden
    b1 -= lr * d_hidden.sum(axis=0, keepdims=True)

    if epoch % 1000 == 0:
        print(f"epoch {epoch}: loss {loss:.5f}")

pred = (output > 0.5).astype(int)
print("predictions", pred.ravel())
print(f"first_loss={losses[0]}")
print(f"final_loss={losses[-1]}")
print(f"accuracy={np.mean(pred == y)}")
