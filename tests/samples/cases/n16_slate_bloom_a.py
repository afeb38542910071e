# 3-class problem, 10 inputs. Idea from a course: first pretrain the first layer as an
# autoencoder (unsupervised), then put three more layers on top and fine-tune everything.
import numpy as np

rng = np.random.RandomState(9)

# --- data: 3 clusters living near a 4-d subspace of a 10-d space
n_per = 150
basis = rng.randn(4, 10)
centres = rng.randn(3, 4) * 1.5
X = np.vstack([(centres[c] + 0.6 * rng.randn(n_per, 4)) @ basis for c in range(3)])
X += 0.1 * rng.randn(*X.shape)
X = (X - X.mean(axis=0)) / X.std(axis=0)
y = np.repeat(np.arange(3), n_per)
Y = np.eye(3)[y]


class Dense:
    def __init__(self, n_in, n_out, act):
        self.W = rng.randn(n_in, n_out) / np.sqrt(n_in)
        self.b = np.zeros(n_out)
        self.act = act

    def forward(self, x):
        self.x = x
        z = x @ self.W + self.b
        self.out = np.tanh(z) if self.act == "tanh" else z
        return self.out

    def backward(self, grad_out, lr):
        if self.act == "tanh":
            grad_out = grad_out * (1.0 - self.out ** 2)
        grad_in = grad_out @ self.W.T
        self.W -= lr * self.x.T @ grad_out
        self.b -= lr * grad_out.sum(axis=0)
        return grad_in


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


enc = Dense(10, 16, "tanh")
net = [enc, Dense(16, 16, "tanh"), Dense(16, 16, "tanh"), Dense(16, 3, "linear")]


def predict(x):
    for layer in net:
        x = layer.forward(x)
    return softmax(x)


def xent(P):
    return float(-np.mean(np.sum(Y * np.log(P + 1e-12), axis=1)))


print(f"first_loss={xent(predict(X)):.4f}")

# --- stage 1: pretrain layer 1 as the encoder of an autoencoder
dec = Dense(16, 10, "linear")
for it in range(150):
    rec = dec.forward(enc.forward(X))
    d = 2.0 * (rec - X) / X.size
    enc.backward(dec.backward(d, lr=0.5), lr=0.5)
    if it % 50 == 0:
        print(f"pretrain {it}: reconstruction error {np.mean((rec - X) ** 2):.4f}")

# --- stage 2: the three layers on top are still random, fine-tune the whole stack
for epoch in range(200):
    P = predict(X)
    grad = (P - Y) / len(X)
    for layer in reversed(net):
        grad = layer.backward(grad, lr=0.1)
    if epoch % 50 == 0:
        print(f"finetune {epoch}: loss {xent(P):.4f}")

P = predict(X)
print(f"final_loss={xent(P):.4f}")
print(f"accuracy={np.mean(P.argmax(axis=1) == y):.3f}")
