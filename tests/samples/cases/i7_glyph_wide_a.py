# Tiny 8x8 "glyph" images (4 prototype shapes plus noise), 64 pixels in [0, 1].
# A wide relu layer (256 units) and softmax on top, minibatches of 50, plain SGD.
import numpy as np

rng = np.random.default_rng(17)
protos = (rng.uniform(size=(4, 64)) > 0.5).astype(float)
tags = rng.integers(0, 4, 400)
pixels = np.clip(protos[tags] + rng.normal(0, 0.9, (400, 64)), 0.0, 1.0)
pixels -= pixels.mean(axis=0)

first_layer = rng.standard_normal((64, 256))
first_bias = np.zeros(256)
second_layer = rng.standard_normal((256, 4))
second_bias = np.zeros(4)
rate = 0.01


def run(batch):
    act = np.maximum(batch @ first_layer + first_bias, 0.0)
    logit = act @ second_layer + second_bias
    logit -= logit.max(axis=1, keepdims=True)
    expd = np.exp(logit)
    return act, expd / expd.sum(axis=1, keepdims=True)


def loss_of(prob, which):
    return float(-np.mean(np.log(prob[np.arange(len(which)), which] + 1e-12)))


print(f"first_loss={loss_of(run(pixels)[1], tags):.4f}")
for epoch in range(10):
    perm = rng.permutation(400)
    for lo in range(0, 400, 50):
        sel = perm[lo:lo + 50]
        act, prob = run(pixels[sel])
        d_logit = prob
        d_logit[np.arange(len(sel)), tags[sel]] -= 1
        d_logit /= len(sel)
        d_act = (d_logit @ second_layer.T) * (act > 0)
        second_layer -= rate * act.T @ d_logit
        second_bias -= rate * d_logit.sum(axis=0)
        first_layer -= rate * pixels[sel].T @ d_act
        first_bias -= rate * d_act.sum(axis=0)
    if epoch % 5 == 4:
        print(f"epoch={epoch} loss={loss_of(run(pixels)[1], tags):.4f}")

prob = run(pixels)[1]
print(f"final_loss={loss_of(prob, tags):.4f}")
print(f"accuracy={np.mean(prob.argmax(axis=1) == tags):.3f}")
