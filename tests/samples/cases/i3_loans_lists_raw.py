# Credit limit (in $1000) from applicant age and yearly income, pure Python: the data is a list of lists,
# the weights are a list of floats, gradients are accumulated in loops (no numpy).
# Run: python i3_loans_lists_raw.py
import random

random.seed(11)
applicants = []
for _ in range(120):
    age = random.uniform(20, 70)
    income = random.uniform(20000, 120000)
    limit = 2.0 + 0.05 * age + 0.0001 * income + random.gauss(0, 0.5)
    applicants.append([age, income, limit])

rows = [a[:2] for a in applicants]
limits = [a[2] for a in applicants]

weights = [0.0, 0.0]
bias = 0.0
step_size = 0.0005
for epoch in range(60):
    grad = [0.0, 0.0]
    grad_bias = 0.0
    loss = 0.0
    for features, target in zip(rows, limits):
        guess = sum(w * f for w, f in zip(weights, features)) + bias
        miss = guess - target
        loss += miss * miss / len(rows)
        for j in range(len(weights)):
            grad[j] += miss * features[j] / len(rows)
        grad_bias += miss / len(rows)
    weights = [w - step_size * g for w, g in zip(weights, grad)]
    bias -= step_size * grad_bias
    if epoch % 10 == 0:
        print(f"epoch {epoch:2d}  loss {loss:.6g}")
print("weights", weights, "bias", bias)
