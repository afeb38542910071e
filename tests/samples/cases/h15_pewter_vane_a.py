# classify short messages into 3 topics from their word counts
# 2 layer net, written as forward/backward function pairs like in the cs231n notes
import numpy as np

np.random.seed(11)

VOCAB = 25
TOPICS = 3
PER_TOPIC = 100
HIDDEN = 16


def make_messages():
    word_probs = np.random.dirichlet(np.full(VOCAB, 0.3), size=TOPICS)
    labels = np.repeat(np.arange(TOPICS), PER_TOPIC)
    counts = np.zeros((len(labels), VOCAB), dtype=np.float32)
    for i, topic in enumerate(labels):
        length = np.random.randint(5, 1200)
        words = np.random.choice(VOCAB, length, p=word_probs[topic])
        counts[i] = np.bincount(words, minlength=VOCAB)
    return counts, labels


def affine_forward(x, w, b):
    out = x @ w + b
    cache = (x, w)
    return out, cache


def affine_backward(dout, cache):
    x, w = cache
    dx = dout @ w.T
    dw = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db


def relu_forward(x):
    out = np.maximum(0, x)
    return out, x


def relu_backward(dout, cache):
    dx = dout.copy()
    dx[cache <= 0] = 0
    return dx


def softmax_loss(scores, y):
    exp_scores = np.exp(scores)
    probs = exp_scores / exp_scores.sum(axis=1, keepdims=True)
    n = scores.shape[0]
    loss = -np.mean(np.log(probs[np.arange(n), y] + 1e-9))
    dscores = probs.copy()
    dscores[np.arange(n), y] -= 1
    dscores /= n
    return loss, dscores


def forward(x, params):
    a1, cache1 = affine_forward(x, params["W1"], params["b1"])
    h1, cache_r = relu_forward(a1)
    scores, cache2 = affine_forward(h1, params["W2"], params["b2"])
    return scores, (cache1, cache_r, cache2)


def backward(dscores, caches):
    cache1, cache_r, cache2 = caches
    dh1, dW2, db2 = affine_backward(dscores, cache2)
    da1 = relu_backward(dh1, cache_r)
    _, dW1, db1 = affine_backward(da1, cache1)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


X, y = make_messages()
params = {
    "W1": (0.01 * np.random.randn(VOCAB, HIDDEN)).astype(np.float32),
    "b1": np.zeros(HIDDEN, dtype=np.float32),
    "W2": (0.01 * np.random.randn(HIDDEN, TOPICS)).astype(np.float32),
    "b2": np.zeros(TOPICS, dtype=np.float32),
}
learning_rate = 0.05

scores, _ = forward(X, params)
loss, _ = softmax_loss(scores, y)
print(f"first_loss={loss:.4f}")

for it in range(400):
    scores, caches = forward(X, params)
    loss, dscores = softmax_loss(scores, y)
    grads = backward(dscores, caches)
    for name in params:
        params[name] -= learning_rate * grads[name]
    if it % 50 == 0:
        print(f"iter {it:3d}  loss {loss:.4f}")

scores, _ = forward(X, params)
loss, _ = softmax_loss(scores, y)
print(f"final_loss={loss:.4f}")
print(f"accuracy={np.mean(scores.argmax(axis=1) == y):.3f}")
