# Three-class softmax classifier with a ReLU hidden layer, integer labels, minibatches from a generator, momentum.
import numpy as np

rs = np.random.RandomState(7)
centres = np.array([[0.0, 2.0], [-1.8, -1.0], [1.8, -1.0]])
label_of = np.repeat(np.arange(3), 100)
points = centres[label_of] + rs.normal(0.0, 0.9, (300, 2))


def batches(size):
    order = rs.permutation(len(points))
    for lo in range(0, len(points), size):
        pick = order[lo:lo + size]
        yield points[pick], label_of[pick]


def scores(feats, net):
    hidden = np.maximum(0.0, feats @ net["A"] + net["a"])
    return hidden, hidden @ net["B"] + net["b"]


def probabilities(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    ex = np.exp(shifted)
    return ex / ex.sum(axis=1, keepdims=True)


net = {"A": rs.normal(0.0, 0.6, (2, 16)), "a": np.zeros(16), "B": rs.normal(0.0, 0.3, (16, 3)), "b": np.zeros(3)}
velocity = {k: np.zeros_like(v) for k, v in net.items()}
step_size = 30.0
for epoch in range(60):
    for feats, labs in batches(30):
        hidden, logits = scores(feats, net)
        prob = probabilities(logits)
        d_logits = prob.copy()
        d_logits[np.arange(len(labs)), labs] -= 1.0
        d_logits /= len(labs)
        d_hidden = (d_logits @ net["B"].T) * (hidden > 0)
        grads = {"B": hidden.T @ d_logits, "b": d_logits.sum(0), "A": feats.T @ d_hidden, "a": d_hidden.sum(0)}
        for k in net:
            velocity[k] = 0.9 * velocity[k] - step_size * grads[k]
            net[k] += velocity[k]
    if epoch % 10 == 0 or epoch == 59:
        _, logits = scores(points, net)
        prob = probabilities(logits)
        xent = -np.mean(np.log(prob[np.arange(300), label_of] + 1e-12))
        print(f"epoch {epoch} xent {xent:.4f} acc {np.mean(prob.argmax(1) == label_of):.3f}")
