# Softmax regression on bag-of-words counts from a few hand-written sentences (weather / cooking / football)
import numpy as np

rng = np.random.default_rng(3)

sentences = {
    0: ["the rain will clear by the afternoon with a cold wind from the north",
        "expect heavy clouds and some snow on the hills tonight",
        "a warm sunny morning then thunder storms in the evening",
        "fog in the valley and light drizzle along the coast"],
    1: ["chop the onions and fry them in butter until soft",
        "bake the bread in a hot oven for forty minutes",
        "stir the sauce and add salt pepper and a little garlic",
        "boil the pasta then drain it and mix with the cheese"],
    2: ["the striker scored twice before half time",
        "the keeper saved a penalty in the final minute",
        "a late goal from the captain won the match for the home team",
        "the referee showed a red card after the second foul"],
}
filler = "the a and in then with for from on of".split()

vocab = sorted({w for sents in sentences.values() for s in sents for w in s.split()} | set(filler))
index = {w: i for i, w in enumerate(vocab)}
print("vocab size", len(vocab))

def make_docs(n_per_class):
    docs, labels = [], []
    for label, sents in sentences.items():
        pool = " ".join(sents).split()
        for _ in range(n_per_class):
            words = list(rng.choice(pool, size=5)) + list(rng.choice(filler, size=3))
            docs.append(words)
            labels.append(label)
    return docs, np.array(labels)

def counts(docs):
    X = np.zeros((len(docs), len(vocab)))
    for i, words in enumerate(docs):
        for w in words:
            X[i, index[w]] += 1
    return X

train_docs, y_train = make_docs(60)
test_docs, y_test = make_docs(30)
X_train, X_test = counts(train_docs), counts(test_docs)
n_classes = 3
Y = np.eye(n_classes)[y_train]

W = np.zeros((len(vocab), n_classes))
b = np.zeros(n_classes)
params = [W, b]
lr = 0.5

def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)

losses = []
for step in range(150):
    probs = softmax(X_train @ W + b)
    loss = -np.mean(np.sum(Y * np.log(probs + 1e-12), axis=1))
    losses.append(loss)
    d_logits = (probs - Y) / len(X_train)
    grads = [X_train.T @ d_logits, d_logits.sum(axis=0)]
    for p, g in zip(params, grads):
        p = p - lr * g
    if step % 50 == 0:
        print(f"step {step} loss={loss:.4f}")

test_pred = np.argmax(softmax(X_test @ W + b), axis=1)
print(f"first_loss={losses[0]:.4f}")
print(f"final_loss={losses[-1]:.4f}")
print(f"accuracy={np.mean(test_pred == y_test):.4f}")
