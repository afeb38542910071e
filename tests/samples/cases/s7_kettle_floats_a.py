# how long a kettle takes to boil from how full it is -- plain python, no numpy
import random


class BoilTimer:
    def __init__(self, pace, push):
        self.slope = 0.0
        self.base = 0.0
        self.vs = 0.0   # momentum for slope
        self.vb = 0.0   # momentum for base
        self.pace = pace
        self.push = push

    def guess(self, litres):
        return self.slope * litres + self.base

    def fit_one(self, litres, secs):
        miss = self.guess(litres) - secs
        self.vs = self.push * self.vs + miss * litres
        self.vb = self.push * self.vb + miss
        self.slope -= self.pace * self.vs
        self.base -= self.pace * self.vb

    def mse(self, rows):
        return sum((self.guess(a) - b) ** 2 for a, b in rows) / len(rows)


random.seed(3)
rows = []
for _ in range(80):
    fill = random.uniform(0.2, 1.7)
    rows.append((fill, 95.0 * fill + 40.0 + random.gauss(0, 4.0)))

timer = BoilTimer(pace=1e-7, push=0.9)
print(f"first_loss={timer.mse(rows):.3f}")
for lap in range(60):
    random.shuffle(rows)
    for fill, secs in rows:
        timer.fit_one(fill, secs)
    if lap % 20 == 0:
        print(f"lap={lap} mse={timer.mse(rows):.3f}")
print(f"final_loss={timer.mse(rows):.3f}")
print(f"slope={timer.slope:.2f} base={timer.base:.2f}")
