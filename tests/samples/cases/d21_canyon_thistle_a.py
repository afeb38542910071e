# Autoencoder squeezing 10-dim sensor vectors through a 2-unit bottleneck, trained with Adam
import numpy as np

np.random.seed(0)

# 10 channels that really only depend on two hidden knobs
n = 800
knobs = np.random.uniform(-1, 1, size=(n, 2))
mix = np.random.randn(2, 10)
phase = np.random.uniform(0, np.pi, 10)
data = np.sin(knobs @ mix + phase) + 0.3 * (knobs[:, :1] * knobs[:, 1:]) + 0.05 * np.random.randn(n, 10)
data = (data - data.mean(axis=0)) / data.std(axis=0)
train, test = data[:640], data[640:]


class Layer:
    def __init__(self, name):
        self.name = name
        self.params = {}
        self.grads = {}

    def forward(self, x):
        raise NotImplementedError

    def backward(self, grad_out):
        raise NotImplementedError


class Dense(Layer):
    def __init__(self, name, n_in, n_out):
        super().__init__(name)
        self.params["W"] = np.random.randn(n_in, n_out) / np.sqrt(n_in)
        self.params["b"] = np.zeros(n_out)

    def forward(self, x):
        self.x_in = x
        return np.dot(x, self.params["W"]) + self.params["b"]

    def backward(self, grad_out):
        self.grads["W"] = np.dot(self.x_in.T, grad_out)
        self.grads["b"] = np.sum(grad_out, axis=0)
        return np.dot(grad_out, self.params["W"].T)


class Tanh(Layer):
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, grad_out):
        return grad_out * (1.0 - self.y ** 2)


class Sequential:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad):
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad


class Adam:
    def __init__(self, model, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        self.model = model
        self.lr = lr
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.t = 0
        self.m = {}
        self.v = {}

    def step(self):
        self.t += 1
        for layer in self.model.layers:
            for pname, p in layer.params.items():
                key = layer.name + "." + pname
                g = layer.grads[pname]
                if key not in self.m:
                    self.m[key] = np.zeros_like(p)
                    self.v[key] = np.zeros_like(p)
                self.m[key] = self.beta1 * self.m[key] + (1 - self.beta1) * g
                self.v[key] = self.beta2 * self.v[key] + (1 - self.beta2) * g ** 2
                mh = self.m[key] / (1 - self.beta1 ** self.t)
                vh = self.v[key] / (1 - self.beta2 ** self.t)
                p -= self.lr * mh / (np.sqrt(vh) + self.eps)


autoenc = Sequential([
    Dense("enc1", 10, 24), Tanh("act1"),
    Dense("code", 24, 2), Tanh("act2"),
    Dense("dec1", 2, 24), Tanh("act3"),
    Dense("out", 24, 10),
])

learning_rate = 5e-3
opt = Adam(autoenc, lr=learning_rate)
batch_size = 64
n_epochs = 80

epoch_losses = []
first_loss = None
for ep in range(n_epochs):
    shuffled = train[np.random.permutation(len(train))]
    running = []
    for k in range(0, len(shuffled), batch_size):
        xb = shuffled[k:k + batch_size]
        recon = autoenc(xb)
        loss = np.mean((recon - xb) ** 2)
        autoenc.backward(2.0 * (recon - xb) / xb.size)
        opt.step()
        if first_loss is None:
            first_loss = loss
        running.append(loss)
    epoch_losses.append(np.mean(running))
    if ep % 20 == 0:
        print("epoch %d  recon mse %.4f" % (ep, epoch_losses[-1]))

recon_test = autoenc(test)
r2 = 1.0 - np.sum((recon_test - test) ** 2) / np.sum((test - test.mean(axis=0)) ** 2)
print("first_loss=%.4f" % first_loss)
print("final_loss=%.4f" % epoch_losses[-1])
print("r2=%.4f" % r2)
