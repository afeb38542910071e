# Tiny tanh RNN (1 input, 6 hidden units, linear readout) that learns the sum of
# a 4-step sequence. Everything at top level: data, unrolled forward pass,
# backpropagation through time and the SGD update in one loop.
# Run: python rnn_toplevel.py
import numpy as np

np.random.seed(3)
n_seq, steps, hidden = 150, 4, 6
inputs = np.random.uniform(-1, 1, (n_seq, steps))
targets = inputs.sum(axis=1)

U = np.random.randn(hidden) * 0.5           # input -> hidden
W = np.random.randn(hidden, hidden) * 0.1   # hidden -> hidden
b = np.zeros(hidden)
V = np.random.randn(hidden) * 0.1           # hidden -> output
c = 0.0
alpha = 0.00001

for epoch in range(1000):
    # forward, unrolled over the time steps
    states = [np.zeros((n_seq, hidden))]
    for t in range(steps):
        states.append(np.tanh(np.outer(inputs[:, t], U) + np.dot(states[-1], W) + b))
    output = np.dot(states[-1], V) + c
    loss = np.mean((output - targets) ** 2)

    # backpropagation through time
    d_output = 2 * (output - targets) / n_seq
    dV = np.dot(states[-1].T, d_output)
    dc = np.sum(d_output)
    dU = np.zeros(hidden)
    dW = np.zeros((hidden, hidden))
    db = np.zeros(hidden)
    d_state = np.outer(d_output, V)
    for t in reversed(range(steps)):
        d_pre = d_state * (1 - states[t + 1] ** 2)
        dU += np.dot(inputs[:, t], d_pre)
        dW += np.dot(states[t].T, d_pre)
        db += d_pre.sum(axis=0)
        d_state = np.dot(d_pre, W.T)

    U -= alpha * dU
    W -= alpha * dW
    b -= alpha * db
    V -= alpha * dV
    c -= alpha * dc
    if epoch % 100 == 0:
        print("epoch %d loss %.6f" % (epoch, loss))

print("final loss %.6f" % np.mean((np.dot(states[-1], V) + c - targets) ** 2))
