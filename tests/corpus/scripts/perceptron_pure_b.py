import random

random.seed(11)

# two exam scores -> admitted or not. admitted when the scores add up to more than 12
data = []
for _ in range(200):
    s1 = random.uniform(2, 10)
    s2 = random.uniform(2, 10)
    if abs(s1 + s2 - 12) < 1.0:
        continue  # leave out the borderline cases
    label = 1 if s1 + s2 > 12 else -1
    data.append(([s1, s2], label))

weights = [0.0, 0.0]
bias = 0.0


def predict(x):
    activation = sum(wi * xi for wi, xi in zip(weights, x)) + bias
    return 1 if activation >= 0 else -1


for epoch in range(500):
    misclassified = 0
    for x, label in data:
        if predict(x) != label:
            misclassified += 1
            for i in range(len(weights)):
                weights[i] += label * x[i]
            bias += label
    if misclassified == 0:
        break

correct = sum(1 for x, label in data if predict(x) == label)
errors = len(data) - correct
print("weights", weights, "bias", bias)
print(f"accuracy={correct / len(data)}")
