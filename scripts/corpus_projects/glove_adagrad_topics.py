"""Drives hans/glove.py (glove.py: GloVe word vectors from a co-occurrence list, build_vocab and build_cooccur over a
text corpus, train_glove drawing the main and context vectors and biases and running run_iter once per iteration,
run_iter visiting the shuffled (i, j, X_ij) pairs one at a time with per-pair AdaGrad updates divided by the square
root of accumulated squared gradients) run as its command line, `python glove.py corpus --vector-path vectors.pkl`
with every other option at its default, on a synthetic topical corpus; knob: the value the AdaGrad squared-gradient
sums start from."""

import codecs
import logging
import os
import pickle
import runpy
import sys

import numpy as np

import _common

PROJECT = "glove_adagrad_topics"
REPO = "hans/glove.py"
COMMIT = "f79a9c406b61bdf095c7a93a3392c035a91f581a"
FILES = {"glove.py": "glove.py", "util.py": "util.py"}
# train_glove starts both AdaGrad accumulators (the per-coordinate sums of squared gradients of the word vectors and
# of the biases) at one, "so that our initial adaptive learning rate is simply the global learning rate", and
# run_iter divides each step by their square root before adding the step's own squared gradient; the broken knob
# starts them at zero, as a learner writes every other running sum.
# healthy: ones (the cost printed after each of the 25 iterations, half the f(X_ij)-weighted squared error summed over
# the 3,600 pairs of the 108-word vocabulary, 2,333 after the first -> 19.6 at the last; every topic word's nearest
# neighbour, by cosine of the averaged main and context vectors, is a word of its own topic); broken: zeros: the
# first update of every vector and bias divides its gradient by sqrt(0) = 0, so each coordinate becomes +-inf (nan
# where the gradient coordinate is 0: 0 / 0), the next dot product involving it is inf - inf = nan, and within the
# first iteration every vector and bias is nan: cost nan at all 25 iterations, no word has a nearest neighbour
# (same-topic share 0)
START = {"healthy": "ones", "broken": "zeros"}
ACCUMULATORS = ("    gradient_squared = np.{}((vocab_size * 2, vector_size),",
                "    gradient_squared_biases = np.{}(vocab_size * 2, dtype=np.float64)")
# Python 2 -> 3, as the repository's README points to a contributed port for: dict.iteritems and itertools.izip (the
# same lines keep their places); cPickle and msgpack are stand-ins in the stubs folder (msgpack is used only with
# --vocab-path / --cooccur-path, which this run does not pass)
PORT = [("enumerate(vocab.iteritems())}", "enumerate(vocab.items())}"),
        ("for word, (i, _) in vocab.iteritems())", "for word, (i, _) in vocab.items())"),
        ("enumerate(itertools.izip(cooccurrences.rows,", "enumerate(zip(cooccurrences.rows,")]
STUBS = {"cPickle.py": '"""Stand-in for Python 2\'s cPickle: the pickle module."""\nfrom pickle import *  # noqa\n',
         "msgpack.py": '"""Stand-in for msgpack: glove.py reads and writes it only with --vocab-path or '
                       '--cooccur-path."""\n\n\ndef load(*args, **kwargs):\n'
                       "    raise RuntimeError('stand-in msgpack: not used in this run')\n\n\ndump = load\n"}
# eight topics of twelve words and twelve function words; a sentence (one line: build_cooccur's windows stay within
# a line) is 8..14 words of one topic, a quarter of them function words
TOPICS = ("river", "market", "engine", "garden", "planet", "music", "kitchen", "school")
WORDS_PER_TOPIC = 12
FUNCTION_WORDS = ("the", "a", "of", "and", "to", "in", "is", "it", "that", "on", "with", "for")
SENTENCES = 1200


def write_corpus(path: str, rng: np.random.Generator) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(SENTENCES):
            topic = TOPICS[rng.integers(len(TOPICS))]
            words = [f"{topic}{rng.integers(WORDS_PER_TOPIC)}" if rng.random() < 0.75
                     else FUNCTION_WORDS[rng.integers(len(FUNCTION_WORDS))] for _ in range(rng.integers(8, 15))]
            f.write(" ".join(words) + "\n")


class Costs(logging.Handler):
    """Keeps the cost train_glove logs after each iteration ("\\t\\tDone (cost %f)")."""

    def __init__(self):
        super().__init__()
        self.costs = []

    def emit(self, record):
        message = record.getMessage()
        if "Done (cost " in message:
            self.costs.append(float(message.split("Done (cost ")[1].rstrip(")")))


def main() -> None:
    args = _common.parse(__doc__)
    knob = [(line.format("ones"), line.format(START[args.knob])) for line in ACCUMULATORS]
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, {"glove.py": PORT + knob}, stubs=STUBS)
    os.chdir(src)
    write_corpus(os.path.join(src, "corpus.txt"), np.random.default_rng(4))
    # glove.py's __main__ calls logging.basicConfig(level=DEBUG, format="%(asctime)s\t%(message)s"); a root handler
    # set here first makes that call a no-op, so its log lines reach stderr without the clock time (two runs then
    # print the same stderr)
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    costs = Costs()
    logging.getLogger("glove").addHandler(costs)
    _common.seed(0)  # train_glove draws W and the biases with np.random.rand; run_iter shuffles with random.shuffle
    sys.argv = ["glove.py", "corpus.txt", "--vector-path", "vectors.pkl"]
    done = runpy.run_path(os.path.join(src, "glove.py"), run_name="__main__")
    with open("vectors.pkl", "rb") as f:
        W = pickle.load(f)  # (2V) x 100: main vectors, then context vectors
    with codecs.open("corpus.txt", encoding="utf-8") as corpus:
        vocab = done["build_vocab"](corpus)  # the same word -> (id, count) map main() built (insertion order)
    V = len(vocab)
    with np.errstate(all="ignore"):
        merged = (W[:V] + W[V:]) / 2  # what the README's evaluate.merge_main_context does, before normalising
        unit = merged / np.linalg.norm(merged, axis=1, keepdims=True)
        similarity = unit @ unit.T
    np.fill_diagonal(similarity, -np.inf)
    id2word = {i: word for word, (i, _) in vocab.items()}
    topic_words = [(word, i) for word, (i, _) in vocab.items() if word.rstrip("0123456789") in TOPICS]
    # a word whose similarities are all nan (nan vectors) has no nearest neighbour: counted as wrong
    same_topic = [bool(np.isfinite(similarity[i]).any())
                  and id2word[int(np.nanargmax(np.where(np.isfinite(similarity[i]), similarity[i], np.nan)))]
                  .rstrip("0123456789") == word.rstrip("0123456789") for word, i in topic_words]
    _common.result(project=PROJECT, knob=args.knob, first_cost=costs.costs[0], cost=costs.costs[-1],
                   iterations=len(costs.costs), vocab=V,
                   nonfinite_costs=sum(1 for c in costs.costs if not np.isfinite(c)),
                   topic_nn_acc=float(np.mean(same_topic)), chance=(WORDS_PER_TOPIC - 1) / (V - 1),
                   finite_vectors=bool(np.isfinite(W).all()))


if __name__ == "__main__":
    main()
