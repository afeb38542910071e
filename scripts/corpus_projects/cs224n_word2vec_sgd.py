"""Drives leehanchung/cs224n assignment 2 (Stanford CS224n, winter 2020: word2vec written in numpy, a student's
completed solution: word2vec.py's skipgram() over negSamplingLossAndGradient() (one true outside word and K=10
negatives drawn from the dataset's unigram^0.75 table, a numerically stable sigmoid, gradients by hand) and the
course's word2vec_sgd_wrapper (50 random centre words a step, loss and gradient divided by the batch size), sgd.py's
sgd() (x = x - step * grad for a fixed number of iterations, no epochs, the step halved every 20,000 iterations, the
exponentially smoothed loss printed every 10), run.py's module-level script: StanfordSentiment() from
utils/treebank.py, wordVectors = centre vectors (rand - 0.5) / 10 stacked over zero outside vectors, 10 dimensions,
context size 5, sgd(..., wordVectors, 0.3, 40000, None, True, PRINT_EVERY=10), then the 2-D SVD plot of 24 words)
run as `python run.py` on a synthetic datasetSentences.txt in the Stanford Sentiment Treebank's layout; knob: the
starting word vectors, random centre vectors over zero outside vectors as written, or zeros for both."""

import contextlib
import os
import re
import runpy
import sys

import numpy as np

import _common

PROJECT = "cs224n_word2vec_sgd"
REPO = "leehanchung/cs224n"
COMMIT = "2a4af4f556f361fc5c953bfe3f57c1b7c01a0da4"
FILES = {f"a2/{path}": path for path in ("run.py", "sgd.py", "word2vec.py", "utils/__init__.py",
                                         "utils/gradcheck.py", "utils/treebank.py", "utils/utils.py")}
# The knob, run.py's starting wordVectors (centre vectors stacked over outside vectors). healthy: as written, centre
# vectors uniform on [-0.05, 0.05) (rand - 0.5 over the 10 dimensions), outside vectors zeros. broken: the outside
# vectors' zeros for the centre vectors too: every score u . v is 0, every sigmoid 0.5, and both gradients vanish
# exactly (dJ/dv_c sums (sigmoid - 1) u_o and sigmoid(-.) u_k over zero u's, dJ/du sums the same factors times a zero
# v_c), so sgd() subtracts 0.3 * 0 at every step and no vector ever leaves zero.
INIT = {"healthy": [],
        "broken": [("    ((np.random.rand(nWords, dimVectors) - 0.5) /\n       dimVectors, np.zeros((nWords, dimVectors))),\n",
                    "    (np.zeros((nWords, dimVectors)),\n       np.zeros((nWords, dimVectors))),\n")]}
# healthy: the smoothed loss sgd() prints (per centre word, summed over its context words) 8.84 at iteration 10 ->
# 8.87 at 200 -> 6.81 at 400 -> 4.28 at 800 -> 3.97 at 1,500; nearest-neighbour topic accuracy of the 100 topic
# words 0.93 (chance 19/99), largest |vector entry| 1.0.
# broken: the loss stays at the untrained value (11 ln 2 = 7.62 a context word, times 1.1-1.2 context words:
# 8.84 at iteration 10, 8.92 at 200, 9.10 at 1,500, wandering only with the contexts drawn), topic accuracy 0.19 (all
# vectors equal), every entry of wordVectors still exactly 0 (the final SVD plot gets a zero covariance and
# matplotlib warns about identical axis limits). Nothing becomes inf or nan.
# Budget (both knobs): 40,000 iterations -> 1,500 in run.py's sgd(...) call (some 15-25 s; each of the synthetic
# corpus's 121 words is a centre word some 600 times by then). The step halving every 20,000 iterations is never
# reached in either run, nor is the saving every 5,000.
BUDGET = ("    wordVectors, 0.3, 40000, None, True, PRINT_EVERY=10)\n",
          "    wordVectors, 0.3, 1500, None, True, PRINT_EVERY=10)\n")
# run.py prints how many seconds training took; the copy printed here says N.
CLOCK = [(re.compile(r"training took \d+ seconds"), "training took N seconds")]

