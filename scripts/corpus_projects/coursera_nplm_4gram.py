"""Drives JudgeDev/coursera-neural-networks (a Python port of programming assignment 2 of Hinton's Coursera course
"Neural Networks for Machine Learning", "Learning word representations", with the assignment's blanks filled in: a
Bengio-style neural 4-gram language model, three context words looked up in a 250 x 50 embedding table
word_embedding_weights, a 150-200 logistic hidden layer, a 250-way softmax over the next word; backprop by hand in
train(), the embedding gradient through a one-hot expansion matrix, momentum 0.9 and learning rate 0.1 on minibatches
of 100, module-level fprop with the max subtracted before exp) by calling train(epochs) as its __main__ block does,
on a synthetic data.mat of 4-grams from a 250-word class language; knob: whether the update lines divide each
summed minibatch gradient by batchsize, as written, or apply the sum."""

import math
import os
import re
import sys

import numpy as np

import _common

PROJECT = "coursera_nplm_4gram"
REPO = "JudgeDev/coursera-neural-networks"
COMMIT = "a15093b3064ffa4c64a9bee7fe3ec228f4223955"
FILES = {"train.py": "train.py", "fprop.py": "fprop.py", "load_data.py": "load_data.py"}
# The five update lines of train() (the momentum "delta" of each parameter: momentum * delta + gradient / batchsize),
# as written and with the division left out; each patch keeps its line count (the ")" stays on its own line).
MEAN = [
    ("word_embedding_weights_gradient /\n\t\t\t\tbatchsize)", "word_embedding_weights_gradient\n\t\t\t\t)"),
    ("embed_to_hid_weights_gradient /\n\t\t\t\tbatchsize)", "embed_to_hid_weights_gradient\n\t\t\t\t)"),
    ("hid_to_output_weights_gradient /\n\t\t\t\tbatchsize)", "hid_to_output_weights_gradient\n\t\t\t\t)"),
    ("hid_bias_gradient / batchsize)", "hid_bias_gradient)"),
    ("output_bias_gradient / batchsize)", "output_bias_gradient)"),
]
# healthy: gradient / batchsize, as written (the mean over the 100 4-grams of a minibatch): the small initial weights
# (init_wt 0.01) keep the model on a plateau near the unigram distribution for about five epochs (average training
# cross-entropy 5.03 in the first epoch, 4.93 in the fifth), then the embeddings pick up the word classes: 4.85, 4.63,
# ..., 3.93 in the twelfth; final validation 3.96 and test 3.92 nats, next-word test accuracy 0.18 (the unigram model
# of the training targets has 4.85 on the test set; this language's floor is about 3.4, its best accuracy about
# 0.23). broken: the summed gradient, the learner's slip of leaving out the ./ batchsize of the Octave original (every
# step 100 times the intended one, momentum 0.9 on top): in the first steps the output bias jumps by 9 a step and the
# hidden bias and output weights follow; from the fifth step on every one of the 200 logistic hidden units is
# saturated (below 1e-3 or above 1 - 1e-3) for every 4-gram, so no gradient reaches the hidden layer's weights or the
# embeddings any more: all but the output bias are frozen from about step 100 on (largest entries 9.5 in the
# embeddings, 0.6 embedding-to-hidden, 27.8 hidden bias, 43.6 hidden-to-output), and the output bias goes on jumping
# by about 0.7 a step in a cycle that repeats with the 400 minibatches of each epoch: average training cross-entropy
# 5.52 in the first epoch and exactly 5.21 in each after, validation 5.15, test 5.09, worse than the unigram model,
# test accuracy 0.02. Nothing becomes inf or nan.
# budget: train(10) over the assignment's 372,550 training 4-grams (3,725 minibatches an epoch) -> train(12) over
# 40,000 synthetic ones (400 minibatches an epoch; 4,800 steps, some 9 s)
EPOCHS = 12
VOCAB, CLASSES = 250, 10  # the assignment's 250-word vocabulary
N_TRAIN, N_VALID, N_TEST = 40000, 4000, 4000  # the assignment has 372,550, 46,568 and 46,568


