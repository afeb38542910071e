"""Drives DerekChia/word2vec_numpy (skip-gram word2vec with a full softmax, per-pair SGD, on its one sentence);
knob: learning rate."""

import numpy as np

import _common

PROJECT = "word2vec_numpy"
REPO = "DerekChia/word2vec_numpy"
COMMIT = "495c2bce99fcdfe281bce0918a6765efd3179b07"
# healthy: the repository's rate; broken: the rate a user tries when 0.01 learns slowly (loss 82 -> 57 in 50
# epochs): the embeddings grow without bound and the loss overflows to inf within ten epochs
LEARNING_RATE = {"healthy": "0.01", "broken": "2.0"}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"wordtovec.py": [
        ("'learning_rate': 0.01", f"'learning_rate': {LEARNING_RATE[args.knob]}"),
        # numpy >= 1.24 refuses to make an array of ragged [target, contexts] pairs without dtype=object
        ("return np.array(training_data)", "return np.array(training_data, dtype=object)"),
    ]}
    _common.checkout(PROJECT, REPO, COMMIT, {"wordtovec.py": "wordtovec.py"}, patches)
    _common.seed(0)
    w2v_module = _common.load("wordtovec")  # trains and queries at import, as `python wordtovec.py` does
    model = w2v_module.w2v
    _common.result(project=PROJECT, knob=args.knob, loss=model.loss, w1_max=np.abs(model.w1).max(),
                   epochs=model.epochs)


if __name__ == "__main__":
    main()
