# Poisson regression for daily shop visits from weather and weekday features, full-batch gradient descent
import numpy as np

rng = np.random.default_rng(7)

n = 400
temp = rng.normal(18.0, 6.0, n)
rain = rng.exponential(2.0, n)
weekend = (rng.random(n) < 2 / 7).astype(float)

# standardize the continuous columns
temp_s = (temp - temp.mean()) / temp.std()
rain_s = (rain - rain.mean()) / rain.std()
X = np.column_stack([temp_s, rain_s, weekend])

true_w = np.array([0.25, -0.30, 0.40])
visits = rng.poisson(np.exp(6.6 + X @ true_w)).astype(float)

# constant part of the poisson deviance, so a perfect fit gives 0
sat = np.mean(visits * np.log(visits) - visits)

w = np.zeros(3)
b = np.log(visits.mean())  # start from the average count

lr = 0.05
for step in range(300):
    eta = X @ w + b
    mu = np.exp(eta)
    loss = np.mean(mu - visits * eta) + sat
    if step == 0:
        print(f"first_loss={loss:.4f}")
    err = mu - visits
    grad_w = X.T @ err / n
    grad_b = err.mean()
    # scale by the mean count so the step size is reasonable
    w -= lr * grad_w / visits.mean()
    b -= lr * grad_b / visits.mean()
    if step % 100 == 0:
        print(f"step={step} loss={loss:.4f}")

eta = X @ w + b
mu = np.exp(eta)
final_loss = np.mean(mu - visits * eta) + sat
ss_res = np.sum((visits - mu) ** 2)
ss_tot = np.sum((visits - visits.mean()) ** 2)
print(f"final_loss={final_loss:.4f}")
print(f"r2={1 - ss_res / ss_tot:.4f}")
print("w=", np.round(w, 3), "b=", round(float(b), 3))
