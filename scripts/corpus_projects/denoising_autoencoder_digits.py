"""Drives alicsalman1/autoencoders_using_numpy (autoencoder.py: an autoencoder class with a dict of weights W1, b1,
W2, b2, sigmoid units, full backpropagation of the cross-entropy gradient decoded - X in backprob(), momentum and
weight decay folded into dW, minibatch epochs in train_model() that corrupt the inputs with add_noise() when
denoising) by its README's denoising recipe, `python autoencoder.py --lr 0.2 --momentum 0.9 --regularizer 0.001
--mini-batch-size 100 --epoch 20 --denoising`, on synthetic digits written as the course's digitstrain.txt,
digitsvalid.txt and digitstest.txt; knob: the initialisation of the weight matrices."""

import contextlib
import os
import sys

import numpy as np

import _common

PROJECT = "denoising_autoencoder_digits"
REPO = "alicsalman1/autoencoders_using_numpy"
COMMIT = "eafb4aedc04a7bee1c3771f84f49860cc6ff16fe"
FILES = {name: name for name in ("autoencoder.py", "mnist_classifier.py", "utils/__init__.py",
                                 "utils/activationFunctions.py", "utils/import_data.py", "utils/my_plots.py",
                                 "utils/utilities.py")}
# weights_initialization() draws each weight matrix from a normal with standard deviation 0.1 (the biases start at
# zero); the broken knob starts the weight matrices at zero as well, what a learner writes after `b = np.zeros(...)`.
INIT = {"healthy": "W = np.random.normal(0, 0.1, (_in, _out))", "broken": "W = np.zeros((_in, _out))"}
# healthy: the printed training loss (calculate_entropy_loss: the summed cross-entropy of an image, averaged over the
# 3,000 clean training images) 226 after epoch 1 -> 153 at 10 -> 149 at 20 (held-out 149); clean held-out digits
# reconstructed with a mean squared error of 0.0032 per pixel, R^2 0.93 against the pixel variance 0.049, noisy ones
# (add_noise) denoised to 0.0033; the 100 hidden units all different (largest spread of a W1 row across units 1.35).
# broken: W1 and W2 from zero: every hidden unit computes sigmoid(b1 + x . W1[:, j]) with the same column, so all
# 100 are one and the same unit, and backprob() hands each the same gradient (decoded - X through the same W2 row,
# times the same derivative): they move together and stay identical to the end (spread of W1 rows across units
# exactly 0), and a single shared feature is worth little more than nothing: the decoder learns the mean image
# through b2. The printed loss stays between 257.6 and 265 (261 after epoch 1, 259 at 10, 257.6 at 20: the mean
# image's own loss is 258.0); reconstructions of clean held-out digits have a mean squared error of 0.049 per pixel,
# R^2 0.00 (the mean image's), noisy ones the same.
N_TRAIN, N_VALID, N_TEST = 3000, 1000, 1000  # the course's files: 3,000, 1,000 and 3,000 digits (test: our metrics only)
ARGS = {"lr": 0.2, "momentum": 0.9, "regularizer": 0.001, "mini_batch_size": 100, "epoch": 20, "denoising": True}


def write_digit_files(data_dir: str) -> None:
    """data/digits{train,valid,test}.txt as the course hands them out: one digit a line, 784 pixel values in [0, 1]
    then the label, comma-separated; synthetic digits (no download)."""
    rng = np.random.default_rng(7)
    images, labels = _common.synthetic_digits(N_TRAIN + N_VALID + N_TEST, rng)
    pixels = images.reshape(len(images), -1) / 255.0
    os.makedirs(data_dir, exist_ok=True)
    bounds = {"digitstrain.txt": (0, N_TRAIN), "digitsvalid.txt": (N_TRAIN, N_TRAIN + N_VALID),
              "digitstest.txt": (N_TRAIN + N_VALID, N_TRAIN + N_VALID + N_TEST)}
    for name, (start, stop) in bounds.items():
        rows = np.column_stack([pixels[start:stop], labels[start:stop]])
        np.savetxt(os.path.join(data_dir, name), rows, delimiter=",", fmt=["%.6f"] * 784 + ["%d"])


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"autoencoder.py": [(INIT["healthy"], INIT[args.knob])]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, FILES, patches)
    write_digit_files(os.path.join(src, "data"))
    os.chdir(src)  # load_data reads data/digits*.txt from the working folder
    os.environ.setdefault("MPLBACKEND", "Agg")  # autoencoder.py and mnist_classifier.py import pyplot; nothing drawn
    _common.seed(0)  # train_model shuffles with random.shuffle, add_noise draws from np.random
    ae = _common.load("autoencoder")
    printed = _common.Tee(sys.stdout)
    with contextlib.redirect_stdout(printed):
        # main(args)'s recipe without its two plots (visualize_decoded, plot_logs) and without the classifier
        data = ae.load_data()
        print("<<<<<<<<<<<<.....Executing code .....>>>>>>>>>>>>>>>")
        np.random.seed(0)
        parameters = {'learning_rate': ARGS["lr"], 'regularizer': ARGS["regularizer"],
                      'momentum_weight': ARGS["momentum"], 'mini_batch_size': ARGS["mini_batch_size"]}
        act_function = ae.sigmoidActivationFunction
        layers = [28 * 28, 100, 28 * 28]
        my_autoencoder = ae.autoencoder(layers=layers, denoising=ARGS["denoising"], logging=True,
                                        hyper_params=parameters, activation_function=act_function,
                                        load_model=False, temp_save=True)
        my_autoencoder.train_model(data, mini_batch_size=parameters['mini_batch_size'], num_epochs=ARGS["epoch"],
                                   print_loss=True, visualize_wegiths_while_training=False)
    losses = [float(line.split("Loss: ")[1].rstrip("]")) for line in printed.kept.getvalue().splitlines()
              if line.startswith("[Epoch: ")]
    X_test = data['test']['X']
    with np.errstate(all="ignore"):
        decoded = my_autoencoder.decode(X_test)
        mse = float(np.mean((decoded - X_test) ** 2))
        denoised = my_autoencoder.decode(my_autoencoder.add_noise(X_test))
        denoise_mse = float(np.mean((denoised - X_test) ** 2))
    variance = float(np.mean((X_test - X_test.mean(axis=0)) ** 2))
    W1 = my_autoencoder.model['W1']
    _common.result(project=PROJECT, knob=args.knob, first_loss=losses[0], loss=losses[-1], min_loss=min(losses),
                   valid_loss=my_autoencoder.logs['losses']['valid'][-1], test_mse=mse, test_r2=1.0 - mse / variance,
                   denoise_mse=denoise_mse, pixel_variance=variance,
                   hidden_unit_spread=float(np.ptp(W1, axis=1).max()),
                   finite_weights=all(bool(np.isfinite(v).all()) for v in my_autoencoder.model.values()))


if __name__ == "__main__":
    main()
