# Reverse-mode autodiff on scalars, nodes with __slots__, fitting y = 2x - 1 by plain SGD over the whole set.
class Node:
    __slots__ = ("data", "grad", "_back", "_kids")

    def __init__(self, data, kids=()):
        self.data = float(data)
        self.grad = 0.0
        self._back = lambda: None
        self._kids = kids

    def __add__(self, o):
        o = o if isinstance(o, Node) else Node(o)
        out = Node(self.data + o.data, (self, o))
        def back():
            self.grad += out.grad
            o.grad += out.grad
        out._back = back
        return out

    def __mul__(self, o):
        o = o if isinstance(o, Node) else Node(o)
        out = Node(self.data * o.data, (self, o))
        def back():
            self.grad += o.data * out.grad
            o.grad += self.data * out.grad
        out._back = back
        return out

    def __sub__(self, o):
        return self + (o * -1.0)

    def backprop(self):
        topo, seen = [], set()
        def build(v):
            if id(v) not in seen:
                seen.add(id(v))
                for k in v._kids:
                    build(k)
                topo.append(v)
        build(self)
        self.grad = 1.0
        for v in reversed(topo):
            v._back()


xs = [i / 10.0 for i in range(-10, 11)]
ys = [2.0 * x - 1.0 for x in xs]
slope, offset = Node(0.0), Node(0.0)
LR = 1.15

for epoch in range(40):
    err_sum = Node(0.0)
    for x, y in zip(xs, ys):
        d = slope * x + offset - y
        err_sum = err_sum + d * d
    mse = err_sum * (1.0 / len(xs))
    slope.grad = offset.grad = 0.0
    mse.backprop()
    slope.data -= LR * slope.grad
    offset.data -= LR * offset.grad
    if epoch % 10 == 0:
        print(epoch, round(mse.data, 6))

print("slope", slope.data, "offset", offset.data)
