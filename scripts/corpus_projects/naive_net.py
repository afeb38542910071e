"""Drives keithchev/naive-net (a layered library: Model of Dense/Activation layers, SoftmaxLoss, Trainer with
minibatch epochs, MomentumSGD) on its own two-blob data, with its model_zoo.load_trainer recipe; knob: learning rate."""

import os

import numpy as np

import _common

PROJECT = "naive_net"
REPO = "keithchev/naive-net"
COMMIT = "cb16547e9c73f180e4ce6933675ef84e155399a5"
MODULES = ["activations.py", "constants.py", "layers.py", "losses.py", "model.py", "model_zoo.py", "optimizers.py",
           "parameter.py", "trainer.py"]
# healthy: model_zoo's rate; broken: 500 times larger (the loss climbs to 1e11, accuracy falls to chance, 0.5)
LEARNING_RATE = {"healthy": "0.01", "broken": "5.0"}


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"model_zoo.py": [("opt = optimizers.MomentumSGD(optz_rate=0.01)",
                                 f"opt = optimizers.MomentumSGD(optz_rate={LEARNING_RATE[args.knob]})")]}
    # the modules import each other by bare name (`import layers`), as from inside the naivenet folder
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {f"naivenet/{m}": m for m in MODULES}, patches)
    _common.seed(0)
    layers, losses, model, model_zoo = (_common.load(m) for m in ("layers", "losses", "model", "model_zoo"))
    data = model_zoo.blob_data(N=500)
    # a two-layer dense net built with the library's API, as model_zoo builds its nets
    net = model.Model(lambda_=1e-3)
    net.add_layer(layers.Dense(D_in=(2,), D_out=(16,)))
    net.add_layer(layers.Activation("relu"))
    net.add_layer(layers.Dense(D_in=(16,), D_out=(2,)))
    net.loss_function = losses.SoftmaxLoss(num_classes=2)
    trainer = model_zoo.load_trainer(data, net)
    # load_trainer's soft reset leaves MomentumSGD's per-parameter velocity unset; the hard reset sets it (and
    # re-draws the weights), as Trainer.reset documents
    trainer.reset(hard=True)
    trainer.train()
    _common.result(project=PROJECT, knob=args.knob, loss=trainer.loss_at_batch[-1],
                   train_acc=trainer.accuracy_at_epoch["train"][-1], val_acc=trainer.accuracy_at_epoch["val"][-1],
                   finite_weights=all(np.isfinite(layer[name].value).all() for layer in net.layers
                                      for name in layer.parameter_names))


if __name__ == "__main__":
    main()
