"""Odd input: multiprocessing (fork and spawn) computing numpy results; children need not be traced."""
import multiprocessing as mp
import numpy as np


def square_sum(seed):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(10)
    s = float((a * a).sum())
    return s


if __name__ == "__main__":
    w = np.zeros(3)
    for step in range(5):
        w = w + step
    out = {}
    for method in ("fork", "spawn"):
        ctx = mp.get_context(method)
        with ctx.Pool(2) as pool:
            out[method] = pool.map(square_sum, range(4))
        q = ctx.Queue()
        p = ctx.Process(target=q.put, args=(method,))
        p.start()
        got = q.get()
        p.join()
        print(method, out[method], got, p.exitcode)
    final = np.array(out["fork"]) - np.array(out["spawn"])
    print(w, final)
