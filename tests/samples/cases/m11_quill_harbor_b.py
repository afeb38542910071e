# sentiment from word counts -- logistic regression on a bag of words
# 24 word vocabulary, reviews are 10 to 1500 words long, float32 to keep it small
import numpy as np

rng = np.random.default_rng(11)
vocab = 24
n_docs = 400
label = (rng.random(n_docs) < 0.5).astype(np.float32)   # 1 = positive review
tilt = rng.normal(0.0, 0.6, size=vocab)
word_p_pos = np.exp(tilt) / np.exp(tilt).sum()
word_p_neg = np.exp(-tilt) / np.exp(-tilt).sum()
lengths = rng.integers(10, 1500, size=n_docs)
counts = np.zeros((n_docs, vocab), np.float32)
for d in range(n_docs):
    p = word_p_pos if label[d] == 1 else word_p_neg
    counts[d] = rng.multinomial(lengths[d], p)

params = {"w": np.zeros(vocab, np.float32), "b": np.zeros(1, np.float32)}


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def make_adam(params, lr=0.03, beta1=0.9, beta2=0.999, eps=1e-7):
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    t = [0]

    def step(grads):
        t[0] += 1
        for k in params:
            m[k] = beta1 * m[k] + (1 - beta1) * grads[k]
            v[k] = beta2 * v[k] + (1 - beta2) * grads[k] ** 2
            m_hat = m[k] / (1 - beta1 ** t[0])
            v_hat = v[k] / (1 - beta2 ** t[0])
            params[k] -= (lr * m_hat / (np.sqrt(v_hat) + eps)).astype(np.float32)

    return step


def bce(p, y):
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


adam_step = make_adam(params)
print(f"first_loss={bce(sigmoid(counts @ params['w'] + params['b']), label):.4f}")

batch = 40
for epoch in range(40):
    order = rng.permutation(n_docs)
    for i in range(0, n_docs, batch):
        idx = order[i:i + batch]
        p = sigmoid(counts[idx] @ params["w"] + params["b"])
        err = p - label[idx]
        adam_step({"w": counts[idx].T @ err / len(idx), "b": np.array([err.mean()], np.float32)})
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  loss {bce(sigmoid(counts @ params['w'] + params['b']), label):.4f}")

p = sigmoid(counts @ params["w"] + params["b"])
print(f"final_loss={bce(p, label):.4f}")
print(f"accuracy={np.mean((p > 0.5) == (label == 1)):.3f}")
