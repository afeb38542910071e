# classify rock samples from a quarry into 3 grades using 4 lab measurements
# one hidden sigmoid layer + softmax, columns are samples (like Andrew Ng's course)
import numpy as np

np.random.seed(5)

m = 450                      # number of samples
n_x, n_h, n_y = 4, 12, 3

# three grades, each a blob around its own centre
grade = np.random.randint(0, n_y, size=m)
centres = np.array([[0.0, 1.5, -1.0],
                    [1.0, -1.0, 0.5],
                    [-1.0, 0.5, 1.5],
                    [0.5, 0.0, -1.0]])          # n_x x n_y
X = centres[:, grade] + 0.6 * np.random.randn(n_x, m)
Y = np.zeros((n_y, m))
Y[grade, np.arange(m)] = 1

W1 = np.random.randn(n_h, n_x) * 0.5
b1 = np.zeros((n_h, 1))
W2 = np.random.randn(n_y, n_h) * 0.5
b2 = np.zeros((n_y, 1))

learning_rate = 1.0


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_derivative(s):
    return s * (1 - s)


def softmax(z):
    z = z - np.max(z, axis=0, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=0, keepdims=True)


def forward_propagation(X):
    Z1 = np.dot(W1, X) + b1
    A1 = sigmoid(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2


def compute_cost(A2, Y):
    return -np.sum(Y * np.log(A2 + 1e-12)) / Y.shape[1]


_, _, _, A2 = forward_propagation(X)
print("first_loss=" + str(round(compute_cost(A2, Y), 5)))

for i in range(400):
    Z1, A1, Z2, A2 = forward_propagation(X)
    cost = compute_cost(A2, Y)

    dZ2 = A2 - Y
    dW2 = np.dot(dZ2, A1.T) / m
    db2 = np.sum(dZ2, axis=1, keepdims=True) / m
    dA1 = np.dot(W2.T, dZ2)
    dZ1 = dA1 * sigmoid_derivative(A1)
    dW1 = np.dot(dZ1, X.T) / m
    db1 = np.sum(dZ1, axis=1, keepdims=True) / m

    W1 = W1 - learning_rate * dW1
    b1 = b1 - learning_rate * db1
    W2 = W2 - learning_rate * dW2
    b2 = b2 - learning_rate * db2

    if i % 100 == 0:
        print("Cost after iteration %i: %f" % (i, cost))

_, _, _, A2 = forward_propagation(X)
print("final_loss=" + str(round(compute_cost(A2, Y), 5)))
predictions = np.argmax(A2, axis=0)
print("accuracy=" + str(np.mean(predictions == grade)))
