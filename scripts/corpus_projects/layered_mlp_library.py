"""Drives TheIndependentCode/Neural-Network (Layer/Dense/Activation objects, per-sample SGD) with its mnist.py on synthetic digits; knob: learning rate."""

import os

import numpy as np

import _common

PROJECT = "layered_mlp_library"
REPO = "TheIndependentCode/Neural-Network"
COMMIT = "6a1e28e5a9f39cada733d0a9833ae7f4043e8be4"
FILES = ["mnist.py", "network.py", "layer.py", "dense.py", "activation.py", "activations.py", "losses.py"]
LEARNING_RATE = {"healthy": "0.1", "broken": "5.0"}
# mnist.py loads MNIST through keras (a download): these stand-ins give it the driver's synthetic digits.
KERAS_STUBS = {
    "keras/__init__.py": '"""Stand-in for keras: only what mnist.py imports."""\n',
    "keras/datasets/__init__.py": "",
    "keras/datasets/mnist.py":
        "import os\nimport numpy as np\n\n\ndef load_data():\n"
        "    data = np.load(os.path.join(os.path.dirname(__file__), 'digits.npz'))\n"
        "    return (data['x_train'], data['y_train']), (data['x_test'], data['y_test'])\n",
    "keras/utils/__init__.py": "",
    "keras/utils/np_utils.py":
        "import numpy as np\n\n\ndef to_categorical(y):\n"
        "    out = np.zeros((len(y), int(np.max(y)) + 1), dtype='float32')\n"
        "    out[np.arange(len(y)), y] = 1\n    return out\n",
}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"mnist.py": [
        ("epochs=100, learning_rate=0.1)", f"epochs=10, learning_rate={LEARNING_RATE[args.knob]})"),  # budget: 10 epochs
    ]}
    src, stubs = _common.checkout(PROJECT, REPO, COMMIT, {f: f for f in FILES}, patches, KERAS_STUBS)
    rng = np.random.default_rng(21)
    images, labels = _common.synthetic_digits(1100, rng)
    np.savez(os.path.join(stubs, "keras", "datasets", "digits.npz"), x_train=images[:1000], y_train=labels[:1000],
             x_test=images[1000:], y_test=labels[1000:])
    _common.seed(0)
    mnist = _common.load("mnist")  # trains and prints its 20 test predictions at import, as `python mnist.py` does
    # its own test prints 20 predictions; the training accuracy on 300 samples is a steadier figure
    correct = sum(int(np.argmax(mnist.predict(mnist.network, x)) == np.argmax(y))
                  for x, y in zip(mnist.x_train[:300], mnist.y_train[:300]))
    _common.result(project=PROJECT, knob=args.knob, train_acc=correct / 300)


if __name__ == "__main__":
    main()
