# House prices (in $1000) from floor area in square feet and number of rooms, fitted one house at a time
# (stochastic gradient descent over the rows of a numpy table, several passes).
# Run: python i3_house_rows_sgd.py
import numpy as np

rs = np.random.RandomState(21)
count = 150
area_sqft = rs.uniform(500, 4000, count)
rooms = rs.randint(1, 7, count).astype(float)
price = 40 + 0.11 * area_sqft + 12 * rooms + rs.normal(0, 10, count)
table = np.column_stack([area_sqft, rooms])

slope = np.zeros(2)
intercept = 0.0
eta = 0.001
for sweep in range(15):
    order = rs.permutation(count)
    total = 0.0
    for row in order:
        house = table[row]
        miss = house @ slope + intercept - price[row]
        slope = slope - eta * miss * house
        intercept = intercept - eta * miss
        total += miss * miss
    print(f"pass {sweep:2d}  mean squared miss {total / count:.4g}")
print("slope", slope, "intercept", intercept)
