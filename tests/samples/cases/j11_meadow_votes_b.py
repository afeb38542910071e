# will a student pass? (hours studied, share of lectures attended)
# tiny logistic neuron written with plain python floats, updated one student at a time
import math
import random

random.seed(11)

students = []
for _ in range(150):
    hours = random.uniform(0.0, 10.0)
    attended = random.uniform(0.3, 1.0)
    score = 0.6 * hours + 5.0 * attended + random.gauss(0.0, 0.4)
    students.append(([hours / 10.0, attended], 1.0 if score > 6.5 else 0.0))


class Neuron:
    def __init__(self, n_inputs):
        self.w = [0.0] * n_inputs

    def forward(self, x):
        z = sum(wi * xi for wi, xi in zip(self.w, x))
        return 1.0 / (1.0 + math.exp(-z))

    def update(self, x, target, lr):
        err = self.forward(x) - target
        for k in range(len(self.w)):
            self.w[k] -= lr * err * x[k]

    def cost(self, data):
        total = 0.0
        for x, t in data:
            p = min(max(self.forward(x), 1e-9), 1.0 - 1e-9)
            total -= t * math.log(p) + (1.0 - t) * math.log(1.0 - p)
        return total / len(data)


neuron = Neuron(2)
print("first_loss=%.4f" % neuron.cost(students))
for epoch in range(60):
    random.shuffle(students)
    for x, t in students:
        neuron.update(x, t, lr=0.2)
    if epoch % 15 == 0:
        print("epoch %d  cost %.4f" % (epoch, neuron.cost(students)))

hits = sum((neuron.forward(x) > 0.5) == (t == 1.0) for x, t in students)
print("final_loss=%.4f" % neuron.cost(students))
print("accuracy=%.3f" % (hits / len(students)))
