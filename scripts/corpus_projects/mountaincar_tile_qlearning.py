"""Drives BockSong/Reinforcement-Learning-MountainCar (q_learning.py, a CMU 10-601 homework: Q-learning with linear
function approximation on the course's numpy Mountain Car, environment.py, whose "tile" mode codes the state with
Sutton's tiles.py into 2,048 binary features, 192 of them active at a time (64 tilings of position and velocity
together, 64 of each alone); a qlearning class with a 2048 x 3 weight matrix W from zeros and one scalar bias b,
epsilon-greedy actions, and after every step W[:, a] -= lr (q(s, a) - (r + gamma max q(s', .))) x(s) and the same
for b) run as its __main__ block does, from its command line: tile mode, 300 episodes of at most 200 steps, epsilon
0.05, gamma 0.99; knob: the learning rate on that command line, the tabular habit of 0.1 or a step divided among the
active tiles."""

import contextlib
import os
import runpy
import sys

import numpy as np

import _common

PROJECT = "mountaincar_tile_qlearning"
REPO = "BockSong/Reinforcement-Learning-MountainCar"
COMMIT = "afb98a58d2243cfd51c001ccd3c410f5a9f151a1"
FILES = {"q_learning.py": "q_learning.py", "environment.py": "environment.py", "tiles.py": "tiles.py"}
# environment.py's np_random() seeds the generator reset() draws the starting position from with a number taken from
# an unseeded RandomState (fresh OS entropy in every run); the driver fixes that RandomState's seed so both knobs
# and every re-run see the same starting positions (the epsilon-greedy draws use numpy's global generator, seeded)
DETERMINISM = ("rng = np.random.RandomState()", "rng = np.random.RandomState(0)")
# The learning rate, the last of the eight command-line arguments (no change to the files). Every tile-mode state
# has 192 features equal to 1, so one update changes q(s, a) by lr * 192 times the TD error (plus lr for the bias):
# the step overshoots once lr passes about 2 / 193 = 0.0104. healthy: 0.0005, about 0.1 / 192, the tabular step
# divided among the active tiles as Sutton and Barto advise for tile coding. broken: 0.1, the tabular habit: each
# update multiplies the TD error by about -18.
# healthy: the first episode times out at -200 (W from zeros is optimistic, the car explores), the mean return of the
# first 20 episodes is -188 and of the last 50 -134, every one of the last 50 reaches the flag, largest |W| 0.64.
# broken: no episode reaches the flag (every return -200, 284 of the healthy 300 do); the TD errors swing in sign and
# grow, and |W| with them, some 30-fold an episode (4.2 after the first, 4e30 after 20, 1e147 after 100, 3e301 after
# 200); q overflows to inf in episode 205 (numpy's overflow warning in state.dot(self.W)) and W is nan from episode
# 206 to the end (inf - inf), the greedy action argmax of nans always 0 (push left).
# budget: none in the file; the command line's 300 episodes of at most 200 steps take some 5 s
LEARNING_RATE = {"healthy": "0.0005", "broken": "0.1"}
EPISODES, MAX_ITERATIONS, EPSILON, GAMMA = 300, 200, 0.05, 0.99


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, {"environment.py": [DETERMINISM]})
    os.chdir(src)
    _common.seed(0)  # epsilon-greedy: np.random.rand, np.random.randint
    argv = sys.argv
    # the __main__ block's usage: <mode> <weight out> <returns out> <episodes> <max iterations> <epsilon> <gamma> <lr>
    sys.argv = ["q_learning.py", "tile", "tile_weight.out", "tile_returns.out", str(EPISODES), str(MAX_ITERATIONS),
                str(EPSILON), str(GAMMA), LEARNING_RATE[args.knob]]
    printed = _common.Tee(sys.stdout)
    try:
        with contextlib.redirect_stdout(printed):
            module = runpy.run_path("q_learning.py", run_name="__main__")  # builds qlearning(...), then model.run
    finally:
        sys.argv = argv
    returns = np.loadtxt("tile_returns.out")  # one total reward per episode, written by run()
    model = module["model"]
    with np.errstate(all="ignore"):
        max_w = float(np.abs(model.W).max())
    reached = returns > -float(MAX_ITERATIONS)
    _common.result(project=PROJECT, knob=args.knob, first_return=returns[0], first20_mean_return=returns[:20].mean(),
                   last50_mean_return=returns[-50:].mean(), last50_goal_rate=reached[-50:].mean(),
                   episodes_reaching_goal=int(reached.sum()), episodes=len(returns),
                   max_abs_w=max_w, finite_weights=bool(np.isfinite(model.W).all() and np.isfinite(model.b)))


if __name__ == "__main__":
    main()
