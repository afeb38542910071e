# which section of the paper does an article belong to? bag-of-words counts over a
# 24-word vocabulary, softmax regression, float32, minibatch SGD
import numpy as np

rng = np.random.default_rng(8)
n_docs, vocab, n_topics = 800, 24, 4

# each section prefers a different handful of words
topic_word = rng.dirichlet(np.full(vocab, 1.0), size=n_topics)
topics = rng.integers(0, n_topics, n_docs)
lengths = rng.integers(300, 1500, n_docs)
counts = np.stack([rng.multinomial(lengths[i], topic_word[topics[i]]) for i in range(n_docs)])
counts = counts.astype(np.float32)


def softmax(scores):
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)


def make_classifier(n_in, n_out, lr=0.01):
    W = np.zeros((n_in, n_out), dtype=np.float32)
    c = np.zeros(n_out, dtype=np.float32)

    def probs(x):
        return softmax(x @ W + c)

    def loss(x, y):
        p = probs(x)
        return float(-np.mean(np.log(p[np.arange(len(y)), y] + 1e-7)))

    def train_step(x, y):
        p = probs(x)
        p[np.arange(len(y)), y] -= 1.0      # dL/dscores
        p /= len(y)
        W[...] -= lr * (x.T @ p)
        c[...] -= lr * p.sum(axis=0)

    return probs, loss, train_step


probs, loss, train_step = make_classifier(vocab, n_topics)
print(f"first_loss={loss(counts, topics):.5f}")
for epoch in range(30):
    order = rng.permutation(n_docs)
    for s in range(0, n_docs, 32):
        idx = order[s:s + 32]
        train_step(counts[idx], topics[idx])
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d} loss {loss(counts, topics):.5f}")

print(f"final_loss={loss(counts, topics):.5f}")
print(f"accuracy={np.mean(probs(counts).argmax(axis=1) == topics):.3f}")
