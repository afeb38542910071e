# Compress 12-channel sensor snapshots into 3 numbers and back.
"""Compress 12-channel sensor snapshots into 3 numbers and back.

Network: 12 -> 3 (tanh) -> 12 (linear), squared-error reconstruction loss, Adam.
"""
import numpy as np


def sensor_snapshots(n, seed=0):
    rng = np.random.default_rng(seed)
    hidden = rng.uniform(-1.0, 1.0, size=(n, 3))
    mixing = rng.normal(size=(3, 12))
    snap = np.tanh(hidden @ mixing) + 0.05 * rng.normal(size=(n, 12))
    return (snap - snap.mean(axis=0)) / snap.std(axis=0)


class Network:
    def __init__(self, n_in, n_code, learning_rate=0.01, seed=4):
        rng = np.random.default_rng(seed)
        self.params = {
            "W_enc": rng.normal(0, 1 / np.sqrt(n_in), size=(n_in, n_code)),
            "b_enc": np.zeros(n_code),
            "W_dec": rng.normal(0, 1 / np.sqrt(n_code), size=(n_code, n_in)),
            "b_dec": np.zeros(n_in),
        }
        self.learning_rate = learning_rate
        self.m = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.v = {k: np.zeros_like(v) for k, v in self.params.items()}
        self.t = 0

    def encode(self, X):
        return np.tanh(X @ self.params["W_enc"] + self.params["b_enc"])

    def predict(self, X):
        return self.encode(X) @ self.params["W_dec"] + self.params["b_dec"]

    def loss(self, X):
        return float(np.mean(np.sum((self.predict(X) - X) ** 2, axis=1)))

    def _grads(self, X):
        code = self.encode(X)
        out = code @ self.params["W_dec"] + self.params["b_dec"]
        d_out = 2 * (out - X) / len(X)
        d_code = (d_out @ self.params["W_dec"].T) * (1 - code ** 2)
        return {
            "W_dec": code.T @ d_out,
            "b_dec": d_out.sum(axis=0),
            "W_enc": X.T @ d_code,
            "b_enc": d_code.sum(axis=0),
        }

    def _adam(self, grads, b1=0.9, b2=0.999, eps=1e-8):
        self.t += 1
        for k, g in grads.items():
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * g ** 2
            m_hat = self.m[k] / (1 - b1 ** self.t)
            v_hat = self.v[k] / (1 - b2 ** self.t)
            self.params[k] -= self.learning_rate * m_hat / (np.sqrt(v_hat) + eps)

    def fit(self, X, epochs=30, batch_size=50, verbose=True):
        rng = np.random.default_rng(0)
        for epoch in range(epochs):
            order = rng.permutation(len(X))
            for i in range(0, len(X), batch_size):
                self._adam(self._grads(X[order[i:i + batch_size]]))
            if verbose and (epoch + 1) % 10 == 0:
                print(f"  epoch {epoch + 1}: reconstruction error {self.loss(X):.4f}")
        return self


def main():
    X = sensor_snapshots(1000)
    net = Network(12, 3, learning_rate=0.01)
    print(f"first_loss={net.loss(X):.4f}")
    net.fit(X)
    final = net.loss(X)
    print(f"final_loss={final:.4f}")
    print(f"r2={1 - final / np.sum(X.var(axis=0)):.3f}")


if __name__ == '__main__':
    main()
