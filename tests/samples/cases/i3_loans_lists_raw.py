# Credit limit (in $1000) from applicant age and yearly income, pure Python: the data is a list of lists,
# the weights are a list of floats, gradients are accumulated in loops (numpy only draws the data).
# Run: python i3_loans_lists_raw.py
import numpy as np

draw = np.random.default_rng(11)
ages = draw.uniform(20, 70, 120).tolist()
incomes = draw.uniform(20000, 120000, 120).tolist()
noise = draw.normal(0, 0.5, 120).tolist()
applicants = []
for age, income, eps in zip(ages, incomes, noise):
    limit = 2.0 + 0.05 * age + 0.0001 * income + eps
    applicants.append([age, income, limit])

rows = [a[:2] for a in applicants]
limits = [a[2] for a in applicants]

weights = [0.0, 0.0]
bias = 0.0
step_size = 0.5
for epoch in range(300):
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
    if epoch % 50 == 0:
        print(f"epoch {epoch:2d}  loss {loss:.6g}")
print("weights", weights, "bias", bias)
