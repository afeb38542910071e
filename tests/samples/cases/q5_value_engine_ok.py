# A tiny scalar autograd engine (Value nodes holding .data and .grad floats) fitting one tanh neuron.
import math


class Value:
    def __init__(self, data, parents=(), local=()):
        self.data = data
        self.grad = 0.0
        self.parents = parents
        self.local = local

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data))

    def __sub__(self, other):
        return self + other * -1.0

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,))

    def backward(self):
        order, seen = [], set()

        def visit(node):
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node.parents:
                    visit(parent)
                order.append(node)
        visit(self)
        self.grad = 1.0
        for node in reversed(order):
            for parent, d in zip(node.parents, node.local):
                parent.grad += d * node.grad


points = [[math.sin(1.7 * i + 0.3), math.cos(2.3 * i)] for i in range(16)]
samples = [(pt, math.tanh(0.8 * pt[0] - 0.5 * pt[1] + 0.1)) for pt in points]
knobs = [Value(0.3), Value(-0.2), Value(0.05)]
for rnd in range(60):
    total = Value(0.0)
    for pt, want in samples:
        out = (knobs[0] * pt[0] + knobs[1] * pt[1] + knobs[2]).tanh()
        diff = out - want
        total = total + diff * diff
    for k in knobs:
        k.grad = 0.0
    total.backward()
    for k in knobs:
        k.data -= 0.05 * k.grad
    if rnd % 10 == 0 or rnd == 59:
        print(f"round {rnd} loss {total.data:.6f}")
