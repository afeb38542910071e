# Fit a straight line to temperature readings with plain Python floats, whole batch each pass.
import math

hours = [-2.0 + 4.0 * ((k * 7) % 24) / 23 for k in range(24)]
temps = [1.7 * h - 0.4 + 0.1 * math.sin(3.7 * k) for k, h in enumerate(hours)]

slope, offset = 0.0, 0.0
pace = 0.1
for sweep in range(600):
    d_slope, d_offset, total = 0.0, 0.0, 0.0
    for h, t in zip(hours, temps):
        miss = slope * h + offset - t
        total += miss * miss
        d_slope += 2.0 * miss * h
        d_offset += 2.0 * miss
    count = len(hours)
    slope -= pace * d_slope / count
    offset -= pace * d_offset / count
    if sweep % 100 == 0:
        print(f"sweep {sweep} mse {total / count:.4g} slope {slope:.4g}")
print("final slope", slope, "offset", offset)
