"""Drives miloharper/multi-layer-neural-network (main.py: NeuronLayer objects holding synaptic_weights, a
NeuralNetwork of two sigmoid layers without biases, full-batch backpropagation adding the summed adjustments, 4
hidden neurons learning "input 1 XOR input 2" from 7 examples) run as `python3 main.py`; knob: the weight
initialisation in NeuronLayer."""

import os
import runpy
import sys

import numpy as np

import _common

PROJECT = "two_layer_xor_net"
REPO = "miloharper/multi-layer-neural-network"
COMMIT = "5c00122d13062d153cb3c2946f18271fb49bc244"
INIT_LINE = "        self.synaptic_weights = {}"
# healthy: the script's uniform draw in [-1, 1) (mean squared error over the 7 examples 0.2442 -> 1.35e-5 after
# 150,000 iterations, all 7 right, [1, 1, 0] -> 0.005 as in the README's run); broken: all-zero weights, what a user
# writes to "start from nothing": every hidden neuron computes the same thing and gets the same adjustment, so the 4
# stay identical (one neuron's worth of network, which cannot express XOR): error 0.25 -> 0.2088, flat from about
# 10,000 iterations on; 0.726 for [1, 1, 1] and for [1, 1, 0], whose answer is 0; 4 of the 7 right
INIT = {"healthy": "2 * random.random((number_of_inputs_per_neuron, number_of_neurons)) - 1",
        "broken": "zeros((number_of_inputs_per_neuron, number_of_neurons))"}
# the script imports exp, array, random and dot from numpy; the zero init needs zeros as well
IMPORT = {"healthy": "from numpy import exp, array, random, dot",
          "broken": "from numpy import exp, array, random, dot, zeros"}
# the script's 60,000 iterations take ~1.3 s of CPU here: two and a half times as many, so that a run takes over 2 s
ITERATIONS = 150000


def main() -> None:
    args = _common.parse(__doc__)
    patches = {"main.py": [
        (IMPORT["healthy"], IMPORT[args.knob]),
        (INIT_LINE.format(INIT["healthy"]), INIT_LINE.format(INIT[args.knob])),
        ("neural_network.train(training_set_inputs, training_set_outputs, 60000)",
         f"neural_network.train(training_set_inputs, training_set_outputs, {ITERATIONS})"),
    ]}
    src, _ = _common.checkout(PROJECT, REPO, COMMIT, {"main.py": "main.py"}, patches)
    _common.seed(0)  # the script seeds numpy itself (random.seed(1)) before drawing the weights
    # runs the file as `python3 main.py` does; its globals are kept to measure the trained network
    done = runpy.run_path(os.path.join(src, "main.py"), run_name="__main__")
    sys.stdout.flush()
    net, inputs, outputs = done["neural_network"], done["training_set_inputs"], done["training_set_outputs"]
    # the untrained network: the script's own layers drawn again from its seed, as it drew them
    np.random.seed(1)
    start = done["NeuralNetwork"](done["NeuronLayer"](4, 3), done["NeuronLayer"](1, 4))
    first = float(np.mean((outputs - start.think(inputs)[1]) ** 2))
    predicted = net.think(inputs)[1]
    _common.result(project=PROJECT, knob=args.knob, loss_before=first,
                   loss=float(np.mean((outputs - predicted) ** 2)),
                   train_acc=float(np.mean((predicted > 0.5) == (outputs > 0.5))),
                   new_situation=float(net.think(np.array([1, 1, 0]))[1][0]),
                   hidden_spread=np.ptp(net.layer1.synaptic_weights, axis=1).max())


if __name__ == "__main__":
    main()
