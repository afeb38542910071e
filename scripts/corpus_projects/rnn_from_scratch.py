"""Drives vzhou842/rnn-from-scratch (many-to-one vanilla RNN, sentiment of short phrases); knob: learning rate."""

import _common

PROJECT = "rnn_from_scratch"
REPO = "vzhou842/rnn-from-scratch"
COMMIT = "68b10bb07c30f77ecac3724d8670ff858ad090dc"
FILES = ["main.py", "rnn.py", "data.py"]
LEARNING_RATE = {"healthy": "2e-2", "broken": "0.5"}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {
        "main.py": [
            ("for epoch in range(1000):", "for epoch in range(150):"),  # the budget: 150 epochs
            # numpy >= 2 refuses '%f' % a 1-element array: the losses are (1,) arrays, so the prints take .item()
            ("% (train_loss, train_acc))", "% (train_loss.item(), train_acc))"),
            ("% (test_loss, test_acc))", "% (test_loss.item(), test_acc))"),
        ],
        "rnn.py": [("def backprop(self, d_y, learn_rate=2e-2):",
                    f"def backprop(self, d_y, learn_rate={LEARNING_RATE[args.knob]}):")],
    }
    _common.checkout(PROJECT, REPO, COMMIT, {f: f for f in FILES}, patches)
    _common.seed(0)
    main_module = _common.load("main")  # trains at import, as `python main.py` does; its data is in data.py
    test_loss, test_acc = main_module.processData(main_module.test_data, backprop=False)
    _common.result(project=PROJECT, knob=args.knob, train_loss=main_module.train_loss.item(),
                   train_acc=main_module.train_acc, test_loss=test_loss.item(), test_acc=test_acc)


if __name__ == "__main__":
    main()
