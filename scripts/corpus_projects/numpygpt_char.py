"""Drives codiceSpaghetti/numpyGPT (a GPT written with explicit numpy forward/backward per module: Embedding,
PositionalEncoding, TransformerBlocks, LayerNorm, Linear head; Adam with warmup-cosine schedule, gradient clipping)
by its own datagen.py (character tokenizer on the repository's data/shakespeare.txt) and train.py; knob: the
learning rate of train.py's config (lr and its floor min_lr)."""

import contextlib
import os
import re
import runpy
import sys

import numpy as np

import _common

PROJECT = "numpygpt_char"
REPO = "codiceSpaghetti/numpyGPT"
COMMIT = "c36758af0ce6e03f32bbd18fe49cb098b36919c2"
# healthy: train.py's own rates, lr 3e-4 with min_lr 3e-5 (the logged loss 5.13 at iter 0 -> 3.46 at iter 60,
# val loss 5.15 -> 3.44); broken: both a hundred times smaller (3e-6, 3e-7), the kind of rate used for fine-tuning:
# Adam moves each weight by about lr per step, far below the 0.02 scale of the initial weights, and the loss stays
# where it started (iter 60: 5.08, val 5.09; a uniform guess over the 69 characters would be 4.23)
LEARNING_RATE = {"healthy": ("3e-4", "3e-5"), "broken": ("3e-6", "3e-7")}
# train.py is a nanoGPT-style config-at-the-top script; the budget shrinks the model and the run, keeping the
# schedule's shape (warmup 10% of the iterations, cosine decay to the end)
BUDGET = [
    ("block_size = 128", "block_size = 64"),
    ("n_layer = 4", "n_layer = 2"),
    ("n_embd = 256", "n_embd = 64"),
    ("max_iters = 8000", "max_iters = 60"),
    ("warmup_iters = 800  #", "warmup_iters = 6  #"),
    ("lr_decay_iters = 8000  #", "lr_decay_iters = 60  #"),
    ("eval_interval = 200  #", "eval_interval = 30  #"),
    ("eval_iters = 20", "eval_iters = 4"),
]
STUBS = {
    # numpyGPT/utils/vis.py imports pyplot at the top and train.py plots the curves at the end; the stand-in draws
    # nothing (README: matplotlib is needed only for the plots)
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: only pyplot, which draws nothing."""\n',
    "matplotlib/pyplot.py": '"""Stand-in for matplotlib.pyplot: every call does nothing."""\n\n\n'
                            "class _Nothing:\n"
                            "    def __getattr__(self, name):\n        return self\n\n"
                            "    def __call__(self, *args, **kwargs):\n        return self\n\n"
                            "    def __getitem__(self, key):\n        return self\n\n\n"
                            "def subplots(*args, **kwargs):\n    return _Nothing(), _Nothing()\n\n\n"
                            "def tight_layout(*args, **kwargs):\n    return None\n\n\n"
                            "def savefig(*args, **kwargs):\n    return None\n\n\n"
                            "def close(*args, **kwargs):\n    return None\n",
}
# the logger stamps each line with the wall clock and the monitor adds ms/step; the copy printed here drops them
CLOCK = [(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d - ", re.M), ""), (re.compile(r" \| ms/step [\d.]+"), ""),
         (re.compile(r"training finished in [\d.]+s"), "training finished")]


def main() -> None:
    args = _common.parse(__doc__)
    lr, min_lr = LEARNING_RATE[args.knob]
    patches = {"train.py": BUDGET + [("lr = 3e-4", f"lr = {lr}"), ("min_lr = 3e-5", f"min_lr = {min_lr}")]}
    files = {f: f for f in _common.python_files(REPO, COMMIT, "numpyGPT") + ["train.py", "datagen.py",
                                                                          "data/shakespeare.txt"]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, files, patches, stubs=STUBS)
    os.chdir(src)  # both scripts use paths relative to the repository root
    _common.seed(0)
    printed = _common.Tee(sys.stdout, CLOCK)
    with contextlib.redirect_stdout(printed):  # the train logger's handler binds sys.stdout when it is made
        sys.argv = ["datagen.py"]  # `./datagen.py`: character tokenizer, data/shakespeare_char
        runpy.run_path(os.path.join(src, "datagen.py"), run_name="__main__")
        sys.argv = ["train.py"]
        runpy.run_path(os.path.join(src, "train.py"), run_name="__main__")
    text = printed.kept.getvalue()
    iters = [float(v) for v in re.findall(r"iter +\d+ \| loss (\S+)", text)]
    evals = re.findall(r"step (\d+): train loss (\S+), val loss (\S+)", text)
    _common.result(project=PROJECT, knob=args.knob, first_loss=iters[0], last_loss=iters[-1],
                   first_val_loss=float(evals[0][2]), last_val_loss=float(evals[-1][2]),
                   last_train_eval=float(evals[-1][1]), finite=bool(np.all(np.isfinite(iters))))


if __name__ == "__main__":
    main()
