# logistic model for card fraud, written as a little class like in the course notebook
import numpy as np

rng = np.random.default_rng(73)
amount = rng.normal(size=(300, 4))
flag = (amount @ np.array([1.2, -0.7, 0.9, 0.3]) + 0.4 * rng.normal(size=300) > 0.5).astype(float)


class FraudModel:
    def __init__(self, inputs, answers, alpha):
        self.inputs = inputs
        self.answers = answers
        self.alpha = alpha
        self.theta = np.zeros(inputs.shape[1])
        self.bias = 0.0
        self.prob = self.predict(inputs)

    def predict(self, rows):
        return 1.0 / (1.0 + np.exp(-(rows @ self.theta + self.bias)))

    def logloss(self):
        p = np.clip(self.predict(self.inputs), 1e-12, 1 - 1e-12)
        return float(-np.mean(self.answers * np.log(p) + (1 - self.answers) * np.log(1 - p)))

    def fit(self, rounds):
        for r in range(rounds):
            self.prob = self.predict(self.inputs)
            diff = self.prob - self.answers
            self.theta -= self.alpha * self.inputs.T @ diff / len(diff)
            self.bias -= self.alpha * np.mean(diff)
            if r % 50 == 0:
                print(f"round={r} logloss={self.logloss():.4f}")


model = FraudModel(amount, flag, alpha=0.5)
print(f"first_loss={model.logloss():.4f}")
model.fit(150)
print(f"final_loss={model.logloss():.4f}")
print(f"accuracy={np.mean((model.predict(amount) > 0.5) == flag):.3f}")
