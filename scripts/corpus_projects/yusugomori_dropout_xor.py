"""Drives yusugomori/DeepLearning (python/Dropout.py, Python 2: a dropout MLP over the repository's own HiddenLayer and
LogisticRegression classes: ReLU hidden layers with W uniform on +-1/n_in and zero biases, a softmax output layer from
zeros, Dropout.train() running full-batch epochs of a forward pass with a fresh binomial dropout mask per hidden layer,
LogisticRegression.train() (softmax, d_y = y - p, W += lr x^T d_y, b += lr mean(d_y)) and HiddenLayer.backward() down
the layers (W += lr x^T d_y, b += lr mean(d_y), lr 0.1 by default), predict() scaling the hidden weights by 1 - p)
built and trained as its test_dropout() does (hidden_layer_sizes [10, 10], ReLU, 5,000 epochs, dropout p 0.5,
RandomState(123)), on 200 noisy XOR points instead of the four corners; knob: whether the weight steps of both layer
classes sum the gradient over the batch's rows, as written, or average it, as the bias steps beside them do."""

import numpy as np

import _common

PROJECT = "yusugomori_dropout_xor"
REPO = "yusugomori/DeepLearning"
COMMIT = "739dfd1d7919c328e0d3b8129855c2ad71b80036"
FILES = {"python/Dropout.py": "Dropout.py", "python/HiddenLayer.py": "HiddenLayer.py",
         "python/LogisticRegression.py": "LogisticRegression.py", "python/utils.py": "utils.py"}
# Python 2 -> 3 on the same lines: Dropout.py's five xrange loops (an alias on its `import sys` line) and its print
# statement; LogisticRegression.py's print statements in test_lr() (never called, but Python 3 will not compile them).
# utils.py (numpy.seterr(all='ignore'), sigmoid, softmax with the max subtracted, ReLU) and HiddenLayer.py run as written.
PORT = {
    "Dropout.py": [("import sys\n", "import sys; xrange = range\n"),
                   ("    print classifier.predict(x)", "    print(classifier.predict(x))")],
    "LogisticRegression.py": [("        print result[i]\n    print\n", "        print(result[i])\n    print()\n"),
                              ("print result[N+i]", "print(result[N+i])")],
}
# The knob, the weight step of both layer classes (HiddenLayer.backward and LogisticRegression.train; the bias steps on
# the next lines take numpy.mean over the rows). broken: as written, x^T d_y summed over the batch: fine for the four
# XOR rows test_dropout() trains on, but each step is 200 times the mean gradient on 200 rows (at lr 0.1, a step of
# 20 times the average gradient). healthy: the same sum divided by the number of rows, len(self.x), the mean the
# bias steps use.
# healthy: the softmax cross-entropy of the output layer on its (dropped-out) training pass is 0.692 after the first
# epoch (weights near zero), creeps to 0.677 by epoch 1,000, then falls once the ReLU units split the corners: 0.388
# at epoch 2,000, 0.18 at the end; predict(dropout=False) classifies 0.976 of 500 fresh points (0.98 of the training
# points, cross-entropy 0.14 on them); predict() as test_dropout() calls it, the hidden weights scaled in place, 0.758;
# largest |W| 1.98.
# broken: the summed steps swing the weights (largest |W| 0.48 for five epochs, 2.2 at epoch 10, 2.5 at 20, the loss
# between 0.50 and 0.67), 3.6 at epoch 21, then one step throws them to 5.3e3 at epoch 22 (loss 60) and every weight
# is nan from epoch 23 to the end; the softmax of nan rows is nan, predict() answers class 0 everywhere (accuracy 0.506,
# the share of class 0), cross-entropy nan. numpy.seterr(all='ignore') in utils.py keeps numpy silent throughout.
MEAN = {
    "healthy": {"HiddenLayer.py": [("self.W += lr * numpy.dot(self.x.T, d_y)\n",
                                    "self.W += lr * numpy.dot(self.x.T, d_y) / len(self.x)\n")],
                "LogisticRegression.py": [("self.W += lr * numpy.dot(self.x.T, d_y) - lr",
                                           "self.W += lr * numpy.dot(self.x.T, d_y) / len(self.x) - lr")]},
    "broken": {},
}
# budget: none; test_dropout()'s own 5,000 full-batch epochs on 200 rows take some 2 s
N_TRAIN, N_TEST, NOISE = 200, 500, 0.15
EPOCHS, P_DROPOUT, HIDDEN = 5000, 0.5, [10, 10]


def xor_points(n: int, rng: np.random.RandomState):
    """n points scattered (std NOISE) around the corners of the unit square, label 1 where exactly one coordinate is
    1 (XOR), one-hot as test_dropout()'s y ([0, 1] for XOR false, [1, 0] for true) and as class indices."""
    corners = rng.randint(0, 2, (n, 2))
    x = corners + NOISE * rng.randn(n, 2)
    label = 1 - (corners[:, 0] ^ corners[:, 1])  # test_dropout: [0, 0] and [1, 1] -> [0, 1] (class 1)
    return x, np.eye(2)[label], label


def main() -> None:
    args = _common.parse(__doc__)
    patches = {dest: list(PORT.get(dest, [])) + MEAN[args.knob].get(dest, []) for dest in FILES.values()}
    _common.checkout(PROJECT, REPO, COMMIT, FILES, patches)
    data = np.random.RandomState(7)
    x, y, label = xor_points(N_TRAIN, data)
    x_test, _, label_test = xor_points(N_TEST, data)
    _common.seed(0)
    dropout = _common.load("Dropout")
    rng = np.random.RandomState(123)  # test_dropout(): one generator for the weights and the dropout masks
    classifier = dropout.Dropout(input=x, label=y, n_in=2, hidden_layer_sizes=HIDDEN, n_out=2, rng=rng,
                                 activation=dropout.ReLU)
    classifier.train(epochs=EPOCHS, dropout=True, p_dropout=P_DROPOUT, rng=rng)
    log = classifier.log_layer
    with np.errstate(all="ignore"):
        # the output layer's last training pass (its input the dropped-out activations of that epoch)
        p_last = log.output(log.x)
        last_pass_loss = float(-np.mean(np.sum(y * np.log(p_last), axis=1)))
        weights = [layer.W for layer in classifier.hidden_layers] + [log.W]
        max_w = max(float(np.abs(w).max()) for w in weights)
        finite = bool(all(np.isfinite(w).all() for w in weights))
        # predict(dropout=False): the trained weights as they are; then predict() as test_dropout() calls it, which
        # scales the hidden weights by 1 - p in place (the first layer's too, whose inputs were never dropped, and not
        # the output layer's), so it is called once, last
        both = np.vstack([x, x_test])
        plain = classifier.predict(both, dropout=False)
        scaled = classifier.predict(both, dropout=True, p_dropout=P_DROPOUT)
        loss = float(-np.mean(np.log(plain[np.arange(N_TRAIN), label])))
        accuracy = float(np.mean(plain[N_TRAIN:].argmax(axis=1) == label_test))
        scaled_accuracy = float(np.mean(scaled[N_TRAIN:].argmax(axis=1) == label_test))
        train_accuracy = float(np.mean(plain[:N_TRAIN].argmax(axis=1) == label))
    _common.result(project=PROJECT, knob=args.knob, loss=loss, last_pass_loss=last_pass_loss,
                   train_accuracy=train_accuracy, accuracy=accuracy, scaled_predict_accuracy=scaled_accuracy,
                   epochs=EPOCHS, max_abs_w=max_w, finite_weights=finite)

if __name__ == "__main__":
    main()
