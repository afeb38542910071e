"""Drives arjunkar/milligrad (a tensor autograd engine after micrograd, with nn layers and torch-style optimizers) by
its demo.py recipe, a 784-512-512-10 feed-forward net trained with Adam on synthetic digits; knob: learning rate."""

import os
import runpy
import sys

import numpy as np

import _common

PROJECT = "milligrad"
REPO = "arjunkar/milligrad"
COMMIT = "958d30f40cf85d56e6eeb1808077f636ad52b8d9"
FILES = ["demo.py", "engine.py", "nn.py", "optim.py", "loader.py"]
# healthy: the demo's Adam rate; broken: a rate its own comment warns of ("if it is too large, the model can jump
# to a point ... too sure of a wrong answer and the loss will be sent to infinity")
LEARNING_RATE = {"healthy": "2e-4", "broken": "1e-2"}
# nn.py imports torch only to draw Conv2d's initial weights; the feed-forward demo never builds a Conv2d
TORCH_STUB = {"torch/__init__.py": '"""Stand-in for torch: nn.py imports it for Conv2d initialisation only."""\n'}


def write_idx(folder: str, rng: np.random.Generator, n_train: int = 2000, n_test: int = 400) -> None:
    """The four MNIST idx files loader.DataConstructor reads (16-byte image header, 8-byte label header)."""
    images, labels = _common.synthetic_digits(n_train + n_test, rng)
    os.makedirs(folder)
    for name, part in (("train", slice(0, n_train)), ("t10k", slice(n_train, None))):
        with open(os.path.join(folder, f"{name}-images-idx3-ubyte"), "wb") as f:
            f.write(bytes(16) + images[part].tobytes())
        with open(os.path.join(folder, f"{name}-labels-idx1-ubyte"), "wb") as f:
            f.write(bytes(8) + labels[part].astype(np.uint8).tobytes())


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"demo.py": [
        ("optimizer = optim.Adam(model.parameters(), lr=2e-4)",
         f"optimizer = optim.Adam(model.parameters(), lr={LEARNING_RATE[args.knob]})"),
        ("epochs = 5", "epochs = 2"),  # the budget: two epochs of 63 minibatches
    ]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {f: f for f in FILES}, patches, stubs=TORCH_STUB)
    write_idx(os.path.join(src, "milligrad", "data"), np.random.default_rng(11))
    os.chdir(src)  # the demo reads milligrad/data/... relative to the working folder
    _common.seed(0)
    # runs the file as `python demo.py` does (it trains at module level)
    state = runpy.run_path(os.path.join(src, "demo.py"), run_name="__main__")
    model, loss_fn, engine = state["model"], state["loss_fn"], state["engine"]
    images = state["cons"].test_images.reshape(-1, 28 * 28) / 255
    logits = model(engine.Tensor(images)).data
    test_acc = float((logits.argmax(1) == state["cons"].test_labels).mean())
    test_loss = loss_fn(engine.Tensor(logits), engine.Tensor(state["cons"].test_labels)).data
    _common.result(project=PROJECT, knob=args.knob, test_loss=float(test_loss), test_acc=test_acc,
                   finite_weights=all(np.isfinite(p.data).all() for p in model.parameters()))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
