"""Drives nicodjimenez/lstm (an LSTM cell and network in numpy, learning a 4-step sequence); knob: learning rate."""

import os
import runpy
import sys

import _common

PROJECT = "lstm_sequence"
REPO = "nicodjimenez/lstm"
COMMIT = "a2f2e99cb48acee421d5ba3a084af63131da10c6"
# healthy: the repository's own rate; broken: a rate that saturates the gates within a few dozen iterations,
# after which every prediction is 0 and the loss stays at 0.55 (no NaN, nothing learned)
LEARNING_RATE = {"healthy": "0.1", "broken": "5.0"}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"test.py": [("lstm_param.apply_diff(lr=0.1)", f"lstm_param.apply_diff(lr={LEARNING_RATE[args.knob]})")]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {"lstm.py": "lstm.py", "test.py": "test.py"}, patches)
    _common.seed(0)
    # runs the file as `python test.py` does (example_0 is called under `if __name__ == "__main__"`); the
    # trained network is local to example_0, so the result is read from the lines it prints
    printed = _common.Tee(sys.stdout)
    sys.stdout = printed
    try:
        runpy.run_path(os.path.join(src, "test.py"), run_name="__main__")
    finally:
        sys.stdout = printed.through
    losses = [float(line.rsplit("loss:", 1)[1]) for line in printed.kept.getvalue().splitlines() if "loss:" in line]
    _common.result(project=PROJECT, knob=args.knob, first_loss=losses[0], last_loss=losses[-1], iterations=len(losses))


if __name__ == "__main__":
    main()
