"""Independent, untraced checks of the sample corpus (plain numpy + the standard library).

Nothing here imports nandoctor: these helpers establish what each sample really does, so the expectations in
``expected.json`` are measured rather than asserted.

- ``run_script``          plain ``python file.py`` in a subprocess.
- ``first_fp_error``      re-runs the script with ``np.seterr(over/divide/invalid="raise")`` and reports the line of
                          the first FloatingPointError inside the script (the exact statement numpy flagged).
- ``first_nonfinite_value`` re-runs the script under a ``sys.settrace`` line tracer that inspects every array and
                          float bound in the script's frames (locals, ``self`` attributes, return values) after each
                          line, and reports the first line after which a NaN/Inf exists. This also sees non-finite
                          values that raise no flag (NaN in the input data, BLAS, a user ``errstate(ignore)``).
- ``losses`` / ``metric`` parse the numbers the script prints.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

_ENV = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONHASHSEED="0")

_FP_DRIVER = r'''
import json, runpy, sys, traceback
import numpy as np
path = sys.argv[1]
np.seterr(over="raise", divide="raise", invalid="raise", under="ignore")
out = {"raised": False}
try:
    runpy.run_path(path, run_name="__main__")
except FloatingPointError as exc:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == path]
    last = frames[-1]
    out = {"raised": True, "line": last.lineno, "function": last.name, "statement": (last.line or "").strip(),
           "message": str(exc)}
except SystemExit:
    pass
sys.stdout.flush()
sys.stderr.write("\n@@FP@@" + json.dumps(out) + "\n")
'''

_VALUE_DRIVER = r'''
import json, math, os, runpy, sys
import numpy as np
path = sys.argv[1]

def bad(v):
    if isinstance(v, np.ndarray):
        return v.dtype.kind in "fc" and v.size > 0 and not np.isfinite(v).all()
    if isinstance(v, (float, np.floating)):
        return not math.isfinite(v)
    return False

def scan(frame):
    for name, v in list(frame.f_locals.items()):
        if bad(v):
            return name
        d = getattr(v, "__dict__", None) if name == "self" else None
        if isinstance(d, dict):
            for k, w in d.items():
                if bad(w):
                    return "self." + k
        if isinstance(v, dict) and not name.startswith("__"):
            for k, w in list(v.items())[:64]:
                if bad(w):
                    return f"{name}[{k!r}]"
    return None

def report(frame, line, name):
    sys.settrace(None)
    sys.stdout.flush()
    sys.stderr.write("\n@@NF@@" + json.dumps({"found": True, "line": line, "function": frame.f_code.co_name,
                                             "name": name}) + "\n")
    sys.stderr.flush()
    os._exit(0)

def local(frame, event, arg):
    prev = frame.f_lineno if event == "return" else local.last.get(id(frame))
    if event in ("line", "return") and prev is not None:
        name = scan(frame)
        if name is None and event == "return" and bad(arg):
            name = "return"
        if name is not None:
            report(frame, prev, name)
    local.last[id(frame)] = frame.f_lineno
    return local
local.last = {}

def glob(frame, event, arg):
    if frame.f_code.co_filename == path:
        return local
    return None

np.seterr(all="ignore")
sys.settrace(glob)
try:
    runpy.run_path(path, run_name="__main__")
except BaseException:
    pass
sys.settrace(None)
sys.stderr.write("\n@@NF@@" + json.dumps({"found": False}) + "\n")
'''


def sample_path(name: str) -> str:
    return str(HERE / name)


def _py(args, timeout=60):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=_ENV, timeout=timeout,
                          cwd=str(HERE))


def run_script(name: str, timeout: float = 60):
    """Plain ``python name``: CompletedProcess with text stdout/stderr."""
    return _py([sample_path(name)], timeout=timeout)


def _tagged(stderr: str, tag: str) -> dict:
    for line in reversed(stderr.splitlines()):
        if line.startswith(tag):
            return json.loads(line[len(tag):])
    raise AssertionError(f"driver produced no {tag} record; stderr tail:\n{stderr[-2000:]}")


def first_fp_error(name: str, timeout: float = 60) -> dict:
    """First numpy FloatingPointError (over/divide/invalid) raised inside the script, or {"raised": False}."""
    proc = _py(["-c", _FP_DRIVER, sample_path(name)], timeout=timeout)
    return _tagged(proc.stderr, "@@FP@@")


def first_nonfinite_value(name: str, timeout: float = 120) -> dict:
    """First script line after which a NaN/Inf is bound to a name in a script frame, or {"found": False}."""
    proc = _py(["-c", _VALUE_DRIVER, sample_path(name)], timeout=timeout)
    return _tagged(proc.stderr, "@@NF@@")


_NUM = r"([-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|nan|inf))"


def metric(stdout: str, word: str) -> list[float]:
    """Every number printed right after ``word`` (a regex; case-insensitive; ``loss: 0.5``, ``cost = nan``, ``Loss 3e4``)."""
    pat = re.compile("(?:" + word + r")\w*[ \t]*[:=]?[ \t]*" + _NUM, re.IGNORECASE)
    return [float(m.group(1)) for m in pat.finditer(stdout)]


_LOSS = re.compile(r"(\w*?)(?:loss|cost)\w*[ \t]*[:=]?[ \t]*" + _NUM, re.IGNORECASE)


def losses(stdout: str) -> list[float]:
    """The training losses in the order training reached them: a summary printed after training (`first_loss=`,
    `final_loss=`) is put at the start and the end; held-out measures (`val_loss`, `test_loss`, `best_...`) are not
    training losses and are left out."""
    first, middle, final = [], [], []
    for m in _LOSS.finditer(stdout):
        prefix, value = m.group(1).lower(), float(m.group(2))
        if prefix.startswith(("val", "test", "valid", "best", "holdout", "eval")):
            continue
        (first if prefix.startswith("first") else final if prefix.startswith(("final", "last")) else middle).append(value)
    return first + middle + final


def all_finite(values) -> bool:
    return all(math.isfinite(v) for v in values)


def fixed_source(name: str, fix: list) -> str:
    """The sample's source with the documented fix (a list of [old, new] replacements, each matching once) applied."""
    src = (HERE / name).read_text()
    for old, new in fix:
        assert src.count(old) == 1, f"{name}: fix text must occur exactly once: {old!r}"
        src = src.replace(old, new)
    return src


def run_source(src: str, directory, stem: str = "variant", timeout: float = 60):
    """Write ``src`` to ``directory/stem.py`` and run it like ``run_script``."""
    p = Path(directory) / f"{stem}.py"
    p.write_text(src)
    return _py([str(p)], timeout=timeout)


def load_namespace(name: str) -> dict:
    """The sample's module globals without running its ``if __name__ == "__main__"`` block (top-level code runs)."""
    import runpy
    import numpy as np

    with np.errstate(all="ignore"):
        return runpy.run_path(sample_path(name), run_name="sample_under_test")


def load_expected() -> list[dict]:
    return json.loads((HERE / "expected.json").read_text())


if __name__ == "__main__":  # quick manual survey: python verify.py [names...]
    names = sys.argv[1:] or [e["file"] for e in load_expected()]
    for n in names:
        p = run_script(n)
        ls = losses(p.stdout)
        print(n, "rc", p.returncode, "losses", ls[:2], "...", ls[-2:], "acc", metric(p.stdout, "acc")[-1:],
              "warn", "RuntimeWarning" in p.stderr)
        print("   fp:", first_fp_error(n))
        print("   nf:", first_nonfinite_value(n))
