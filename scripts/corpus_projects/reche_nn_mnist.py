"""Drives RECHE23/NumPy-Neural-Network (NeuralNetwork of Module objects: Normalization, Flatten, Linear, Dropout,
Swish/Gaussian, softmax cross-entropy output; each Linear steps its own Adam inside backward) with its
examples/mnist.py on synthetic digits; knob: the example's input Normalization layer (pixels scaled or raw 0..255)."""

import contextlib
import io
import os
import runpy

import numpy as np

import _common

PROJECT = "reche_nn_mnist"
REPO = "RECHE23/NumPy-Neural-Network"
COMMIT = "29fba4668a40962ad682b986071923e59eb9903f"
EXAMPLE = "examples/mnist.py"
# healthy: the example as written (its first layer, Normalization, divides the pixels by their range, 255);
# broken: that line commented out, so the net sees raw 0..255 pixels. Measured with one BLAS thread: healthy
# average error 1.79 -> 0.154 in 5 epochs, train accuracy 50% -> 97%, test accuracy 100%; broken error 2.37 -> 2.32,
# train accuracy 10% throughout, test accuracy 8.4% (a class is never predicted, so the example's own F1 /
# confusion-matrix report then fails, here with an IndexError)
NORMALIZATION = {"healthy": "net.add(Normalization(samples=X_train))",
                 "broken": "# net.add(Normalization(samples=X_train))"}
# mnist.py loads MNIST through keras (a download): these stand-ins give it the driver's synthetic digits.
KERAS_STUBS = {
    "keras/__init__.py": '"""Stand-in for keras: only what the example imports."""\n',
    "keras/datasets/__init__.py": "",
    "keras/datasets/mnist.py":
        "import os\nimport numpy as np\n\n\ndef load_data():\n"
        "    data = np.load(os.path.join(os.path.dirname(__file__), 'digits.npz'))\n"
        "    return (data['x_train'], data['y_train']), (data['x_test'], data['y_test'])\n",
}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {EXAMPLE: [("net.add(Normalization(samples=X_train))", NORMALIZATION[args.knob])]}
    files = {f: f for f in _common.python_files(REPO, COMMIT, "neural_network") + [EXAMPLE]}
    src, stubs = _common.checkout(PROJECT, REPO, COMMIT, files, patches, KERAS_STUBS)
    # budget: 12,000 training and 1,000 test digits instead of 60,000 and 10,000 (its 5 epochs of batches of 64 kept)
    images, labels = _common.synthetic_digits(13000, np.random.default_rng(3))
    np.savez(os.path.join(stubs, "keras", "datasets", "digits.npz"), x_train=images[:12000], y_train=labels[:12000],
             x_test=images[12000:], y_test=labels[12000:])
    _common.seed(0)
    printed = io.StringIO()
    stopped = "none"
    with contextlib.redirect_stdout(printed):
        try:
            runpy.run_path(os.path.join(src, EXAMPLE), run_name="__main__")  # as `python examples/mnist.py`
        except (IndexError, ValueError) as error:
            # its F1 and confusion-matrix report, after the test accuracy, fails when a class is never predicted
            if "Accuracy score on the test set: " not in printed.getvalue():
                raise
            stopped = type(error).__name__
            print(f"driver: {EXAMPLE} stopped in its report: {type(error).__name__}: {error}")
    # its "Training time" and "Test time" lines give wall times; dropped so that two runs print the same
    lines = [line for line in printed.getvalue().split("\n") if "Training time : " not in line
             and "Test time : " not in line]
    print("\n".join(lines), flush=True)
    epochs = [line.rsplit("\r", 1)[-1] for line in lines if "Average Error = " in line]
    error = [float(line.split("Average Error = ")[1].split()[0]) for line in epochs]
    train_acc = [float(line.split("Average Accuracy = ")[1].split("%")[0]) / 100 for line in epochs]
    test = [line for line in lines if line.startswith("Accuracy score on the test set: ")]
    _common.result(project=PROJECT, knob=args.knob, first_error=error[0], last_error=error[-1],
                   first_train_acc=train_acc[0], last_train_acc=train_acc[-1],
                   test_acc=float(test[-1].split(": ")[1].rstrip("%")) / 100 if test else "none",
                   report_stopped=stopped)


if __name__ == "__main__":
    main()
