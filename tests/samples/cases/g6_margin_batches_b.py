# Logistic regression with labels in {-1, +1}, written with functions and minibatches.
# loss = mean(log(1 + exp(-label * score)))
import numpy as np


def make_data(seed=4, n=600):
    gen = np.random.default_rng(seed)
    feats = gen.normal(0.0, 1.0, (n, 5))
    true_dir = np.array([1.5, -2.0, 0.5, 0.0, 1.0])
    labels = np.where(feats @ true_dir + 0.3 * gen.normal(size=n) > 0, 1.0, -1.0)
    return feats, labels


def objective(params, feats, labels):
    direction, bias = params
    margin = labels * (feats @ direction + bias)
    return float(np.mean(np.logaddexp(0.0, -margin)))


def gradient(params, feats, labels):
    direction, bias = params
    margin = labels * (feats @ direction + bias)
    # d/dscore of log(1+exp(-y*s)) is -y * sigmoid(-y*s)
    coeff = labels / (1.0 + np.exp(margin))
    return [feats.T @ coeff / len(labels), float(np.mean(coeff))]


def train(feats, labels, speed=0.3, epochs=25, batch=50):
    params = [np.zeros(feats.shape[1]), 0.0]
    gen = np.random.default_rng(0)
    for ep in range(epochs):
        order = gen.permutation(len(labels))
        for start in range(0, len(labels), batch):
            pick = order[start:start + batch]
            g_dir, g_bias = gradient(params, feats[pick], labels[pick])
            params[0] = params[0] - speed * g_dir
            params[1] = params[1] - speed * g_bias
        if ep % 5 == 0:
            print(f"epoch={ep} loss={objective(params, feats, labels):.5f}")
    return params


feats, labels = make_data()
print(f"first_loss={objective([np.zeros(5), 0.0], feats, labels):.5f}")
params = train(feats, labels)
print(f"final_loss={objective(params, feats, labels):.5f}")
acc = float(np.mean(np.sign(feats @ params[0] + params[1]) == labels))
print(f"accuracy={acc:.3f}")
