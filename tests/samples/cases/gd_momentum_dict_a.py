# Two-feature quadratic-loss regression, parameters in a dict, heavy-ball momentum.
import numpy as np

rng = np.random.default_rng(7)
inputs = rng.normal(size=(400, 2))
targets = inputs @ np.array([1.5, -0.7]) + 0.3 + 0.05 * rng.normal(size=400)

params = {"coef": np.zeros(2), "offset": 0.0}
velocity = {"coef": np.zeros(2), "offset": 0.0}
step_size = 4.5
beta = 0.9


for epoch in range(400):
    guess = inputs @ params["coef"] + params["offset"]
    resid = guess - targets
    loss = np.mean(resid ** 2)
    grads = {"coef": inputs.T @ resid / len(targets), "offset": resid.mean()}
    for key in params:
        velocity[key] = beta * velocity[key] + grads[key]
        params[key] = params[key] - step_size * velocity[key]
    if epoch % 50 == 0:
        print(f"epoch {epoch} loss {loss:.6g}")
print(f"final loss {loss:.6g}", params["coef"], params["offset"])
