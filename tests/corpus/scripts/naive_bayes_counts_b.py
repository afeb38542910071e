import numpy as np

rng = np.random.default_rng(50)
vocab_size = 40
# word-count vectors for two kinds of messages; some words only ever appear in one kind
p_ham = rng.dirichlet(np.ones(vocab_size))
p_spam = rng.dirichlet(np.ones(vocab_size))
p_ham[:6] = 0.0
p_spam[6:12] = 0.0
p_ham /= p_ham.sum()
p_spam /= p_spam.sum()


def sample(p, n_docs):
    return np.array([rng.multinomial(rng.integers(5, 30), p) for _ in range(n_docs)])


X_train = np.vstack([sample(p_ham, 150), sample(p_spam, 150)])
y_train = np.r_[np.zeros(150, dtype=int), np.ones(150, dtype=int)]
X_test = np.vstack([sample(p_ham, 100), sample(p_spam, 100)])
y_test = np.r_[np.zeros(100, dtype=int), np.ones(100, dtype=int)]

# fit: class priors and per-class word probabilities from the counts
log_prior = np.log(np.bincount(y_train) / len(y_train))
word_counts = np.array([X_train[y_train == c].sum(axis=0) for c in (0, 1)])
word_probs = (word_counts + 1) / (word_counts.sum(axis=1, keepdims=True) + vocab_size)  # Laplace smoothing
log_likelihood = np.log(word_probs)

# predict
scores = X_test @ log_likelihood.T + log_prior
pred = scores.argmax(axis=1)
print("scores of the first test message:", scores[0])
print(f"accuracy={np.mean(pred == y_test)}")
