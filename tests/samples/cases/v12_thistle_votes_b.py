# Predict a member's party from 24 yes/no votes.
# logistic regression, float32 to keep it light, one example at a time
import numpy as np

rng = np.random.default_rng(5)
n_members, n_bills = 240, 24
party = rng.integers(0, 2, size=n_members).astype(np.float32)
lean = np.where(rng.random(n_bills) < 0.5, 0.9, 0.1)         # how party 1 usually votes
p_yes = np.where(party[:, None] == 1, lean, 1 - lean)
votes = (rng.random((n_members, n_bills)) < p_yes).astype(np.float32)
votes = 2 * votes - 1                                          # yes=+1, no=-1


def make_model(n_in, lr):
    w = np.zeros(n_in, dtype=np.float32)
    b = np.float32(0.0)

    def predict_proba(X):
        z = X @ w + b
        return 1 / (1 + np.exp(-z))

    def loss(X, y):
        p = predict_proba(X)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

    def sgd_step(x, t):
        nonlocal b
        err = predict_proba(x) - t
        w[:] -= lr * err * x
        b -= lr * err

    return predict_proba, loss, sgd_step


predict_proba, loss, sgd_step = make_model(n_bills, lr=np.float32(1.0))
print(f"first_loss={loss(votes, party):.6f}")
for epoch in range(1, 31):
    for i in rng.permutation(n_members):
        sgd_step(votes[i], party[i])
    if epoch % 5 == 0:
        print(f"epoch {epoch}: log loss {loss(votes, party):.6f}")

print(f"final_loss={loss(votes, party):.6f}")
print(f"accuracy={np.mean((predict_proba(votes) > 0.5) == (party == 1)):.3f}")
