"""Drives makeyourownneuralnetwork/makeyourownneuralnetwork (Tariq Rashid's "Make Your Own Neural Network": a
neuralNetwork class with wih / who weight matrices, sigmoid layers, squared error, one SGD step per CSV record) by
the training cells of its part2_neural_network_mnist_data.ipynb on synthetic MNIST-format CSV files; knob: the input
scaling (the notebook's pixels / 255 * 0.99 + 0.01, or raw 0..255 pixels)."""

import json
import os

import numpy as np

import _common

PROJECT = "make_your_own_nn"
REPO = "makeyourownneuralnetwork/makeyourownneuralnetwork"
COMMIT = "914c0473b4b308ed0147d911a3c02da1e3ced5e9"
NOTEBOOK = "part2_neural_network_mnist_data.ipynb"
# All its code cells, in order: licence comment (0), imports (1), the neuralNetwork class (2), 784-200-10 network
# with learning_rate 0.1 (3), read mnist_dataset/mnist_train.csv (4), train 5 epochs record by record (5), read
# mnist_dataset/mnist_test.csv (6), score the test records (7), print the performance (8). Cell 9 is empty.
TRAINING_CELLS = tuple(range(9))
MODULE = "part2_neural_network_mnist_data"
# The notebook's own scaling line, the same in the training cell (5) and the test cell (7).
SCALED = "inputs = (numpy.asfarray(all_values[1:]) / 255.0 * 0.99) + 0.01"
# healthy: the notebook's scaling into [0.01, 1.0] (training squared error 0.262 at the start -> 3.4e-05 after
# the 5 epochs, training accuracy 1.0, the notebook's test performance 1.0); broken: the same line without the
# scaling, in both cells, so the raw 0..255 pixels go in, what a user does who reads the CSV and feeds the numbers
# straight in: 92% of the hidden sigmoids are within 1e-3 of 0 or 1 from the start (all of them after training),
# each record's update to wih scales with the pixels, and after the same 5 epochs the training squared error is
# 0.284 -> 0.074 (predicting 0.01 everywhere gives 0.096), training accuracy 0.343, test performance 0.326
INPUTS = {"healthy": "inputs = (numpy.asarray(all_values[1:], dtype=float) / 255.0 * 0.99) + 0.01",
          "broken": "inputs = numpy.asarray(all_values[1:], dtype=float)"}
# budget: 2,000 training and 500 test records in place of MNIST's 60,000 and 10,000; the notebook's 5 epochs
N_TRAIN, N_TEST = 2000, 500

# The notebook imports scipy.special for its sigmoid (expit) and matplotlib.pyplot (for plots it does not draw
# here). The stand-ins: expit as scipy documents it, 1 / (1 + exp(-x)) elementwise, computed without overflow as
# scipy's is; and a pyplot with nothing in it.
STUBS = {
    "scipy/__init__.py": '"""Stand-in for scipy: the notebook uses special.expit only."""\n',
    "scipy/special.py": '''"""Stand-in for scipy.special.expit, the logistic sigmoid 1 / (1 + exp(-x)), elementwise."""
import numpy as np


def expit(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1.0 + ex)
    return out
''',
    "matplotlib/__init__.py": '"""Stand-in for matplotlib: only pyplot, which draws nothing."""\n',
    "matplotlib/pyplot.py": '"""Stand-in for matplotlib.pyplot: the training cells draw nothing."""\n',
}


def notebook_module(notebook: dict, knob: str) -> str:
    cells = ["".join(notebook["cells"][index]["source"]).rstrip() for index in TRAINING_CELLS]
    for index in (5, 7):
        # numpy.asfarray is gone since numpy 2.0; asarray(..., dtype=float) is its documented replacement. The knob
        # rewrites the same line.
        cells[index] = _common.patch(cells[index], SCALED, INPUTS[knob], f"{MODULE}.py (cell {index})")
    return "\n\n".join(cells) + "\n"


def write_csv(path: str, images: np.ndarray, labels: np.ndarray) -> None:
    """MNIST in CSV, as the notebook reads it: one record a line, the label then the 784 pixels 0..255."""
    with open(path, "w") as f:
        for image, label in zip(images, labels):
            f.write(",".join([str(int(label))] + [str(int(v)) for v in image.reshape(-1)]) + "\n")


def squared_error(net, records, knob: str) -> tuple[float, float]:
    """Mean squared error of the network's outputs against the notebook's targets (0.01, 0.99 for the label), the
    quantity train() descends, and the accuracy, over `records`, with the inputs prepared as the run prepares them."""
    total, right = 0.0, 0
    for record in records:
        values = record.split(",")
        inputs = np.asarray(values[1:], dtype=float)
        if knob == "healthy":
            inputs = inputs / 255.0 * 0.99 + 0.01
        targets = np.zeros(10) + 0.01
        targets[int(values[0])] = 0.99
        outputs = net.query(inputs)[:, 0]
        total += float(np.mean((targets - outputs) ** 2))
        right += int(np.argmax(outputs) == int(values[0]))
    return total / len(records), right / len(records)


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {}, stubs=STUBS)
    notebook = json.loads(_common.read(REPO, COMMIT, NOTEBOOK))
    with open(os.path.join(src, f"{MODULE}.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    images, labels = _common.synthetic_digits(N_TRAIN + N_TEST, np.random.default_rng(7))
    os.makedirs(os.path.join(src, "mnist_dataset"))
    write_csv(os.path.join(src, "mnist_dataset", "mnist_train.csv"), images[:N_TRAIN], labels[:N_TRAIN])
    write_csv(os.path.join(src, "mnist_dataset", "mnist_test.csv"), images[N_TRAIN:], labels[N_TRAIN:])
    os.chdir(src)  # the notebook opens mnist_dataset/... from its own folder
    _common.seed(0)
    nb = _common.load(MODULE)  # runs the cells in order, as the notebook does (it prints the performance)
    last, train_acc = squared_error(nb.n, nb.training_data_list, args.knob)
    # the same network before training: the notebook draws nothing random before its constructor, so re-seeding
    # and constructing again gives the weights training started from
    _common.seed(0)
    start = nb.neuralNetwork(nb.input_nodes, nb.hidden_nodes, nb.output_nodes, nb.learning_rate)
    first, _ = squared_error(start, nb.training_data_list, args.knob)
    _common.result(project=PROJECT, knob=args.knob, first_train_mse=first, train_mse=last, train_acc=train_acc,
                   test_acc=float(nb.scorecard_array.sum() / nb.scorecard_array.size),
                   finite=bool(np.isfinite(nb.n.wih).all() and np.isfinite(nb.n.who).all()))


if __name__ == "__main__":
    main()