def write_data_mat(path: str, rng: np.random.Generator) -> None:
    """data.mat as the assignment ships it (a struct data with trainData, validData, testData as 4 x N arrays of
    1-based word indices, three context words then the next word, and vocab as a 1 x 250 cell array of strings), from
    a class language: the 250 words fall into 10 classes of 25; the class of each next word is a fixed function of
    the classes of the two words before it with probability 0.85 (else a class at random), the word within its class
    Zipf-distributed (weights 1/rank); train, validation and test 4-grams are windows of three separate streams."""
    import scipy.io

    per = VOCAB // CLASSES
    word_class = rng.permutation(np.repeat(np.arange(CLASSES), per))
    members = [np.flatnonzero(word_class == c) for c in range(CLASSES)]
    zipf = 1.0 / np.arange(1, per + 1)
    zipf /= zipf.sum()
    follow = rng.integers(0, CLASSES, (CLASSES, CLASSES))

    def four_grams(n: int) -> np.ndarray:
        words = []
        c1, c2 = rng.integers(0, CLASSES, 2)
        while len(words) < n + 3:
            c3 = follow[c1, c2] if rng.random() < 0.85 else rng.integers(0, CLASSES)
            words.append(members[c3][rng.choice(per, p=zipf)])
            c1, c2 = c2, c3
        stream = np.array(words)
        return (np.stack([stream[i:i + n] for i in range(4)]) + 1).astype(np.int32)

    vocab = np.empty((1, VOCAB), dtype=object)
    for i in range(VOCAB):
        vocab[0, i] = f"w{i:03d}"
    data = {"trainData": four_grams(N_TRAIN), "validData": four_grams(N_VALID), "testData": four_grams(N_TEST),
            "vocab": vocab}
    scipy.io.savemat(path, {"data": data})


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"train.py": MEAN if args.knob == "broken" else []}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches)
    write_data_mat(os.path.join(src, "data.mat"), np.random.default_rng(5))
    os.chdir(src)  # load_data reads data.mat from the working directory
    _common.seed(0)  # the initial weights (numpy.matlib.randn draws from numpy's global generator)
    train = _common.load("train")
    # train() returns nothing (the assignment's model struct is left in a docstring); fprop, looked up in train's
    # globals at each call, is wrapped to keep the arguments of its last call, the test-set evaluation with the final
    # weights (the call goes on unchanged)
    fprop, last = train.fprop, []

    def keep_last(*fprop_args):
        last[:] = fprop_args
        return fprop(*fprop_args)

    train.fprop = keep_last
    tee = _common.Tee(sys.stdout)
    sys.stdout = tee
    try:
        train.train(EPOCHS)  # the __main__ block's call, train(10), with the budget's epochs
    finally:
        sys.stdout = tee.through
    printed = tee.kept.getvalue()
    epochs = [float(v) for v in re.findall(r"Average Training CE (\S+)", printed)]
    final = {name: float(re.search(rf"Final {name} CE (\S+)", printed).group(1))
             for name in ("Training", "Validation", "Test")}
    import scipy.io

    data = scipy.io.loadmat("data.mat")["data"]
    train_words, test_words = data["trainData"][0, 0][3] - 1, data["testData"][0, 0][3] - 1
    with np.errstate(all="ignore"):
        output = fprop(*last)[2]
        accuracy = float(np.mean(np.argmax(output, axis=0) == test_words))
    counts = np.bincount(train_words, minlength=VOCAB) + 1.0
    unigram = float(-np.mean(np.log(counts / counts.sum())[test_words]))
    finite = all(bool(np.isfinite(w).all()) for w in last[1:])
    _common.result(project=PROJECT, knob=args.knob, first_epoch_train_ce=epochs[0], train_ce=final["Training"],
                   valid_ce=final["Validation"], test_ce=final["Test"], test_acc=accuracy,
                   unigram_test_ce=unigram, epochs=len(epochs),
                   first_nonfinite_epoch=next((i for i, v in enumerate(epochs) if not math.isfinite(v)), "none"),
                   finite_weights=finite)


if __name__ == "__main__":
    main()
