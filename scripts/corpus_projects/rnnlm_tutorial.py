"""Drives dennybritz/rnn-tutorial-rnnlm (the WildML RNN language model tutorial: RNNNumpy with BPTT and per-sentence
SGD, written in the cells of RNNLM.ipynb) by its own training cells on a synthetic comment corpus; knob: the
learning rate of train_with_sgd."""

import contextlib
import json
import os
import re
import sys

import numpy as np

import _common

PROJECT = "rnnlm_tutorial"
REPO = "dennybritz/rnn-tutorial-rnnlm"
COMMIT = "344d8ffbe2230335c44138ecbd4cd93c7e993aa0"
# healthy: the tutorial's rate (the mean loss per word falls 6.91 -> 5.21 over the 10 epochs, 5.18 after the last);
# broken: a hundred times larger, what a user tries when the loss barely moves for the first epochs: the loss jumps
# to 100.3 after the first epoch and, although the loop halves the rate three times, ends at 8.40 (8.21 after the
# last epoch), above the 6.91 of the untrained net
LEARNING_RATE = {"healthy": "0.005", "broken": "0.5"}
# The notebook's cells that train, by index in RNNLM.ipynb: the RNNNumpy class (12), forward propagation (15),
# predict (17), the loss (23), BPTT (28), the SGD step (32), the SGD loop (33) and the small training run (37).
# Cell 1 (imports) is replaced by IMPORTS (it imports nltk and matplotlib and runs the %matplotlib magic), the
# data cells 6 and 7 by DATA, which reads the synthetic comments the driver writes (the reddit CSV and nltk's
# tokenizers are not here) and builds the same vocabulary, index maps and training matrices. Cell 37 trains as the
# notebook does (10 epochs of the first 100 sentences); the budget is the vocabulary, 1,000 words instead of 8,000.
TRAINING_CELLS = ("imports", "data", 12, 15, 17, 23, 28, 32, 33, 37)
IMPORTS = '''# (corpus driver) stands in for the notebook's first cell without nltk and matplotlib
import csv
import itertools
import operator
import numpy as np
import sys
from datetime import datetime
from utils import *'''
DATA = '''# (corpus driver) stands in for the notebook's data cells: the comments of data/synthetic-comments.txt, one
# sentence a line, split on spaces (nltk's tokenizers), counted with collections.Counter (nltk.FreqDist)
import collections
vocabulary_size = 1000
unknown_token = "UNKNOWN_TOKEN"
sentence_start_token = "SENTENCE_START"
sentence_end_token = "SENTENCE_END"
with open('data/synthetic-comments.txt') as f:
    sentences = ["%s %s %s" % (sentence_start_token, x.strip(), sentence_end_token) for x in f]
print("Parsed %d sentences." % (len(sentences)))
tokenized_sentences = [sent.split(" ") for sent in sentences]
word_freq = collections.Counter(itertools.chain(*tokenized_sentences))
print("Found %d unique words tokens." % len(word_freq.items()))
vocab = word_freq.most_common(vocabulary_size-1)
index_to_word = [x[0] for x in vocab]
index_to_word.append(unknown_token)
word_to_index = dict([(w,i) for i,w in enumerate(index_to_word)])
for i, sent in enumerate(tokenized_sentences):
    tokenized_sentences[i] = [w if w in word_to_index else unknown_token for w in sent]
# the notebook's cell 7; its np.asarray of ragged lists needs dtype=object on numpy >= 1.24
X_train = np.asarray([[word_to_index[w] for w in sent[:-1]] for sent in tokenized_sentences], dtype=object)
y_train = np.asarray([[word_to_index[w] for w in sent[1:]] for sent in tokenized_sentences], dtype=object)'''


class WithoutClock(_common.Tee):
    """A Tee that drops the leading 'YYYY-mm-dd HH:MM:SS: ' of the lines it writes through and keeps."""

    CLOCK = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d: ", re.M)

    def write(self, text):
        return super().write(self.CLOCK.sub("", text))


