# %% [markdown]
# Notebook style, pure Python floats: fit y = a*x + c by gradient descent.
# Healthy twin: fit() is given the learning rate set in its own cell.

# %%
import math

xs = [i / 10 for i in range(30)]
ys = [2.5 * x - 1.0 + 0.1 * math.sin(7 * x) for x in xs]

# %%
learning_rate = 0.05


# %%
def fit(xs, ys, lr=1e-5, epochs=400):
    a, c = 0.0, 0.0
    n = len(xs)
    for epoch in range(epochs):
        ga = sum((a * x + c - y) * x for x, y in zip(xs, ys)) * 2 / n
        gc = sum((a * x + c - y) for x, y in zip(xs, ys)) * 2 / n
        a = a - lr * ga
        c = c - lr * gc
        if epoch % 80 == 0 or epoch == epochs - 1:
            print(f"epoch {epoch} loss={sum((a * x + c - y) ** 2 for x, y in zip(xs, ys)) / n:.4f}")
    return a, c


# %%
a, c = fit(xs, ys, lr=learning_rate)
mse = sum((a * x + c - y) ** 2 for x, y in zip(xs, ys)) / len(xs)
print(f"a={a:.3f} c={c:.3f} final loss={mse:.4f}")
