"""Drives SchweitzerGAO/nlp-beginner-impl lab 1 (the FudanNLP nlp-beginner task 1, text classification by softmax
regression written in numpy: preprocess.py's bag-of-words BOW feature extractor over a Rotten-Tomatoes-style
train.tsv (one float count per vocabulary word), model.py's ScratchTextClassifier([len(vocab), num_cls]) with weights
np.random.randn, a module-level softmax(x) = exp(x) / sum(exp(x)) and cross_entropy returning y_hat - y as the
gradient, train.py's train() / train_epoch() looping over epochs and minibatches of 128 with plain SGD at lr 3.5) as
train.py's __main__ block runs it, after the preprocessing step that writes the vocabulary pickle; knob: whether
model.py's softmax subtracts each row's largest logit before np.exp or, as the file has it, exponentiates the raw
logits."""

import contextlib
import math
import os
import runpy
import sys

import numpy as np

import _common

PROJECT = "nlpbeginner_bow_softmax"
REPO = "SchweitzerGAO/nlp-beginner-impl"
COMMIT = "5e19f011fc227974940b4899869f13d8fb444a43"
FILES = {"lab1/model.py": "model.py", "lab1/preprocess.py": "preprocess.py", "lab1/train.py": "train.py"}
# The knob, model.py's softmax (the one ScratchTextClassifier uses by default, overflow_proof=False). broken: the file
# as it is, np.exp of the raw logits; healthy: the row's largest logit subtracted first (mathematically the same
# probabilities). The file's own overflow_proof=True alternative is not usable as the healthy side: it subtracts the
# largest logit of the whole batch and also divides by the sum over the whole batch, so no row sums to one.
SOFTMAX = {"broken": "    x_exp = np.exp(x)\n",
           "healthy": "    x_exp = np.exp(x - np.max(x, axis=-1, keepdims=True))\n"}
# healthy: the mean minibatch loss 11.0 in epoch 1 (randn weights times word counts: logits in the tens) -> 1.38 in
# epoch 4 -> 0.083 in epoch 12, train accuracy 98.8%, the last epoch's test accuracy 99.2%, largest |W| 10.3.
# broken: the bag-of-words counts of 20-99-word reviews (a frequent word 10-20 times) times the randn weights, moved
# by SGD at lr 3.5, make logits of hundreds; at the 9th minibatch of epoch 1 one reaches 716 > 709, np.exp gives inf,
# inf / inf = nan, the gradient y_hat - y is nan and so is every weight after that update: every epoch's loss nan,
# accuracy about chance (train 20.9%, test 16.7% in epoch 12: argmax of a nan row is class 0).
# Setup patches, both knobs:
# - train.py's __main__ block uses the TF_IDF extractor of its last experiment; the driver gives it the BOW
#   extractor (the lab's bag of words, which prediction.py also loads), read back from the pickle the preprocessing
#   step writes.
SETUP_TRAIN = ("    bigram_extractor = TF_IDF(data_path='./proceeded_data/tf_idf.pkl')\n",
               "    bigram_extractor = BOW(data_path='./proceeded_data/bow.pkl')\n")
# - BOW.generate_data builds the vocabulary as list(set_of_words), whose order (so which random weight row a word
#   gets) changes with Python's string hash seed from run to run; sorted() gives the same vocabulary every run.
DETERMINISM = ("vocab.update(word for word in words)\n            self.vocab = list(vocab)\n"
               "            for i, voc in enumerate(self.vocab):\n                self.idx[voc] = i\n            # save data",
               "vocab.update(word for word in words)\n            self.vocab = sorted(vocab)\n"
               "            for i, voc in enumerate(self.vocab):\n                self.idx[voc] = i\n            # save data")
# Budget: 12 epochs instead of the __main__ block's 50 (some 3 s).
BUDGET = ("    num_epochs = 50\n", "    num_epochs = 12\n")
N_PHRASES = 2000
N_FUNCTION, N_SENTIMENT, N_CLASSES = 60, 40, 5


def write_train_tsv(path: str, rng: np.random.Generator) -> None:
    """The Kaggle Rotten Tomatoes layout (PhraseId, SentenceId, Phrase, Sentiment 0..4, tab-separated): each review
    has 20 to 99 words, 60% function words drawn Zipf-like from 60, 25% sentiment words of its own class (40 each),
    15% sentiment words of a neighbouring class."""
    function = [f"w{i}" for i in range(N_FUNCTION)]
    sentiment = [[f"s{c}_{i}" for i in range(N_SENTIMENT)] for c in range(N_CLASSES)]
    lines = ["PhraseId\tSentenceId\tPhrase\tSentiment"]
    for k in range(N_PHRASES):
        label = int(rng.integers(0, N_CLASSES))
        words = []
        for _ in range(int(rng.integers(20, 100))):
            u = rng.random()
            if u < 0.6:
                words.append(function[min(int(rng.zipf(1.5)) - 1, N_FUNCTION - 1)])
            elif u < 0.85:
                words.append(sentiment[label][int(rng.integers(0, N_SENTIMENT))])
            else:
                near = int(np.clip(label + rng.choice([-1, 1]), 0, N_CLASSES - 1))
                words.append(sentiment[near][int(rng.integers(0, N_SENTIMENT))])
        lines.append(f"{k + 1}\t{k // 5 + 1}\t{' '.join(words)}\t{label}")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"model.py": [(SOFTMAX["broken"], SOFTMAX[args.knob])] if args.knob == "healthy" else [],
               "preprocess.py": [DETERMINISM], "train.py": [SETUP_TRAIN, BUDGET]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches)
    for folder in ("data", "proceeded_data", os.path.join("saved_model", "bow")):
        os.makedirs(os.path.join(src, folder))
    write_train_tsv(os.path.join(src, "data", "train.tsv"), np.random.default_rng(0))
    os.environ.setdefault("MPLBACKEND", "Agg")  # train.py plots its curves at the end (plt.show, then savefig)
    os.chdir(src)
    _common.seed(0)  # np.random: weights, the train/test shuffles; random: cross_entropy's uniform epsilon
    preprocess = _common.load("preprocess")
    preprocess.BOW(data_path="./proceeded_data/bow.pkl", mode="w")  # the preprocessing step: vocabulary pickle
    printed = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(printed):
        module = runpy.run_path("train.py", run_name="__main__")  # ScratchTextClassifier, then train(...)
    losses, train_acc, test_acc = module["train_loss"], module["train_acc"], module["test_acc"]
    net = module["net"]
    weights = net.weights[0]
    with np.errstate(all="ignore"):
        max_w = float(np.abs(weights).max())
    nan_epochs = [i + 1 for i, value in enumerate(losses) if not math.isfinite(value)]
    _common.result(project=PROJECT, knob=args.knob, first_loss=float(losses[0]), last_loss=float(losses[-1]),
                   last_train_acc=float(train_acc[-1]), last_test_acc=float(test_acc[-1]),
                   first_nonfinite_epoch=nan_epochs[0] if nan_epochs else 0, epochs=len(losses),
                   vocab=weights.shape[0], max_abs_w=max_w, finite_weights=bool(np.isfinite(weights).all()))


if __name__ == "__main__":
    main()
