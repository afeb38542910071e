"""Drives jklaise/personal_website (notebooks/rl_policy_gradients.ipynb, Janis Klaise's post "Reinforcement learning
with policy gradients in pure Python": vanilla policy gradient (REINFORCE) with a LogisticPolicy class, a logistic
regression over the four cart-pole observations, theta from np.random.rand(4), grad-log-probs derived by hand,
temporally adjusted discounted rewards, one gradient-ascent step theta += alpha * grad_log_p.T @ discounted_rewards
after each episode; run_episode and train() as module functions) by its cells in order, train(theta=np.random.rand(4),
alpha=0.002, gamma=0.99, ...) on CartPole-v0, here a stand-in gym module with the classic cart-pole dynamics; knob:
the learning rate alpha."""

import json
import math
import os
import sys

import numpy as np

import _common

PROJECT = "klaise_pg_cartpole"
REPO = "jklaise/personal_website"
COMMIT = "aabcfeeabdaf63bf4371da6567229011f1c0cd55"
NOTEBOOK = "notebooks/rl_policy_gradients.ipynb"
MODULE = "rl_policy_gradients"
# The notebook's code cells that train: 8 (import gym, gym.make), 13 (LogisticPolicy), 16 (run_episode), 18 (train)
# and 20 (the seeded call with evaluate=True, 100 evaluation episodes through gym's Monitor). Left out: 9 and 10 (bare
# expressions showing the spaces), 22 and 24 (plots, with the %matplotlib magic), 31 to 43 (timing three ways of
# discounting rewards with %timeit).
CELLS = (8, 13, 16, 18, 20)
# The knob, cell 20's alpha. healthy: 0.002, as written: the episode score (steps the pole stays up, at most 200) is
# 35 on average over the first 50 episodes, 183 over the last 100 of 500, and the trained policy keeps the pole up
# 199 steps on average over the 100 evaluation episodes (theta about [0.1, -1.8, -3.2, -8.3]). broken: 0.00002, a
# hundredth, the learner's "policy gradients are noisy, take tiny steps": theta moves by a few hundredths in 500
# episodes, the scores stay where the random start leaves them, 20.5 over the first 50 and over the last 100 episodes,
# 19.9 in the evaluation. Nothing becomes inf or nan.
ALPHA = {"healthy": "α=0.002,", "broken": "α=0.00002,"}
# budget: MAX_EPISODES=2000 -> 500 (a healthy episode is up to 200 steps of Python; 500 episodes take some 3 s and
# the score has reached the 200-step ceiling by then)
EPISODES = 500
# CartPole-v0 stand-in (the project's environment; gym itself is not installed here)
GYM = '''"""Stand-in for OpenAI gym: only gym.make('CartPole-v0'), the classic cart-pole task (the pre-0.26 API: reset() returns
the observation, step() returns (observation, reward, done, info)), episodes cut at 200 steps as CartPole-v0 does."""

import math

import numpy as np


class CartPoleEnv:
    """The cart-pole dynamics of Barto, Sutton and Anderson (1983) as gym's classic_control/cartpole.py integrates them:
    Euler steps of 0.02 s, force +-10 N, cart 1 kg, pole 0.1 kg and half-length 0.5 m; an episode ends when the pole
    leans more than 12 degrees or the cart leaves [-2.4, 2.4], or after 200 steps; reward 1 for every step."""

    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    theta_threshold_radians = 12 * 2 * math.pi / 360
    x_threshold = 2.4
    max_episode_steps = 200

    def __init__(self):
        self.rng = np.random.RandomState()
        self.state = None
        self.steps = 0

    def seed(self, seed=None):
        self.rng = np.random.RandomState(seed)
        return [seed]

    def reset(self):
        self.state = self.rng.uniform(low=-0.05, high=0.05, size=(4,))
        self.steps = 0
        return np.array(self.state)

    def step(self, action):
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        total_mass = self.masspole + self.masscart
        polemass_length = self.masspole * self.length
        costheta, sintheta = math.cos(theta), math.sin(theta)
        temp = (force + polemass_length * theta_dot * theta_dot * sintheta) / total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta * costheta / total_mass))
        xacc = temp - polemass_length * thetaacc * costheta / total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = (x, x_dot, theta, theta_dot)
        self.steps += 1
        done = bool(x < -self.x_threshold or x > self.x_threshold or theta < -self.theta_threshold_radians
                    or theta > self.theta_threshold_radians or self.steps >= self.max_episode_steps)
        return np.array(self.state), 1.0, done, {}

    def render(self, *args, **kwargs):
        pass

    def close(self):
        pass


def make(name):
    if name != "CartPole-v0":
        raise ValueError(f"stand-in gym: only CartPole-v0, not {name!r}")
    return CartPoleEnv()
'''
MONITOR = '''"""Stand-in for gym.wrappers.monitor: Monitor passes every call through to the wrapped environment and keeps the
total reward of each episode; load_results returns them as the real one's episode_rewards."""

_RESULTS = {}


class Monitor:
    def __init__(self, env, directory, video_callable=None, force=False):
        self.env = env
        self.directory = directory
        self.rewards = _RESULTS.setdefault(directory, [])
        self.total = None

    def reset(self):
        if self.total is not None:
            self.rewards.append(self.total)
        self.total = 0.0
        return self.env.reset()

    def step(self, action):
        observation, reward, done, info = self.env.step(action)
        self.total += reward
        if done:
            self.rewards.append(self.total)
            self.total = None
        return observation, reward, done, info

    def close(self):
        self.env.close()


def load_results(directory):
    return {"episode_rewards": list(_RESULTS.get(directory, []))}
'''
STUBS = {"gym/__init__.py": GYM, "gym/wrappers/__init__.py": '"""Stand-in for gym.wrappers: only monitor."""\n',
         "gym/wrappers/monitor.py": MONITOR}


def notebook_module(notebook: dict, knob: str) -> str:
    cells = {index: "".join(notebook["cells"][index]["source"]).rstrip() for index in CELLS}
    where = f"{MODULE}.py"
    cells[20] = _common.patch(cells[20], "α=0.002,", ALPHA[knob], where)
    cells[20] = _common.patch(cells[20], "MAX_EPISODES=2000,", f"MAX_EPISODES={EPISODES},", where)
    return "\n\n".join(cells[index] for index in CELLS) + "\n"


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {}, stubs=STUBS)
    notebook = json.loads(_common.read(REPO, COMMIT, NOTEBOOK))
    with open(os.path.join(src, f"{MODULE}.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    os.chdir(src)
    _common.seed(0)  # cell 20 seeds numpy itself (np.random.seed(0)) and the environment (env.seed(0))
    nb = _common.load(MODULE)  # runs the cells in order, as the notebook does
    print()  # train() ends its progress line with a carriage return
    scores = np.array(nb.episode_rewards, dtype=float)
    evaluation = np.array(nb.load_results("pg_cartpole/")["episode_rewards"], dtype=float)
    theta = np.asarray(nb.policy.θ, dtype=float)
    first_bad = next((i for i, s in enumerate(scores) if not math.isfinite(s)), "none")
    _common.result(project=PROJECT, knob=args.knob, first50_score=scores[:50].mean(),
                   last100_score=scores[-100:].mean(), eval_score=evaluation.mean(), eval_episodes=len(evaluation),
                   loss=200.0 - evaluation.mean(), episodes=len(scores), first_nonfinite_episode=first_bad,
                   theta_norm=float(np.linalg.norm(theta)), finite_weights=bool(np.isfinite(theta).all()))


if __name__ == "__main__":
    main()
