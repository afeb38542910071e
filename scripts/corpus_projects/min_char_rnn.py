"""Drives asmaloney/min-char-rnn (Karpathy's min-char-rnn as classes, Adagrad, clipping) on its small Shakespeare; knob: learning rate."""

import os
import runpy

import _common

PROJECT = "min_char_rnn"
REPO = "asmaloney/min-char-rnn"
COMMIT = "583f026737ddf35072b96c3eb74549dfc2777bbe"
LEARNING_RATE = {"healthy": "1e-1", "broken": "5.0"}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"min_char_rnn.py": [
        ('INPUT_FILE: str = "./data/Shakespeare-large.txt"', 'INPUT_FILE: str = "./data/Shakespeare-small.txt"'),
        ("INFERENCE_FREQUENCY: int = 1000", "INFERENCE_FREQUENCY: int = 100"),
        ("TRAINING_LEARNING_RATE: float = 1e-1", f"TRAINING_LEARNING_RATE: float = {LEARNING_RATE[args.knob]}"),
        ("    while True:", "    while iteration_number < 300:"),  # the budget: 300 iterations (it never stops)
    ]}
    files = {"min-char-rnn.py": "min_char_rnn.py", "data/Shakespeare-small.txt": "data/Shakespeare-small.txt"}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, files, patches)
    os.chdir(src)  # INPUT_FILE is relative to the project folder
    _common.seed(0)
    # runs the file as `python min-char-rnn.py` does (its loop is under `if __name__ == "__main__"`)
    state = runpy.run_module("min_char_rnn", run_name="__main__")
    _common.result(project=PROJECT, knob=args.knob, smooth_loss=state["smooth_loss"],
                   iterations=state["iteration_number"])


if __name__ == "__main__":
    main()
