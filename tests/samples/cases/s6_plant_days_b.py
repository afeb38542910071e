# %% power output of a small plant from 4 readings; rows are features, columns are days
import numpy as np

rng = np.random.default_rng(9)
coef_true = np.array([[0.8, -1.2, 0.5, 2.0]])
days = rng.normal(size=(4, 160))
output = coef_true @ days + 3.0 + 0.3 * rng.normal(size=(1, 160))
train_x, test_x = days[:, :80], days[:, 80:]
train_y, test_y = output[:, :80], output[:, 80:]

# %% model
m = train_x.shape[1]
coef = np.zeros((1, 4))
level = 0.0
rate = 0.1

# %% fit
for it in range(300):
    pred = coef @ train_x + level
    gap = pred - train_y
    sq = np.mean(gap ** 2)
    if it == 0:
        print(f"first_loss={sq:.4f}")
    coef -= rate * (gap @ train_x.T) / m
    level -= rate * np.mean(gap)
    if it % 100 == 0:
        print(f"it={it} mse={sq:.4f}")

# %% evaluate on the held-out days
print(f"final_loss={sq:.4f}")
test_pred = coef @ test_x + level
test_mse = np.mean((test_pred - test_y) ** 2)
print(f"test_mse={test_mse:.4f}")
print(f"r2={1 - test_mse / np.var(test_y):.3f}")
