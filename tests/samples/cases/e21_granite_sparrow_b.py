# Guess which of four genomes a DNA read came from, from its dinucleotide counts, softmax regression
import numpy as np

rng = np.random.default_rng(8)

bases = 4
species = 4
pairs = bases * bases

# each genome has its own dinucleotide frequencies
pair_freq = rng.dirichlet(np.ones(pairs) * 20.0, size=species)

def read_counts(k, length):
    return rng.multinomial(length - 1, pair_freq[k]).astype(float)

n_reads = 600
labels = rng.integers(0, species, size=n_reads)
X = np.array([read_counts(k, rng.integers(300, 2500)) for k in labels])

n_train = 400
X_train, y_train = X[:n_train], labels[:n_train]
X_test, y_test = X[n_train:], labels[n_train:]

W = np.zeros((pairs, species))
b = np.zeros(species)
lr = 0.01
epochs = 300

def softmax(scores):
    e = np.exp(scores)
    return e / e.sum(axis=1, keepdims=True)

def nll(probs, y):
    return -np.mean(np.log(probs[np.arange(len(y)), y] + 1e-12))

print(f"first_loss={nll(softmax(X_train @ W + b), y_train):.6f}")

for epoch in range(epochs):
    scores = X_train @ W + b
    probs = softmax(scores)
    dscores = probs.copy()
    np.add.at(dscores, (np.arange(n_train), y_train), -1)
    dscores /= n_train
    W -= lr * X_train.T @ dscores
    b -= lr * dscores.sum(axis=0)
    if epoch % 50 == 0:
        print(f"epoch {epoch} loss={nll(probs, y_train):.4f}")

final_loss = nll(softmax(X_train @ W + b), y_train)
accuracy = np.mean(np.argmax(X_test @ W + b, axis=1) == y_test)
print(f"final_loss={final_loss:.6f}")
print(f"accuracy={accuracy:.4f}")
