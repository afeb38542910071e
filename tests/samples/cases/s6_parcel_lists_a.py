# will a parcel arrive late? two positive readings (distance in 100 km, load in tonnes), python lists only
import math
import random

random.seed(8)
rows = []
for _ in range(200):
    dist = random.uniform(0.0, 5.0)
    load = random.uniform(0.0, 5.0)
    late = 1.0 if dist + load + random.gauss(0, 0.4) > 6.0 else 0.0
    rows.append(([dist, load], late))


class Scorer:
    def __init__(self):
        self.w = [0.0, 0.0]
        self.c = 0.0

    def prob(self, x):
        s = self.w[0] * x[0] + self.w[1] * x[1] + self.c
        return 1.0 / (1.0 + math.exp(-s))

    def learn(self, x, t, pace):
        d = self.prob(x) - t
        self.w[0] -= pace * d * x[0]
        self.w[1] -= pace * d * x[1]
        self.c -= pace * d


def logloss(model):
    tot = 0.0
    for x, t in rows:
        q = min(max(model.prob(x), 1e-12), 1 - 1e-12)
        tot -= t * math.log(q) + (1 - t) * math.log(1 - q)
    return tot / len(rows)


model = Scorer()
print(f"first_loss={logloss(model):.4f}")
for rnd in range(40):
    for x, t in rows:
        model.learn(x, t, 0.05)
    if rnd % 10 == 0:
        print(f"round={rnd} logloss={logloss(model):.4f}")

print(f"final_loss={logloss(model):.4f}")
hits = sum((model.prob(x) > 0.5) == (t > 0.5) for x, t in rows)
print(f"accuracy={hits / len(rows):.3f}")
