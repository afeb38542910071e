"""Every sample script run twice, once for the whole test session: plain `python SCRIPT` and `nandoctor run`.

The plain run is the reference, with a `sitecustomize` that saves the script's globals at exit; the traced run
goes through the real CLI (the json and session outputs), whose child interpreter runs the same sitecustomize.
tests/test_parity.py compares the two; tests/test_causes_samples.py reads the traced run's session, so each
sample is traced once per test session. A sample may carry directives in its first lines:

    # parity-stdin: TEXT      stdin given to every run (default: empty)
    # parity-args: A B "C D"  arguments after the script
    # parity-skip: REASON     not a runnable sample

Helper modules (`verify.py`, names or folders starting with `_`) are not samples.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent / "samples"

ROOT = Path(__file__).resolve().parent.parent
NOT_SAMPLES = {"verify.py", "conftest.py", "__init__.py"}
TIMEOUT = 240

# Saves the ndarrays, numpy scalars and numbers of a namespace (one level into lists, dicts and user objects).
DUMPER = textwrap.dedent('''
    def _nd_parity_dump(ns, npz):
        import numpy as np
        keep = {}

        def put(name, v):
            if isinstance(v, np.ma.MaskedArray):
                put(name + ".mask", np.ma.getmaskarray(v))
                v = np.ma.getdata(v)
            if isinstance(v, np.ndarray):
                a = np.array(v)  # plain ndarray (np.matrix too), a copy
            elif isinstance(v, (np.generic, bool, int, float, complex)):
                a = np.asarray(v)
            else:
                return False
            if a.dtype.kind in "OUSV":
                a = np.array([repr(x) for x in a.ravel()], dtype=str).reshape(a.shape)
            keep[name + "|" + type(v).__name__] = a
            return True

        for k, v in list((ns or {}).items()):
            if k.startswith("__"):
                continue
            if put(k, v):
                continue
            if isinstance(v, (list, tuple)):
                for i, x in enumerate(v[:50]):
                    put(f"{k}[{i}]", x)
            elif isinstance(v, dict):
                for i, (kk, x) in enumerate(list(v.items())[:50]):
                    put(f"{k}[{kk!r}]", x)
            elif type(v).__module__ == "__main__" and not isinstance(v, type):
                attrs = dict(getattr(v, "__dict__", {}))
                for s in getattr(type(v), "__slots__", ()):
                    if hasattr(v, s):
                        attrs[s] = getattr(v, s)
                for a, x in attrs.items():
                    put(f"{k}.{a}", x)
        np.savez(npz, **keep)
''')

# The untraced side: plain `python SCRIPT` with this sitecustomize on PYTHONPATH saves the script's globals at
# exit (registered first, so it runs after the script's own atexit handlers and nandoctor's last flush; only in the
# script's process: under `nandoctor run`, the child).
SITECUSTOMIZE = DUMPER + textwrap.dedent('''
    import atexit as _atexit, os as _os, sys as _sys

    def _nd_parity_atexit():
        target = _os.environ.get("NANDOCTOR_PARITY_SCRIPT")
        if target and _sys.argv and _os.path.abspath(_sys.argv[0]) == target:
            main = _sys.modules.get("__main__")
            _nd_parity_dump(getattr(main, "__dict__", {}), _os.environ["NANDOCTOR_PARITY_NPZ"])

    _atexit.register(_nd_parity_atexit)
''')

def samples() -> list[Path]:
    out = []
    for p in sorted(SAMPLES.rglob("*.py")):
        rel = p.relative_to(SAMPLES)
        if p.name in NOT_SAMPLES or any(part.startswith("_") for part in rel.parts):
            continue
        if directives(p).get("skip"):
            continue
        out.append(p)
    return out


def directives(path: Path) -> dict:
    found = {}
    with open(path, "rb") as f:
        head = f.read(2000).decode("utf-8", "replace").splitlines()[:8]
    for line in head:
        for key in ("stdin", "args", "skip"):
            tag = f"# parity-{key}:"
            if line.startswith(tag):
                found[key] = line[len(tag):].strip()
    return found


def _env(extra: dict | None = None) -> dict:
    e = dict(os.environ)
    e.pop("NANDOCTOR_RAISE", None)  # internal errors are checked from the session, not by crashing the patient
    e.setdefault("OPENBLAS_NUM_THREADS", "1")  # BLAS thread count can change float summation order
    e.setdefault("OMP_NUM_THREADS", "1")
    e.setdefault("MKL_NUM_THREADS", "1")
    e["PYTHONHASHSEED"] = "0"
    e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
    e.update(extra or {})
    return e


def run(cmd, cwd, stdin, env):
    try:
        p = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, text=True, env=_env(env), timeout=TIMEOUT,
                           errors="replace")
        return {"rc": p.returncode, "out": p.stdout, "err": p.stderr}
    except subprocess.TimeoutExpired:
        return {"rc": "timeout", "out": "", "err": ""}


def commands(script: Path, work: Path) -> dict:
    """The two runs of one sample: {name: (command, extra environment)}."""
    args = shlex.split(directives(script).get("args", ""))
    work.mkdir(parents=True)
    (work / "site").mkdir()
    (work / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE)
    cmds = {
        "python": ([sys.executable, str(script), *args],
                   {"PYTHONPATH": str(work / "site") + os.pathsep + str(ROOT), "NANDOCTOR_PARITY_SCRIPT": str(script.resolve()),
                    "NANDOCTOR_PARITY_NPZ": str(work / "plain.npz")}),
        # The real CLI; the script runs in its child interpreter, where the same sitecustomize saves its globals.
        # No probing: the samples' cause tests judge the declared rules (tests/test_probes.py tests the probes).
        "traced": ([sys.executable, "-m", "nandoctor", "run", "-o", str(work / "report"), "--format", "json,session",
                    "--probe", "off", str(script), *args],
                   {"PYTHONPATH": str(work / "site") + os.pathsep + str(ROOT), "NANDOCTOR_PARITY_SCRIPT": str(script.resolve()),
                    "NANDOCTOR_PARITY_NPZ": str(work / "traced.npz")}),
    }
    for k in cmds:
        (work / k).mkdir()
    return cmds


def run_samples(base: Path) -> dict:
    """All samples, all runs in parallel (three at a time): {path relative to SAMPLES: {"work": folder,
    "python": result, "traced": result}}, a result being {"rc", "out", "err"}; the traced run's session is in
    work / "report"."""
    jobs = {}
    for k, p in enumerate(samples()):
        work = base / f"s{k}"
        stdin = directives(p).get("stdin", "")
        for name, (cmd, env) in commands(p, work).items():
            jobs[(str(p.relative_to(SAMPLES)), name)] = (cmd, str(work / name), stdin + "\n" if stdin else "", env,
                                                         work)
    out: dict = {}
    with ThreadPoolExecutor(3) as pool:
        futs = {key: pool.submit(run, cmd, cwd, stdin, env) for key, (cmd, cwd, stdin, env, _) in jobs.items()}
        for (sample, name), f in futs.items():
            out.setdefault(sample, {"work": jobs[(sample, name)][4]})[name] = f.result()
    return out
