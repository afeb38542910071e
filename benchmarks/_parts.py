"""Where a workload's tracing overhead goes: the training loop untraced, traced with do-nothing hooks,
traced with the large-array statistics replaced by a constant row, and traced for real.

Usage: python benchmarks/_parts.py WORKLOAD PAIRS  -> one JSON line of medians and per-round ratios.

"noop" keeps the instrumented code, the floating-point trap and the flush but makes every hook return at
once: the cost of instrumentation itself. "no-big" records everything as usual except that the arrays
`stats.BigArrays` summarises (float64 above 65,536 elements, other dtypes above 8,192; in the pure-Python
hooks also float64 above 8,192) get a constant statistics row instead of their checks and screening: the
difference to "traced" is what those cost. Diagnostic only: the modes other than "plain" and "traced"
record nothing useful.
"""

import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))

MODES = ("plain", "noop", "no-big", "traced")


def main():
    import warnings

    import numpy as np

    import nandoctor
    from _loop import workload
    from nandoctor.trace import recorder as R
    from nandoctor.trace import stats as S
    from nandoctor.trace.instrument import ARGS, AUGREC, DELTA, EXIT, ITER, REC, UNPACK, UPD

    name, path, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    make, run = workload(name, path)
    warnings.simplefilter("ignore")
    real_row, real_hooks = S.BigArrays.row, R.Recorder.hooks
    const = np.full(S.NSTATS, np.nan)

    def noop_hooks(self):
        h = real_hooks(self)
        h.update({REC: lambda s, v: v, UPD: lambda s, o, n: n, DELTA: lambda s, d: d, AUGREC: lambda s, v: None,
                  UNPACK: lambda s, v: v, ARGS: lambda s, v: None, ITER: lambda i: None, EXIT: lambda i: None})
        return h

    times = {m: [] for m in MODES}
    try:
        for _ in range(rounds):
            for mode in MODES:
                net = make()
                if mode == "plain":
                    t = time.perf_counter()
                    run(net)
                    times[mode].append(time.perf_counter() - t)
                    continue
                S.BigArrays.row = (lambda self, sid, v, delta=None: const.copy()) if mode == "no-big" else real_row
                R.Recorder.hooks = noop_hooks if mode == "noop" else real_hooks
                with nandoctor.trace(net):
                    t = time.perf_counter()
                    run(net)
                times[mode].append(time.perf_counter() - t)
    finally:
        S.BigArrays.row, R.Recorder.hooks = real_row, real_hooks
    out = {m: statistics.median(v) for m, v in times.items()}
    out["ratios"] = {m: statistics.median(t / p for t, p in zip(times[m], times["plain"])) for m in MODES[1:]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
