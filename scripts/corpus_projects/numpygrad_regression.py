"""Drives njkrichardson/numpygrad (a numpy autograd library with a PyTorch-like API: Array graph, nn.MLP of Linear
modules, optim.SGD, DataLoader) by its examples/regression_1d/main.py, run as `python -m examples.regression_1d.main
--optimizer sgd`; knob: the dataset's input normalisation (x / 2 pi) kept or skipped."""

import logging
import os
import runpy
import sys

import numpy as np

import _common

PROJECT = "numpygrad_regression"
REPO = "njkrichardson/numpygrad"
COMMIT = "12d48e6bdbeb604b96f89cd8537c7c5787876136"
EXAMPLE_FILES = ["examples/regression_1d/data.py", "examples/regression_1d/main.py",
                 "examples/regression_1d/visuals.py", "examples/utils/optional_mpl.py", "examples/utils/signals.py"]
# healthy: the dataset as written, inputs x / (2 pi) in [-1, 1] (SGD: the logged train loss 0.476 at step 0 -> 0.104
# at step 900, final train 0.101, test 0.142); broken: the raw inputs x in [-2 pi, 2 pi] (data.py keeps them and
# says "TODO deprecate normalization"): their mean square is ~13 times larger, so the same SGD step overshoots, the
# weights grow from the fifth step on, the logged loss is 1.4e158 at step 100 and nan from step 200 on
INPUTS = {"healthy": "inputs_norm", "broken": "inputs"}
# the README's quick start trains nn.MLP with optim.SGD(step_size=1e-1); the example offers the same optimizer by
# --optimizer sgd; the budget is --num-steps 1000 instead of 3000
ARGV = ["main.py", "--optimizer", "sgd", "--num-steps", "1000"]


def quiet_clock_logger(name: str) -> None:
    """The example logs through numpygrad's CustomLogger with a wall-clock time on stderr; configured here first
    (CustomLogger then adds no handler of its own), the same records go to stdout without the time."""
    logger = logging.getLogger(name)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.handler_set = True


def main() -> None:
    args = _common.parse(__doc__)
    patches = {
        "examples/regression_1d/data.py": [
            ("super().__init__(inputs_norm, targets)", f"super().__init__({INPUTS[args.knob]}, targets)")],
        # Python 3.11 has no `type X = ...` statement (3.12): the two aliases become plain assignments, same lines
        "src/numpygrad/core/__init__.py": [("type ndarray = array", "ndarray = array")],
        "src/numpygrad/core/array.py": [("type ArrayCoercible = ", "ArrayCoercible = Any; _ArrayCoercibleText = ")],
    }
    files = {f: f for f in _common.python_files(REPO, COMMIT, "src/numpygrad") + EXAMPLE_FILES}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, files, patches)
    sys.path.insert(0, os.path.join(src, "src"))  # the package lives under src/, as the editable install has it
    os.chdir(src)
    _common.seed(0)
    printed = _common.Tee(sys.stdout)
    sys.stdout, sys.argv = printed, ARGV
    quiet_clock_logger("__main__")  # after stdout is the Tee, so the log lines are kept
    # matplotlib is optional for the examples (README: without it they train as usual and draw nothing); it is
    # hidden while the example runs, so no figure is drawn or saved
    hidden = sys.modules.get("matplotlib", None)
    sys.modules["matplotlib"] = None
    try:
        runpy.run_module("examples.regression_1d.main", run_name="__main__")
    finally:
        sys.stdout = printed.through
        if hidden is None:
            del sys.modules["matplotlib"]
        else:
            sys.modules["matplotlib"] = hidden
    lines = printed.kept.getvalue().splitlines()

    def value(prefix):
        return [float(line.rsplit("=" if "loss=" in line else ": ", 1)[1]) for line in lines
                if line.startswith(prefix)]

    steps = value("INFO Step ")
    _common.result(project=PROJECT, knob=args.knob, first_loss=steps[0], last_step_loss=steps[-1],
                   train_loss=value("INFO Final train loss")[0], test_loss=value("INFO Final test loss")[0],
                   nan_reports=int(np.isnan(steps).sum()))


if __name__ == "__main__":
    main()
