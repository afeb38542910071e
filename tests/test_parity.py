"""Issue 7: every sample script behaves bit-identically traced and untraced (output, exit status, final arrays).

Every `*.py` under `tests/samples/` (recursively, whatever exists when the suite runs) is run twice:
plain `python SCRIPT`, the reference, with a `sitecustomize` that saves the script's globals at exit;
and through the real `nandoctor run` CLI (the json and session outputs), whose child interpreter runs the
same sitecustomize.
Compared: stdout, stderr (less nandoctor's `nandoctor:` lines), exit status, and the ndarrays, numpy
scalars and Python numbers of the module globals (one level into lists, dicts and user objects), in
dtype, shape and bytes (NaN payloads and signed zeros
included). A sample may carry directives in its first lines:

    # parity-stdin: TEXT      stdin given to every run (default: empty)
    # parity-args: A B "C D"  arguments after the script
    # parity-skip: REASON     not a runnable sample

Helper modules (`verify.py`, names or folders starting with `_`) are not samples. The runs go in parallel;
the traced run writes only findings.json and the session (the HTML and PNG renderers never touch the
script, and are tested elsewhere).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from conftest import SAMPLES

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

def _samples() -> list[Path]:
    out = []
    for p in sorted(SAMPLES.rglob("*.py")):
        rel = p.relative_to(SAMPLES)
        if p.name in NOT_SAMPLES or any(part.startswith("_") for part in rel.parts):
            continue
        if _directives(p).get("skip"):
            continue
        out.append(p)
    return out


def _directives(path: Path) -> dict:
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


def _run(cmd, cwd, stdin, env):
    try:
        p = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, text=True, env=_env(env), timeout=TIMEOUT,
                           errors="replace")
        return {"rc": p.returncode, "out": p.stdout, "err": p.stderr}
    except subprocess.TimeoutExpired:
        return {"rc": "timeout", "out": "", "err": ""}


def _commands(script: Path, work: Path) -> dict:
    """The two runs of one sample: {name: (command, extra environment)}."""
    args = shlex.split(_directives(script).get("args", ""))
    work.mkdir(parents=True)
    (work / "site").mkdir()
    (work / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE)
    cmds = {
        "python": ([sys.executable, str(script), *args],
                   {"PYTHONPATH": str(work / "site") + os.pathsep + str(ROOT), "NANDOCTOR_PARITY_SCRIPT": str(script.resolve()),
                    "NANDOCTOR_PARITY_NPZ": str(work / "plain.npz")}),
        # The real CLI; the script runs in its child interpreter, where the same sitecustomize saves its globals.
        "traced": ([sys.executable, "-m", "nandoctor", "run", "-o", str(work / "report"), "--format", "json,session",
                    str(script), *args],
                   {"PYTHONPATH": str(work / "site") + os.pathsep + str(ROOT), "NANDOCTOR_PARITY_SCRIPT": str(script.resolve()),
                    "NANDOCTOR_PARITY_NPZ": str(work / "traced.npz")}),
    }
    for k in cmds:
        (work / k).mkdir()
    return cmds


@pytest.fixture(scope="module")
def parity_runs(tmp_path_factory):
    """All samples, all runs in parallel once for the module: {relative path: results}."""
    base = tmp_path_factory.mktemp("parity")
    jobs = {}
    for k, p in enumerate(_samples()):
        work = base / f"s{k}"
        stdin = _directives(p).get("stdin", "")
        for name, (cmd, env) in _commands(p, work).items():
            jobs[(str(p.relative_to(SAMPLES)), name)] = (cmd, str(work / name), stdin + "\n" if stdin else "", env,
                                                         work)
    out: dict = {}
    with ThreadPoolExecutor(3) as pool:
        futs = {key: pool.submit(_run, cmd, cwd, stdin, env) for key, (cmd, cwd, stdin, env, _) in jobs.items()}
        for (sample, name), f in futs.items():
            out.setdefault(sample, {"work": jobs[(sample, name)][4]})[name] = f.result()
    return out


def _our_stderr(text: str) -> str:
    """Traced stderr without nandoctor's own lines (each marked `nandoctor:`)."""
    return "".join(ln for ln in text.splitlines(keepends=True) if not ln.startswith("nandoctor:"))


def _load_npz(path: Path) -> dict:
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


SAMPLE_IDS = [str(p.relative_to(SAMPLES)) for p in _samples()]


def test_there_are_samples():
    assert len(SAMPLE_IDS) >= 10, SAMPLE_IDS
    assert any(s.startswith("odd/") for s in SAMPLE_IDS)


# Known, documented divergences (README "Known limits"): each must still fail, or the mark goes.
KNOWN_OUTPUT_DIVERGENCE: dict[str, str] = {}


def _with_known(ids):
    return [pytest.param(i, marks=pytest.mark.xfail(reason=KNOWN_OUTPUT_DIVERGENCE[i], strict=True))
            if i in KNOWN_OUTPUT_DIVERGENCE else i for i in ids]


@pytest.mark.parametrize("sample", _with_known(SAMPLE_IDS))
def test_output_and_exit_status_identical(parity_runs, sample):
    r = parity_runs[sample]
    plain, traced = r["python"], r["traced"]
    assert plain["rc"] != "timeout", "plain run timed out"
    assert traced["rc"] == plain["rc"], traced["err"][-3000:]
    assert traced["out"] == plain["out"]
    assert _our_stderr(traced["err"]) == plain["err"]


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_final_arrays_bit_identical(parity_runs, sample):
    r = parity_runs[sample]
    # The harness runs end as the script does; what matters is that both ended the same way.
    assert r["traced"]["rc"] == r["python"]["rc"], r["traced"]["err"][-3000:]
    plain = _load_npz(r["work"] / "plain.npz")
    traced = _load_npz(r["work"] / "traced.npz")
    assert (r["work"] / "plain.npz").exists(), r["python"]["err"][-3000:]
    assert sorted(traced) == sorted(plain)
    for k, a in plain.items():
        b = traced[k]
        assert (b.dtype, b.shape) == (a.dtype, a.shape), k
        assert b.tobytes() == a.tobytes(), f"{sample}: {k} differs:\nplain  {a!r}\ntraced {b!r}"


@pytest.mark.parametrize("sample", SAMPLE_IDS)
def test_session_readable_without_internal_errors(parity_runs, sample):
    """The traced run left a readable session, its metadata matching the run, and nandoctor had no errors."""
    import nandoctor

    r = parity_runs[sample]
    folder = r["work"] / "report"
    if r["python"]["rc"] == 2 and not folder.exists():
        pytest.skip("the script could not be opened: no session")
    s = nandoctor.load(folder)
    rc = r["python"]["rc"]  # -N: died by signal N (an uncaught Ctrl-C), which the session says as 128 + N
    assert s.meta["exit_status"] == (128 - rc if rc < 0 else rc)
    assert s.meta["interrupted"] is (rc < 0)
    frame = s.frame
    assert frame is not None
    assert s.errors == [], s.errors
    assert "internal error" not in r["traced"]["err"], r["traced"]["err"][-3000:]
    json.dumps(s.meta)  # plain JSON: nothing live leaked into the metadata
