# No training: standardise a batch of readings, score it with fixed weights and report the log-likelihood.
import numpy as np

table = np.array([[12.0, 3.1, 7.0, 0.50], [15.0, 2.9, 7.0, 0.61], [9.0, 3.4, 7.0, 0.44],
                  [20.0, 2.2, 7.0, 0.80], [11.0, 3.0, 7.0, 0.52], [17.0, 2.6, 7.0, 0.73]])
answer = np.array([0, 1, 0, 1, 0, 1])
centre = table.mean(axis=0)
spread = table.std(axis=0)
scaled = (table - centre) / np.where(spread > 0, spread, 1.0)
coef = np.array([1.2, -0.8, 0.4, 1.1])
logit = scaled @ coef - 0.1
prob = 1.0 / (1.0 + np.exp(-logit))
loglik = np.sum(answer * np.log(prob) + (1 - answer) * np.log(1 - prob))
print("scaled rows", np.round(scaled, 2))
print("probabilities", np.round(prob, 3))
print(f"log-likelihood {loglik:.4f} accuracy {np.mean((prob > 0.5) == answer):.3f}")