GROUPS = {
    "positive": ["great", "cool", "brilliant", "wonderful", "well", "amazing", "worth", "sweet", "enjoyable"],
    "negative": ["boring", "bad", "dumb", "annoying"],
    "people": ["female", "male", "queen", "king", "man", "woman"],
    "weather": ["rain", "snow", "hail"],
    "drinks": ["coffee", "tea"],
}
TOPIC_SIZE, N_FUNCTION, N_SENTENCES = 20, 20, 3000


def write_sentences(path: str, rng: np.random.Generator) -> dict[str, str]:
    """datasetSentences.txt as the treebank has it (a header line, then `index<TAB>sentence`): 3,000 sentences of
    10 to 25 words, each about one of five topics (the groups of the 24 words run.py plots, each padded to 20 words
    drawn Zipf-like, the plotted words most often), 40% of its words function words (20, Zipf-like). With so small a
    vocabulary the treebank's subsampling (1e-5 times the word count as threshold) keeps some 6% of the words of the
    30 copies allSentences() makes: about 21,800 short sentences of 2.4 words, topical pairs."""
    function = [f"fn{i}" for i in range(N_FUNCTION)]
    topics = {name: words + [f"{name}{i}" for i in range(TOPIC_SIZE - len(words))] for name, words in GROUPS.items()}
    f_weights = 1.0 / np.arange(1, N_FUNCTION + 1)
    f_weights /= f_weights.sum()
    t_weights = 1.0 / np.arange(1, TOPIC_SIZE + 1) ** 0.7
    t_weights /= t_weights.sum()
    names = list(topics)
    lines = ["sentence_index\tsentence"]
    for k in range(N_SENTENCES):
        topic = topics[names[int(rng.integers(0, len(names)))]]
        words = []
        for _ in range(int(rng.integers(10, 26))):
            if rng.random() < 0.4:
                words.append(function[int(rng.choice(N_FUNCTION, p=f_weights))])
            else:
                words.append(topic[int(rng.choice(TOPIC_SIZE, p=t_weights))])
        lines.append(f"{k + 1}\t{' '.join(words)}")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return {word: name for name, words in topics.items() for word in words}


def neighbour_accuracy(vectors: np.ndarray, tokens: dict, topic_of: dict) -> float:
    """Share of the 100 topic words whose nearest other topic word (cosine of the concatenated centre and outside
    vectors, as run.py concatenates them) is of the same topic; chance is 19/99."""
    words = sorted(topic_of)
    with np.errstate(all="ignore"):
        v = vectors[[tokens[w] for w in words]]
        v = v / (np.linalg.norm(v, axis=1, keepdims=True) + 1e-30)
        sim = v @ v.T
    np.fill_diagonal(sim, -np.inf)
    if not np.isfinite(sim[~np.eye(len(words), dtype=bool)]).all():
        return float("nan")
    nearest = sim.argmax(axis=1)
    return float(np.mean([topic_of[words[i]] == topic_of[words[j]] for i, j in enumerate(nearest)]))


def main() -> None:
    args = _common.parse(__doc__)
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, {"run.py": [BUDGET] + INIT[args.knob]})
    topic_of = write_sentences(os.path.join(src, "utils", "datasets", "stanfordSentimentTreebank",
                                            "datasetSentences.txt"), np.random.default_rng(0))
    os.chdir(src)
    printed = _common.Tee(sys.stdout, CLOCK)
    with contextlib.redirect_stdout(printed):
        module = runpy.run_path("run.py", run_name="__main__")  # seeds random and np.random itself
    losses = [float(v) for v in re.findall(r"^iter \d+: (\S+)$", printed.kept.getvalue(), re.M)]
    vectors, tokens = module["wordVectors"], module["tokens"]
    _common.result(project=PROJECT, knob=args.knob, first_loss=losses[0], loss_at_200=losses[19],
                   last_loss=losses[-1], topic_acc=neighbour_accuracy(vectors, tokens, topic_of),
                   steps=len(losses) * 10, vocab=len(tokens), max_abs_vec=float(np.abs(vectors).max()),
                   zero_vectors=bool(not np.any(vectors)), finite_vectors=bool(np.isfinite(vectors).all()))


if __name__ == "__main__":
    main()
