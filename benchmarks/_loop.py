"""One benchmark process: time a workload's training loop untraced and traced, alternating, in one session.

Usage: python benchmarks/_loop.py WORKLOAD PAIRS  -> prints one JSON line {"plain": [...], "traced": [...]}
The traced time runs from the start of the training call inside `nandoctor.trace(net)` to leaving the
block, so it includes the final flush (the batched statistics), not the analysis afterwards; the one-time
recompilation of the class's methods on entering the block is reported apart ("enter").
"""

import importlib.util
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def workload(name, path):
    """(make_net, run(net)) for a workload."""
    from numpy import array

    if name == "mlp":
        m = _load(path, "nd_bench_mlp")
        X, Y = m.make_data()
        return m.MLP, lambda net: net.train(X, Y)
    m = _load(path, "nd_bench_" + name)
    x = array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0]])
    y = array([[0, 1, 1, 1, 1, 0, 0]]).T
    lr, steps = {"seed10k": (1, 10_000), "answer100k": (0.1, 100_000)}[name]
    return m.ArtificialNeuralNetwork, lambda net: net.train(x, y, lr, steps)


def main():
    import warnings

    import nandoctor

    name, path, pairs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    make, run = workload(name, path)
    warnings.simplefilter("ignore")  # the seed's RuntimeWarnings: printed once, not what we time
    plain, traced, enter = [], [], []
    for _ in range(pairs):
        net = make()
        t = time.perf_counter()
        run(net)
        plain.append(time.perf_counter() - t)
        net = make()
        t0 = time.perf_counter()
        with nandoctor.trace(net) as tr:
            t = time.perf_counter()  # after the one-time recompilation of the class's methods (reported apart)
            run(net)
        traced.append(time.perf_counter() - t)
        enter.append(t - t0)
        del tr
    print(json.dumps({"plain": plain, "traced": traced, "enter": enter}))


if __name__ == "__main__":
    main()
