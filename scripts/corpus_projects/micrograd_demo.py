"""Drives karpathy/micrograd (scalar autograd engine + MLP) with the training cells of its demo.ipynb; knob: learning rate."""

import json
import os

import _common

PROJECT = "micrograd_demo"
REPO = "karpathy/micrograd"
COMMIT = "c911406e5ace8742e5841a7e0df113ecb5d54685"
FILES = ["micrograd/__init__.py", "micrograd/engine.py", "micrograd/nn.py"]
LEARNING_RATE = {"healthy": "1.0", "broken": "10.0"}
# The notebook's cells that train (imports, seeds, model, loss, optimisation), by index in demo.ipynb. The
# dataset cell (sklearn's make_moons, matplotlib) is replaced by MOONS, two interleaved half circles in numpy.
# Cell 1 is replaced by IMPORTS (its matplotlib import and %matplotlib magic are not Python a module can run).
TRAINING_CELLS = ("imports", 2, 3, "moons", 5, 6, 7)
IMPORTS = '''# (corpus driver) stands in for the notebook's first cell without matplotlib
import random
import numpy as np'''
MOONS = '''# (corpus driver) stands in for the notebook's dataset cell: make_moons(n_samples=30, noise=0.1) in numpy
_angle = np.linspace(0, np.pi, 15)
X = np.concatenate([np.stack([np.cos(_angle), np.sin(_angle)], 1),
                    np.stack([1 - np.cos(_angle), 0.5 - np.sin(_angle)], 1)]) + np.random.normal(0, 0.1, (30, 2))
y = np.concatenate([np.zeros(15, int), np.ones(15, int)])
y = y*2 - 1 # make y be -1 or 1'''


def notebook_module(notebook: dict, knob: str) -> str:
    cells = notebook["cells"]
    parts = []
    for index in TRAINING_CELLS:
        stand_in = {"imports": IMPORTS, "moons": MOONS}
        parts.append(stand_in[index] if index in stand_in else "".join(cells[index]["source"]).rstrip())
    text = "\n\n".join(parts) + "\n"
    text = _common.patch(text, "for k in range(100):", "for k in range(12):", "demo_train.py")  # the budget
    text = _common.patch(text, "learning_rate = 1.0 - 0.9*k/100",
                         f"learning_rate = {LEARNING_RATE[knob]} - 0.9*k/100", "demo_train.py")
    return text


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {f: f for f in FILES})
    notebook = json.loads(_common.read(REPO, COMMIT, "demo.ipynb"))
    with open(os.path.join(src, "demo_train.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    _common.seed(1337)
    demo = _common.load("demo_train")  # runs the cells in order, as the notebook does
    total_loss, acc = demo.loss()
    _common.result(project=PROJECT, knob=args.knob, loss=total_loss.data, accuracy=acc)


if __name__ == "__main__":
    main()
