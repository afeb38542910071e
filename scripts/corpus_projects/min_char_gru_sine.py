"""Drives androclassic/min-char-gru (gru_model.py: a GRUModel class after Karpathy's min-char-rnn, seven weight matrices
Wxh, Whh, Wxg, Whg, Wxf, Whf, Why drawn from randn * 0.01 and zero biases, BPTT by hand in lossFun, gradients clipped
to +-5, Adagrad in optimize) by its sine_wave_simple.py: a 1-25-1 GRU fed 15 samples of a sum of sines and predicting
the sample 5 steps after the last (squared error of the last output only, 'rmse_last'), one Adagrad step per random
window; knob: the initialisation of the seven weight matrices in GRUModel.__init__."""

import os
import runpy

import numpy as np

import _common

PROJECT = "min_char_gru_sine"
REPO = "androclassic/min-char-gru"
COMMIT = "05ea16fb0e43d8fb69ac42afee5fe67f8b11d07a"
# The seven weight matrices of GRUModel.__init__ (the biases are np.zeros in both knobs), as (shape, comment).
WEIGHTS = (("Wxh", "hidden_size, input_size", "input to hidden"),
           ("Whh", "hidden_size, hidden_size", "hidden to hidden"),
           ("Wxg", "hidden_size, input_size", "input to candidate gate"),
           ("Whg", "hidden_size, hidden_size", "hidden to to candidate gate"),
           ("Wxf", "hidden_size, input_size", "input to forget gate"),
           ("Whf", "hidden_size, hidden_size", "hidden to to forget gate"),
           ("Why", "input_size, hidden_size", "hidden to output"))
# healthy: randn * 0.01 as written (mean squared error of the last output 0.0018 over the 980 training windows and
# 0.0020 over the 986 full windows of the unseen second half of the signal, whose targets' variance is 0.109);
# broken: np.zeros for all seven, the learner's "start from zero, the biases are zero too": every hidden unit starts
# identical and at 0 (hc = tanh(0) = 0, h = 0), so dWhy = dy h^T = 0 and dh = Why^T dy = 0, no gradient reaches any
# weight, and only the output bias by moves: the network answers one constant whatever the window (mean squared
# error 0.082 on the training windows and 0.1088 on the test windows, the targets' variance; every weight still
# exactly zero after training)
INIT = {"healthy": "np.random.randn({shape})*0.01", "broken": "np.zeros(({shape}))"}
# budget: nb_iterations = 10000 -> 3000 (each iteration is one 15-step forward and backward pass over 25 hidden
# units, about 1 ms: 3 s in place of 8 s; the healthy run is at a test error of 0.002 by then)
ITERATIONS = 3000

# sine_wave_simple.py plots the training signal and the test predictions with matplotlib (not installed here, and
# nothing to see): a pyplot that draws nothing.
STUBS = {
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: pyplot, which draws nothing."""\n',
    "matplotlib/pyplot.py": '''"""Stand-in for matplotlib.pyplot: the signal and prediction plots draw nothing."""


def _nothing(*args, **kwargs):
    return None


subplot = plot = show = _nothing
''',
}


def main() -> None:
    args = _common.parse(__doc__)
    init = [(f"self.{name} = np.random.randn({shape})*0.01 # {what}",
             f"self.{name} = {INIT[args.knob].format(shape=shape)} # {what}") for name, shape, what in WEIGHTS]
    patches = {"gru_model.py": init,
               "sine_wave_simple.py": [("nb_iterations = 10000", f"nb_iterations = {ITERATIONS}")]}
    files = {"gru_model.py": "gru_model.py", "sine_wave_simple.py": "sine_wave_simple.py"}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, files, patches, stubs=STUBS)
    os.chdir(src)
    _common.seed(0)  # the weight draws and the random training windows (np.random.choice)
    # runs the file as `python sine_wave_simple.py` does (module-level code, no main guard)
    state = runpy.run_path(os.path.join(src, "sine_wave_simple.py"), run_name="__main__")
    model, foo = state["model"], state["foo"]
    seq_length, offset = state["seq_length"], state["offset"]
    x_test, y_test = state["x_test"], np.array(state["y_test"]).ravel()
    # the script's test loop predicts, from foo(x_test[p:p + 15]), the sample 5 steps after the window's last one
    # (as in training: targets = foo(x[p + offset:p + seq_length + offset]), the last one scored); the windows near
    # the end are shorter than 15 and left out
    full = len(x_test) - seq_length + 1
    truth = foo(x_test[:full] + (seq_length - 1 + offset) / 10.0)
    test_mse = float(np.mean((y_test[:full] - truth) ** 2))
    x_train = state["x_train"]
    train_windows = range(len(x_train) - seq_length - offset)
    train_mse = float(np.mean([(model.forward_pass(foo(x_train[p:p + seq_length]), np.zeros((model.Whh.shape[0], 1)))
                                [seq_length - 1].item() - foo(x_train[p + seq_length - 1 + offset])) ** 2
                               for p in train_windows]))
    weights = [getattr(model, name) for name, _, _ in WEIGHTS]
    _common.result(project=PROJECT, knob=args.knob, last_loss=float(state["loss"]),
                   smooth_loss=float(state["smooth_loss"]), train_mse=train_mse, test_mse=test_mse,
                   target_var=float(np.var(truth)), iterations=state["n"],
                   max_abs_weight=max(float(np.abs(w).max()) for w in weights),
                   finite_weights=bool(all(np.isfinite(w).all() for w in weights)))


if __name__ == "__main__":
    main()
