"""Drives Nico-Curti/NumPyNet (a darknet-like layer library: Network of RNN_layer/Connected_layer/Cost_layer objects,
compile(optimizer), fit with shuffled minibatch epochs) by its examples/rnn_signal.py, which fits a noisy sine it
generates itself with an RNN trained by RMSprop; knob: RMSprop learning rate."""

import contextlib
import os
import re
import runpy
import sys

import numpy as np

import _common

PROJECT = "numpynet_rnn_signal"
REPO = "Nico-Curti/NumPyNet"
COMMIT = "777db4f1f625d9ba61c944fee5b6073ea7e68f1a"
EXAMPLE = "examples/rnn_signal.py"
# healthy: the example's rate (the running mse 0.068 after the first batch, 0.025 over the first epoch -> 0.012
# over the tenth, test mse 0.001, mae 0.304); broken: a hundred times larger: the linear RNN's weights run away in the
# first epoch (its mean loss 5.2e69), the tenth epoch's is 4.5e59, test mae 1.6e29 (finite, no nan)
LEARNING_RATE = {"healthy": "0.001", "broken": "0.1"}
STUBS = {
    # NumPyNet/__init__.py imports NumPyNet.image, which imports OpenCV at the top; nothing here calls it
    "cv2/__init__.py": '"""Stand-in for OpenCV: imported by NumPyNet.image, never called by this example."""\n',
    # the example draws its fit with pylab at the end; the stand-in draws nothing
    "pylab.py": '"""Stand-in for pylab: every call does nothing."""\n\n\n'
                "class _Nothing:\n"
                "    def __getattr__(self, name):\n        return self\n\n"
                "    def __call__(self, *args, **kwargs):\n        return self\n\n"
                "    def __getitem__(self, key):\n        return self\n\n\n"
                "def subplots(*args, **kwargs):\n    return _Nothing(), _Nothing()\n\n\n"
                "def show(*args, **kwargs):\n    return None\n",
}
# the progress bar prints the wall-clock time of each batch and of the whole fit; the copy printed here drops them
CLOCK = [(re.compile(r"\(\d+\.\d sec/iter\) "), ""), (re.compile(r" took \d+\.\d sec"), "")]


def main() -> None:
    args = _common.parse(__doc__)
    patches = {
        EXAMPLE: [("model.compile(optimizer=RMSprop(lr=0.001, epsilon=1e-7))",
                   f"model.compile(optimizer=RMSprop(lr={LEARNING_RATE[args.knob]}, epsilon=1e-7))")],
        # numpy>=2 refuses shape=None, which numpy 1.x read as a scalar: the Cost_layer built without an input
        # shape (as the example builds it) keeps a 0-d loss array, as before; same line
        "NumPyNet/layers/cost_layer.py": [("self.loss = np.empty(shape=self.out_shape)",
                                           "self.loss = np.empty(shape=self.out_shape or ())")],
    }
    files = {f: f for f in _common.python_files(REPO, COMMIT, "NumPyNet") + [EXAMPLE]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, files, patches, stubs=STUBS)
    os.chdir(src)
    _common.seed(0)  # the example seeds numpy itself (42) when it is loaded
    printed = _common.Tee(sys.stdout, CLOCK)
    with contextlib.redirect_stdout(printed):
        runpy.run_path(os.path.join(src, EXAMPLE), run_name="__main__")
    text = printed.kept.getvalue()
    training = text.split("START TRAINING", 1)[1].split("START TESTING", 1)[0]
    # one progress line per batch: the running mean loss of the epoch so far; an epoch ends at "800/800"
    batch_losses = [float(v) for v in re.findall(r"loss: (\S+)", training)]
    epoch_losses = [float(v) for v in re.findall(r"800/800 \|[^|]*\| loss: (\S+)", training)]

    def score(name):
        return float(re.search(name + r" Score: (\S+)", text).group(1))

    _common.result(project=PROJECT, knob=args.knob, first_loss=batch_losses[0], first_epoch_loss=epoch_losses[0],
                   last_epoch_loss=epoch_losses[-1], test_loss=score("Loss"), test_mae=score("MAE"),
                   finite=bool(np.all(np.isfinite(batch_losses))))


if __name__ == "__main__":
    main()
