# One tanh neuron fitted with plain python floats, one sample at a time.
# Course exercise: no numpy allowed, so everything is lists and math.
import math

points = []
for i in range(81):
    # a 9 x 9 grid over the square [-1, 1] x [-1, 1]
    u = -1.0 + 2.0 * (i % 9) / 8
    v = -1.0 + 2.0 * (i // 9) / 8
    # the teacher neuron we try to recover
    points.append((u, v, math.tanh(1.8 * u - 1.2 * v + 0.4)))

weight_u, weight_v, offset = 0.05, -0.05, 0.0
step = 0.1


def cost():
    total = 0.0
    for u, v, t in points:
        total += (math.tanh(weight_u * u + weight_v * v + offset) - t) ** 2
    return total / len(points)


print(f"first_loss={cost():.6f}")
for sweep in range(30):
    for u, v, t in points:
        out = math.tanh(weight_u * u + weight_v * v + offset)
        slope = out * (1.0 - out)  # derivative of the squashing function
        delta = 2.0 * (out - t) * slope
        weight_u -= step * delta * u
        weight_v -= step * delta * v
        offset -= step * delta
    if sweep % 10 == 0:
        print(f"sweep={sweep} loss={cost():.6f}")

print(f"final_loss={cost():.6f}")
print(f"weights={weight_u:.3f},{weight_v:.3f},{offset:.3f}")
