# The training loop runs in a worker thread (numpy's error state is per thread): the weights grow
# until the sigmoid is exactly 1.0 for a positive sample and the gradient computes 0/0.
import threading

import numpy as np

results = {}


def train():
    x = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    t = np.array([[1.0], [0.0], [1.0], [0.0]])
    w = np.array([[0.5], [0.5]])
    for step in range(60):
        a = 1 / (1 + np.exp(-(x @ w)))
        dl = -t / a + (1 - t) / (1 - a)
        w = w - 8.0 * x.T @ dl
    results["w"] = w


worker = threading.Thread(target=train)
worker.start()
worker.join()
print("w:", results["w"].ravel())