def write_comments(path: str) -> None:
    """Comment-like sentences over 4,000 word types: words are drawn with Zipf frequencies (as words in comments
    are), and half the time a word is followed by one of its four favourite successors; a sentence ends with
    probability 0.1 after its fourth word."""
    rng = np.random.default_rng(7)
    types = 4000
    zipf = 1.0 / np.arange(1, types + 1)
    zipf /= zipf.sum()
    favourites = rng.choice(types, (types, 4), p=zipf)
    lines = []
    for _ in range(400):
        current = int(rng.choice(types, p=zipf))
        sentence = [current]
        while len(sentence) < 4 or (rng.random() > 0.1 and len(sentence) < 24):
            follow = rng.random() < 0.5
            current = int(favourites[current, rng.integers(0, 4)] if follow else rng.choice(types, p=zipf))
            sentence.append(current)
        lines.append(" ".join(f"w{w:04d}" for w in sentence))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def notebook_module(notebook: dict, knob: str) -> str:
    cells = notebook["cells"]
    stand_in = {"imports": IMPORTS, "data": DATA}
    parts = [stand_in[i] if i in stand_in else "".join(cells[i]["source"]).rstrip() for i in TRAINING_CELLS]
    text = "\n\n".join(parts) + "\n"
    where = "rnnlm_train.py"
    # the knob: the default learning rate of train_with_sgd, which cell 37 uses
    text = _common.patch(text, "learning_rate=0.005, nepoch=100",
                         f"learning_rate={LEARNING_RATE[knob]}, nepoch=100", where)
    # numpy >= 2 refuses np.sum of a generator: the same count over a list
    text = _common.patch(text, "N = np.sum((len(y_i) for y_i in y))", "N = np.sum([len(y_i) for y_i in y])", where)
    # Python 2 prints become calls, on the same lines
    text = _common.patch(text, 'print "%s: Loss after num_examples_seen=%d epoch=%d: %f" % (time, num_examples_seen, '
                               'epoch, loss)',
                         'print("%s: Loss after num_examples_seen=%d epoch=%d: %f" % (time, num_examples_seen, '
                         'epoch, loss))', where)
    text = _common.patch(text, 'print "Setting learning rate to %f" % learning_rate',
                         'print("Setting learning rate to %f" % learning_rate)', where)
    return text


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"utils.py": [  # Python 2 prints of the Theano helpers, which the training cells do not call
        ('print "Saved model parameters to %s." % outfile', 'print("Saved model parameters to %s." % outfile)'),
        ('print "Loaded model parameters from %s. hidden_dim=%d word_dim=%d" % (path, U.shape[0], U.shape[1])',
         'print("Loaded model parameters from %s. hidden_dim=%d word_dim=%d" % (path, U.shape[0], U.shape[1]))'),
    ]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {"utils.py": "utils.py"}, patches)
    notebook = json.loads(_common.read(REPO, COMMIT, "RNNLM.ipynb"))
    with open(os.path.join(src, "rnnlm_train.py"), "w", encoding="utf-8") as f:
        f.write(notebook_module(notebook, args.knob))
    write_comments(os.path.join(src, "data", "synthetic-comments.txt"))
    os.chdir(src)
    _common.seed(10)
    # the loop prints a wall-clock time before each loss; the copy passed through and kept here drops it, so two
    # runs print the same
    printed = WithoutClock(sys.stdout)
    with contextlib.redirect_stdout(printed):
        notebook_run = _common.load("rnnlm_train")  # runs the cells in order, as the notebook does
    lines = printed.kept.getvalue().splitlines()
    losses = [float(line.rsplit(": ", 1)[1]) for line in lines if line.startswith("Loss after")]
    model = notebook_run.model
    final = model.calculate_loss(notebook_run.X_train[:100], notebook_run.y_train[:100])
    _common.result(project=PROJECT, knob=args.knob, first_loss=losses[0], last_epoch_loss=losses[-1],
                   final_loss=final, uniform_loss=float(np.log(notebook_run.vocabulary_size)),
                   finite_weights=all(np.isfinite(w).all() for w in (model.U, model.V, model.W)))


if __name__ == "__main__":
    main()
