# Three flower kinds from two petal measurements; relu hidden layer, softmax output,
# SGD with momentum on the whole set. Helper functions like in the course notebook.
import numpy as np

rng = np.random.default_rng(8)
centres = np.array([[2.0, 0.0], [-1.0, 1.7], [-1.0, -1.7]])
kind = np.repeat(np.arange(3), 80)
petals = centres[kind] + rng.normal(0, 0.6, (240, 2))


def init_params(n_in, n_mid, n_cls):
    return [np.ones((n_in, n_mid)) * 0.05, np.zeros(n_mid), np.ones((n_mid, n_cls)) * 0.05, np.zeros(n_cls)]


def forward(params, feats):
    w1, b1, w2, b2 = params
    mid = np.maximum(0.0, feats @ w1 + b1)
    scores = mid @ w2 + b2
    scores = scores - scores.max(axis=1, keepdims=True)
    prob = np.exp(scores)
    return mid, prob / prob.sum(axis=1, keepdims=True)


def gradients(params, feats, kinds):
    w1, b1, w2, b2 = params
    mid, prob = forward(params, feats)
    d_scores = prob.copy()
    d_scores[np.arange(len(kinds)), kinds] -= 1.0
    d_scores /= len(kinds)
    d_mid = (d_scores @ w2.T) * (mid > 0)
    return [feats.T @ d_mid, d_mid.sum(axis=0), mid.T @ d_scores, d_scores.sum(axis=0)]


def xent(params):
    prob = forward(params, petals)[1]
    return float(-np.mean(np.log(prob[np.arange(len(kind)), kind] + 1e-12)))


params = init_params(2, 10, 3)
velocity = [np.zeros_like(p) for p in params]
print(f"first_loss={xent(params):.4f}")
for it in range(300):
    grads = gradients(params, petals, kind)
    for k in range(4):
        velocity[k] = 0.9 * velocity[k] - 0.05 * grads[k]
        params[k] += velocity[k]

print(f"final_loss={xent(params):.4f}")
print(f"accuracy={np.mean(forward(params, petals)[1].argmax(axis=1) == kind):.3f}")
