# Tiny review classifier: word frequencies per review, linear SVM (hinge loss) trained review by review.
import numpy as np

gen = np.random.default_rng(4)
vocab = ["great", "love", "fine", "bad", "awful", "slow", "fast", "faulty"]
good = ["great", "love", "fine", "fast"]
reviews, marks = [], []
for i in range(150):
    positive = i % 2 == 0
    pool = good if positive else ["bad", "awful", "slow", "faulty"]
    words = [str(gen.choice(pool)) for _ in range(int(gen.integers(2, 8)))]
    words += [str(gen.choice(vocab)) for _ in range(int(gen.integers(0, 3)))]
    if i % 37 == 5:
        words = ["ok", "meh"]            # some reviews use none of our words
    reviews.append(words)
    marks.append(1.0 if positive else -1.0)


def freq(words):
    counts = np.array([words.count(v) for v in vocab], dtype=float)
    total = counts.sum()
    return counts / max(total, 1.0)


vec = np.zeros(len(vocab))
off = 0.0
reg = 0.001
for sweep in range(25):
    hinge = 0.0
    for words, m in zip(reviews, marks):
        f = freq(words)
        margin = m * (f @ vec + off)
        hinge += max(1.0 - margin, 0.0)
        if margin >= 1.0:
            vec -= 0.2 * reg * vec
        else:
            vec += 0.2 * (m * f - reg * vec)
            off += 0.2 * m
    if sweep == 0:
        first = hinge / len(reviews)
    if sweep % 8 == 0:
        print("sweep", sweep, "hinge", round(hinge / len(reviews), 4))
right = sum((freq(w) @ vec + off > 0) == (m > 0) for w, m in zip(reviews, marks))
print(f"first_loss={first:.4f}")
print(f"final_loss={hinge / len(reviews):.4f}")
print(f"accuracy={right / len(reviews):.3f}")
