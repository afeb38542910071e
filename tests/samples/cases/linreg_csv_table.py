# Linear regression of fuel consumption (litres/100 km) on engine size, weight
# and horsepower, from a small embedded CSV table. Top-level script: parse,
# standardize, then full-batch gradient descent on the mean squared error.
# Run: python linreg_csv_table.py
import io
import numpy as np

CSV = """engine,weight,hp,consumption
1.2,1010,75,5.6
1.4,1120,90,6.1
1.6,1205,110,6.8
2.0,1390,140,7.9
2.5,1520,170,8.8
3.0,1680,210,10.2
1.0,950,65,5.1
1.8,1300,125,7.2
2.2,1450,150,8.3
1.5,,100,6.4
2.8,1610,190,9.6
3.5,1840,250,11.4
1.3,1080,82,5.9
2.4,1500,160,8.6
1.9,1330,130,7.5
"""

data = np.genfromtxt(io.StringIO(CSV), delimiter=",", skip_header=1)
X = data[:, :3]
y = data[:, 3]

X = (X - X.mean(axis=0)) / X.std(axis=0)

w = np.zeros(3)
b = 0.0
lr = 0.1
for epoch in range(500):
    y_pred = X @ w + b
    residual = y_pred - y
    loss = np.mean(residual ** 2)
    grad_w = 2 * X.T @ residual / len(y)
    grad_b = 2 * residual.mean()
    w -= lr * grad_w
    b -= lr * grad_b
    if epoch % 50 == 0:
        print(f"epoch {epoch} loss={loss:.4f}")

print("w:", w, "b:", b)
print("final loss", np.mean((X @ w + b - y) ** 2))
