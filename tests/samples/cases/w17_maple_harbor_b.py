# Deep fully connected net on two noisy rings, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(7)

# two rings, inner one is class 0, outer one is class 1
n = 300
angle = rng.uniform(0, 2 * np.pi, 2 * n)
radius = np.concatenate([rng.normal(1.0, 0.15, n), rng.normal(2.0, 0.15, n)])
X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
y = np.concatenate([np.zeros(n), np.ones(n)]).reshape(-1, 1)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def hidden(z):
    return np.tanh(z)


def hidden_grad(a):
    return 1 - a ** 2


sizes = [2, 16, 16, 16, 16, 16, 16, 16, 16, 1]
model = {'layers': []}
for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
    model['layers'].append({
        'W': rng.normal(0, 1 / np.sqrt(fan_in), (fan_in, fan_out)),
        'b': np.zeros((1, fan_out)),
    })


def forward(a, i=0, acts=None):
    # walk through the layers one at a time, keep every activation
    if acts is None:
        acts = [a]
    if i == len(model['layers']):
        return acts
    layer = model['layers'][i]
    z = a @ layer['W'] + layer['b']
    if i == len(model['layers']) - 1:
        a = sigmoid(z)
    else:
        a = hidden(z)
    acts.append(a)
    return forward(a, i + 1, acts)


def bce(p, t):
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))


lr = 0.1
epochs = 1500
first_loss = None
for epoch in range(epochs):
    acts = forward(X)
    p = acts[-1]
    loss = bce(p, y)
    if first_loss is None:
        first_loss = loss
    # backward pass
    delta = (p - y) / len(X)
    for i in reversed(range(len(model['layers']))):
        layer = model['layers'][i]
        dW = acts[i].T @ delta
        db = delta.sum(axis=0, keepdims=True)
        if i > 0:
            delta = (delta @ layer['W'].T) * hidden_grad(acts[i])
        layer['W'] -= lr * dW
        layer['b'] -= lr * db
    if epoch % 300 == 0:
        print(f"epoch {epoch} loss {loss:.4f}")

p = forward(X)[-1]
accuracy = np.mean((p > 0.5) == (y > 0.5))
print(f"first_loss={first_loss:.4f}")
print(f"final_loss={bce(p, y):.4f}")
print(f"accuracy={accuracy:.4f}")
