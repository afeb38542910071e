"""Per-call cost of the recording hooks, C against pure Python, on the seed's shapes.

Usage: python benchmarks/_hooks.py [CALLS]  -> a table of nanoseconds per call (best of 5 repeats).

`rec` records a (7, 4) float64 array, `args` a method's (array, float) arguments, `upd` an update of a
(3, 4) array; "repeat" calls record the same values again (a constant input: only a flag is written),
"fresh" ones values that change at every call. The flushes a long run would make are left out.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def per_call(fn, calls: int) -> float:
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best / calls * 1e9


def main():
    import numpy as np

    from nandoctor.trace.instrument import ARGS, REC, UPD, Registry
    from nandoctor.trace.recorder import Recorder

    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    rng = np.random.default_rng(0)
    fresh = [rng.normal(size=(7, 4)) for _ in range(64)]
    w = [rng.normal(size=(3, 4)) for _ in range(65)]
    a = fresh[0]
    rows = []
    for impl in ("c", "python"):
        if impl == "python":
            os.environ["NANDOCTOR_PURE_PYTHON"] = "1"
        else:
            os.environ.pop("NANDOCTOR_PURE_PYTHON", None)
        r = Recorder(Registry())
        h = r.hooks()
        if r.hooks_impl != impl:
            print(f"the {impl} hooks are not available here", file=sys.stderr)
            continue
        rec, args, upd = h[REC], h[ARGS], h[UPD]

        def clear():
            r.log.clear()
            r.payloads.clear()
            for k in r.fast.values():
                for b in (k[3], k[4], k[6], k[7]):
                    del b[:]

        def loop(f):
            def run():
                clear()
                f()
            return run

        cases = {
            "rec, repeat": loop(lambda: [rec(0, a) for _ in range(calls)]),
            "rec, fresh": loop(lambda: [rec(0, fresh[i & 63]) for i in range(calls)]),
            "args, fresh": loop(lambda: [args((1, 2), (fresh[i & 63], 0.01)) for i in range(calls)]),
            "upd, fresh": loop(lambda: [upd(3, w[i & 63], w[(i & 63) + 1]) for i in range(calls)]),
        }
        rows.append((impl, {k: per_call(f, calls) for k, f in cases.items()}))
    print("| hooks | " + " | ".join(rows[0][1]) + " |")
    print("|---" * (len(rows[0][1]) + 1) + "|")
    for impl, d in rows:
        print(f"| {impl} | " + " | ".join(f"{v:.0f} ns" for v in d.values()) + " |")


if __name__ == "__main__":
    main()
