"""Drives christinakouridi/scratchML (LSTM/model.py: an LSTM class for a character-level language model, parameters in
a params dict (four gate matrices over [h_prev; x] with the forget bias at one, an output layer Wv), BPTT over 25
characters per batch in forward_backward, a numerical gradient check on the first batch, gradients clipped to +-5,
Adam, the smoothed loss and a sampled string printed at the start of each epoch) by its LSTM/example.ipynb recipe,
LSTM(char_to_idx, idx_to_char, vocab_size, epochs, lr=0.0005) then model.train(data), on synthetic English-like
text; knob: the standard deviation of the normal draw that initialises the four gate matrices."""

import os

import numpy as np

import _common

PROJECT = "scratchml_lstm_text"
REPO = "christinakouridi/scratchML"
COMMIT = "be99ef7375a2386ef443c48047767339d51783d4"
# model.py draws Wf, Wi, Wc and Wo (n_h x (n_h + vocab_size) = 100 x 125) as np.random.randn(...) * std with std the
# Xavier scale 1 / sqrt(vocab_size + n_h) = 0.089; the broken knob sets std to 1, the learner's plain randn "random
# weights": the gates' pre-activations over [h_prev; x] then have a standard deviation of 4.3 at the start instead
# of 0.10, and 35% of the gate activations (f, i, o below 0.01 or above 0.99, the tanh candidate beyond +-0.99) are
# saturated from the first character on (none in the healthy run), where their derivatives vanish.
# healthy: smoothed loss (per 25-character batch, the one printed) 80.5 at the start (uniform over 25 characters)
# -> 60.8 at the start of epoch 1 -> 41.7 at epoch 2 -> 28.6 at the end; held-out text 0.76 nats a character, next
# character right 81.1% of the time (argmax), 13.7% of the gate activations saturated; broken: 80.5 -> 80.4 -> 77.0
# -> 74.5 at the end; held out 2.92 nats a character, worse than the 2.83 of the text's own letter frequencies, next
# character right 15.9% (always guessing a space would score 18.7%), 34.9% of the gate activations saturated;
# nothing is NaN, the gate weights grow (largest |w| 4.6) but nothing is learned
STD_LINE = "std = (1.0 / np.sqrt(self.vocab_size + self.n_h))"
STD = {"healthy": "(1.0 / np.sqrt(self.vocab_size + self.n_h))", "broken": "1.0"}
# budget: the notebook trains 10 epochs over Harry Potter book 1 (442,767 characters: about 40 s a pass here);
# here 3 epochs over 30,000 characters of synthetic text (3,597 batches of 25, about 10 s); lr 0.0005 as there
N_CHARS, N_HELD_OUT, EPOCHS, LR = 30000, 4000, 3, 0.0005
TEXT_PATH = "Downloads/story.txt"  # the notebook reads 'Downloads/HP1.txt' and lowercases it

NAMES = ["Harold", "Mrs. Hill", "the old man", "his aunt", "a tall girl", "the owl", "my uncle", "the cat",
         "her sister", "the driver"]
VERBS = ["looked at", "walked past", "spoke to", "waited for", "smiled at", "ran after", "heard", "followed",
         "opened", "closed"]
THINGS = ["the house", "the letter", "a small dog", "the window", "the garden", "the train", "his friend",
          "the door", "the station", "an umbrella"]
TAILS = ["", " in the morning", " at night", " again", " very slowly", " without a word", ", and nobody noticed",
         ", as usual"]


def story(n_chars: int, rng: np.random.Generator) -> str:
    """Sentences of a small grammar (who, did what, to what, how), capitalised and separated by a space, cut at
    n_chars: English-like characters (25 distinct once lowercased) with structure a language model can learn."""
    parts, size = [], 0
    while size < n_chars:
        who = NAMES[rng.integers(len(NAMES))]
        sentence = (f"{who[0].upper()}{who[1:]} {VERBS[rng.integers(len(VERBS))]} {THINGS[rng.integers(len(THINGS))]}"
                    f"{TAILS[rng.integers(len(TAILS))]}. ")
        parts.append(sentence)
        size += len(sentence)
    return "".join(parts)[:n_chars]


def held_out_scores(model, text: str, char_to_idx: dict) -> tuple[float, float, float]:
    """Nats a character, share of next characters predicted right (argmax), and share of gate activations (f, i, o
    and the tanh candidate) saturated, running the model's own forward_step over the text from a zero state."""
    h, c = np.zeros((model.n_h, 1)), np.zeros((model.n_h, 1))
    nats, right, saturated, gates = 0.0, 0, 0, 0
    for now, after in zip(text[:-1], text[1:]):
        x = np.zeros((model.vocab_size, 1))
        x[char_to_idx[now]] = 1
        y_hat, _, h, o, c, c_bar, i, f, _ = model.forward_step(x, h, c)
        nats -= float(np.log(y_hat[char_to_idx[after], 0]))
        right += int(np.argmax(y_hat) == char_to_idx[after])
        for gate in (f, i, o):
            saturated += int(np.sum((gate < 0.01) | (gate > 0.99)))
        saturated += int(np.sum(np.abs(c_bar) > 0.99))
        gates += 4 * model.n_h
    steps = len(text) - 1
    return nats / steps, right / steps, saturated / gates


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"model.py": [(STD_LINE, f"std = {STD[args.knob]}")]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {"LSTM/model.py": "model.py"}, patches)
    rng = np.random.default_rng(1)
    text_file = os.path.join(src, TEXT_PATH)
    os.makedirs(os.path.dirname(text_file), exist_ok=True)
    with open(text_file, "w") as f:
        f.write(story(N_CHARS, rng))
    held_out = story(N_HELD_OUT, rng).lower()
    # the notebook's cells: read and lowercase the text, its characters, the two dictionaries (it enumerates
    # set(data), whose order changes from one process to the next; sorted here so that every run is the same)
    data = open(text_file).read().lower()
    chars = sorted(set(data))
    vocab_size = len(chars)
    print('data has %d characters, %d unique' % (len(data), vocab_size))
    char_to_idx = {w: i for i, w in enumerate(chars)}
    idx_to_char = {i: w for i, w in enumerate(chars)}
    _common.seed(0)  # model.py draws the weights and the samples with np.random, the gradient check with random
    lstm = _common.load("model")  # the notebook's `%run model.py`
    model = lstm.LSTM(char_to_idx, idx_to_char, vocab_size, epochs=EPOCHS, lr=LR)
    J, params = model.train(data)
    nats, acc, saturated = held_out_scores(model, held_out, char_to_idx)
    counts = np.array([data.count(ch) for ch in chars], dtype=float)
    unigram = float(-np.sum(counts / counts.sum() * np.log(counts / counts.sum())))
    _common.result(project=PROJECT, knob=args.knob, first_loss=J[0], loss=J[-1], min_loss=min(J), batches=len(J),
                   held_out_nats_per_char=nats, held_out_acc=acc, unigram_nats_per_char=unigram,
                   uniform_nats_per_char=np.log(vocab_size), saturated_gate_share=saturated,
                   max_abs_gate_weight=max(float(np.abs(params[k]).max()) for k in ("Wf", "Wi", "Wc", "Wo")),
                   finite_params=bool(all(np.isfinite(v).all() for v in params.values())))


if __name__ == "__main__":
    main()
