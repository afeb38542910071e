# Classifier notebook, exported as a script
# coding: utf-8

# In[1]:


import numpy as np
np.random.seed(21)


# In[2]:


# toy data: 3 spoke measurements, label = does the wheel pass inspection
n = 500
X = np.random.randn(n, 3)
y = ((X[:, 0] * X[:, 1] + 0.5 * X[:, 2]) > 0).astype(float).reshape(n, 1)
print(X.shape, y.shape, y.mean())


# In[3]:


class Layer:
    def __init__(self, n_in, n_out, act):
        self.W = np.random.randn(n_in, n_out) * np.sqrt(1.0 / n_in)
        self.b = np.zeros((1, n_out))
        self.act = act
        # adam buffers
        self.mW = np.zeros_like(self.W)
        self.vW = np.zeros_like(self.W)
        self.mb = np.zeros_like(self.b)
        self.vb = np.zeros_like(self.b)

    def forward(self, inp):
        self.inp = inp
        z = inp @ self.W + self.b
        if self.act == "tanh":
            self.out = np.tanh(z)
        elif self.act == "sigmoid":
            self.out = 1 / (1 + np.exp(-z))
        else:
            self.out = z
        return self.out

    def backward(self, dout):
        if self.act == "tanh":
            dz = dout * (1 - self.out ** 2)
        elif self.act == "sigmoid":
            dz = dout * self.out * (1 - self.out)
        else:
            dz = dout
        self.dW = self.inp.T @ dz
        self.db = dz.sum(axis=0, keepdims=True)
        return dz @ self.W.T

    def adam(self, lr, t, b1=0.9, b2=0.999, eps=1e-8):
        self.mW = b1 * self.mW + (1 - b1) * self.dW
        self.vW = b2 * self.vW + (1 - b2) * self.dW ** 2
        self.mb = b1 * self.mb + (1 - b1) * self.db
        self.vb = b2 * self.vb + (1 - b2) * self.db ** 2
        self.W -= lr * (self.mW / (1 - b1 ** t)) / (np.sqrt(self.vW / (1 - b2 ** t)) + eps)
        self.b -= lr * (self.mb / (1 - b1 ** t)) / (np.sqrt(self.vb / (1 - b2 ** t)) + eps)


# In[4]:


net = [Layer(3, 12, "tanh"), Layer(12, 12, "tanh"), Layer(12, 1, "sigmoid")]

def run(x):
    for layer in net:
        x = layer.forward(x)
    return x

def bce(out, target):
    return -np.mean(target * np.log(out + 1e-8) + (1 - target) * np.log(1 - out + 1e-8))


# In[5]:


out = run(X)
print("first_loss=" + str(bce(out, y)))


# In[6]:


lr = 0.01
for t in range(1, 401):
    out = run(X)
    loss = bce(out, y)
    # dL/dout for binary cross entropy
    grad = (-(y / (out + 1e-8)) + (1 - y) / (1 - out + 1e-8)) / n
    for layer in reversed(net):
        grad = layer.backward(grad)
    for layer in net:
        layer.adam(lr, t)
    if t % 50 == 0:
        print("step", t, "loss", loss)
#     if loss < 0.05: break


# In[7]:


out = run(X)
print("final_loss=" + str(bce(out, y)))
print("accuracy=" + str(np.mean((out > 0.5) == y)))
