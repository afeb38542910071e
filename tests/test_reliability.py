"""Issue 7: every way out of a script keeps its exit status and leaves a session and a report.

Each case runs the same script with plain `python` (the reference) and with `nandoctor run`, in
parallel, and compares how they ended. Kills at random points live in test_reliability_kill.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

import nandoctor
from conftest import SAMPLES

ODD = SAMPLES / "odd"


def _env(extra=None):
    e = dict(os.environ)
    e.pop("NANDOCTOR_RAISE", None)
    e.update(extra or {})
    return e


def _popen(cmd, cwd, env=None):
    return subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=_env(env))


def _both(script: Path, tmp: Path, args=(), send=None, env=None, wait=0.3):
    """Run `python script` and `nandoctor run -o tmp/out script`; optionally send a signal once each prints
    'ready'. Returns (plain, traced, out_dir) as dicts of rc/out/err."""
    out = tmp / "out"
    cmds = {
        "plain": [sys.executable, str(script), *args],
        "traced": [sys.executable, "-m", "nandoctor", "run", "-o", str(out), str(script), *args],
    }

    def go(name):
        cwd = tmp / name
        cwd.mkdir(exist_ok=True)
        p = _popen(cmds[name], str(cwd), env)
        first = ""
        if send is not None:
            first = p.stdout.readline()  # the script prints "ready" (flushed) once it is in its loop
            time.sleep(wait)
            p.send_signal(send)
        o, e = p.communicate(timeout=300)
        return {"rc": p.returncode, "out": first + o, "err": e}

    with ThreadPoolExecutor(2) as pool:
        plain, traced = pool.map(go, ["plain", "traced"])
    return plain, traced, out


def _ours_removed(err: str) -> str:
    return "".join(ln for ln in err.splitlines(keepends=True) if not ln.startswith("nandoctor:"))


def _meta(out: Path) -> dict:
    return json.loads((out / "session.json").read_text())["meta"]


def _html_text(out: Path) -> str:
    """The visible text of report.html, tags stripped and entities decoded."""
    import html
    import re

    page = (out / "report.html").read_text(encoding="utf-8")
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def _assert_report(out: Path):
    """A readable session and the report files next to it."""
    s = nandoctor.load(out)
    assert s.frame is not None
    assert (out / "findings.json").exists()
    assert (out / "report.html").exists()
    doc = json.loads((out / "findings.json").read_text())
    assert doc["run"]["exit_status"] == _meta(out)["exit_status"]
    return s, doc


LOOP = """
import atexit, sys, time
import numpy as np
atexit.register(lambda: print("atexit ran", flush=True))
w = np.ones(3)
print("ready", flush=True)
try:
    for i in range(10**7):
        g = w * 1e-3
        w = w - g
        time.sleep(0.0005)
finally:
    print("finally ran")
"""


def test_sys_exit_code_and_message(tmp_path):
    plain, traced, out = _both(ODD / "sys_exit.py", tmp_path)
    assert plain["rc"] == traced["rc"] == 1
    assert traced["out"] == plain["out"]
    assert _ours_removed(traced["err"]) == plain["err"] == "weights too small: stopping\n"
    meta = _meta(out)
    assert meta["exit_status"] == 1 and meta["interrupted"] is False
    _assert_report(out)


def test_uncaught_exception_report_shows_exception_and_place(tmp_path):
    plain, traced, out = _both(ODD / "uncaught.py", tmp_path)
    assert plain["rc"] == traced["rc"] == 1
    assert _ours_removed(traced["err"]) == plain["err"]
    meta = _meta(out)
    assert meta["exception"] == "RuntimeError: forward failed"
    assert "raise RuntimeError(\"forward failed\") from e" in meta["traceback"]
    assert "ValueError: matmul" in meta["traceback"]  # the chained cause is kept
    assert meta["where"]["line"] == 13 and meta["where"]["function"] == "forward"
    assert meta["where"]["file"] == str(ODD / "uncaught.py")
    package = os.path.dirname(os.path.abspath(nandoctor.__file__)) + os.sep  # not the checkout's name
    assert package not in meta["traceback"]
    _assert_report(out)
    text = _html_text(out)
    assert "RuntimeError: forward failed" in text and "line 13" in text


@pytest.mark.parametrize("pause,wait", [("        time.sleep(0.0005)\n", 0.3), ("", 1.5)], ids=["sleeping", "tight"])
def test_keyboard_interrupt_sigint(tmp_path, pause, wait):
    """Ctrl-C: the traceback, atexit handlers, then death by SIGINT exactly as Python (shell: 130). A tight
    loop spends much of its traced time in the recorder's flushes: a Ctrl-C landing there is held until the
    flush is done, and the traceback still ends in the script."""
    script = tmp_path / "loop.py"
    script.write_text(LOOP.replace("        time.sleep(0.0005)\n", pause))
    plain, traced, out = _both(script, tmp_path, send=signal.SIGINT, wait=wait)
    assert plain["rc"] == -signal.SIGINT, plain
    assert traced["rc"] == plain["rc"], traced["err"][-2000:]
    assert traced["out"] == plain["out"] == "ready\nfinally ran\natexit ran\n"
    ours = _ours_removed(traced["err"]).splitlines()
    theirs = plain["err"].splitlines()
    assert ours[0] == theirs[0] == "Traceback (most recent call last):"
    assert ours[-1] == theirs[-1] == "KeyboardInterrupt"
    assert not any("/nandoctor/" in ln for ln in ours)
    meta = _meta(out)
    assert meta["interrupted"] is True and meta["exit_status"] == 130 and meta["signal"] == signal.SIGINT
    assert meta["exception"] == "KeyboardInterrupt: "
    assert meta["where"]["file"] == str(script)
    s, _ = _assert_report(out)
    assert s.plan.n_steps > 0


def test_sigterm_reports_then_dies_by_sigterm(tmp_path):
    """SIGTERM: Python dies at once (no finally, no atexit); nandoctor writes the report, then dies the same way."""
    script = tmp_path / "loop.py"
    script.write_text(LOOP)
    plain, traced, out = _both(script, tmp_path, send=signal.SIGTERM)
    assert plain["rc"] == traced["rc"] == -signal.SIGTERM
    assert traced["out"] == plain["out"] == "ready\n"
    assert _ours_removed(traced["err"]) == plain["err"] == ""
    meta = _meta(out)
    assert meta["interrupted"] is True and meta["signal"] == signal.SIGTERM
    assert meta["exit_status"] == 128 + signal.SIGTERM
    assert meta["where"]["file"] == str(script) and meta["where"]["line"] in (9, 10, 11)
    s, _ = _assert_report(out)
    assert s.plan.n_steps > 0


def test_no_signal_handler_python_would_not_have(tmp_path):
    """The script sees Python's own signal dispositions: nandoctor installs no handler in its process."""
    script = tmp_path / "peek.py"
    script.write_text("import signal\nfor s in ('SIGINT', 'SIGTERM', 'SIGHUP', 'SIGPIPE'):\n"
                      "    print(s, signal.getsignal(getattr(signal, s)))\n")
    plain, traced, _ = _both(script, tmp_path)
    assert plain["rc"] == traced["rc"] == 0
    assert traced["out"] == plain["out"]
    assert "SIGTERM 0\n" in plain["out"]  # SIG_DFL


def test_recursion_error(tmp_path):
    """Same exception, same status, only user frames; the hooks never overflow on their own."""
    script = tmp_path / "rec.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        def f(n, x):
            y = x + 1
            return f(n + 1, y)
        f(0, np.zeros(2))
    """))
    plain, traced, out = _both(script, tmp_path)
    assert plain["rc"] == traced["rc"] == 1
    ours = _ours_removed(traced["err"]).splitlines()
    theirs = plain["err"].splitlines()
    assert ours[-1] == theirs[-1] == "RecursionError: maximum recursion depth exceeded"
    assert not any("nandoctor" in ln for ln in ours)
    assert "During handling" not in traced["err"]
    # The depth can differ by a few frames (a hook call is a frame): Python's own summary line says how many.
    rep = [ln for ln in ours if "Previous line repeated" in ln]
    rep0 = [ln for ln in theirs if "Previous line repeated" in ln]
    n, n0 = int(rep[0].split()[3]), int(rep0[0].split()[3])
    assert abs(n - n0) <= 8, (rep, rep0)
    meta = _meta(out)
    assert meta["exception"].startswith("RecursionError")
    _assert_report(out)
    assert "RecursionError" in _html_text(out)


def test_deep_recursion_that_python_allows_still_works(tmp_path):
    """nandoctor's own frames must not eat the script's recursion budget."""
    script = tmp_path / "deep.py"
    script.write_text(textwrap.dedent("""
        import sys
        def depth(n):
            return 0 if n == 0 else 1 + depth(n - 1)
        print(depth(sys.getrecursionlimit() - 40))
    """))
    plain, traced, out = _both(script, tmp_path)
    assert plain["rc"] == 0, plain["err"][-500:]
    assert traced["rc"] == 0, traced["err"][-2000:]


def test_crash_after_nan_is_connected_to_the_nan(tmp_path):
    plain, traced, out = _both(ODD / "crash_after_nan.py", tmp_path)
    assert plain["rc"] == traced["rc"] == 1
    assert traced["out"] == plain["out"]
    meta = _meta(out)
    assert meta["exception"] == "ValueError: probabilities contain NaN"
    assert meta["where"]["line"] == 9
    s, doc = _assert_report(out)
    crash = [f for f in doc["findings"] if f["code"] == "crash_after_nonfinite"]
    assert len(crash) == 1, [f["code"] for f in doc["findings"]]
    ev = crash[0]["evidence"]
    # Independently: the plain run printed step 0 and crashed in step 1, when exp(80*80*3) overflowed.
    assert plain["out"].splitlines()[-1].startswith("0 ")
    assert ev["first_nonfinite_step"] == 1 and ev["crash_step"] == 1
    assert ev["first_nonfinite_line"] == 8 and ev["crash_line"] == 9
    assert ev["nonfinite_inputs"] == ["p"]
    assert "probabilities contain NaN" in crash[0]["message"]
    assert "The crash is a symptom" in _html_text(out)  # the report shows the connection


def test_crash_without_nan_has_no_crash_finding(tmp_path):
    plain, traced, out = _both(ODD / "uncaught.py", tmp_path)
    doc = json.loads((out / "findings.json").read_text())
    assert not [f for f in doc["findings"] if f["code"] == "crash_after_nonfinite"]


# -- inputs that are not scripts ------------------------------------------------------------

def test_missing_file_and_directory(tmp_path):
    from conftest import run_nandoctor

    missing = run_nandoctor(["run", "-o", str(tmp_path / "o1"), str(tmp_path / "nope.py")], cwd=str(tmp_path))
    assert missing.returncode == 2 and "nope.py" in missing.stderr
    (tmp_path / "pkg").mkdir()
    folder = run_nandoctor(["run", "-o", str(tmp_path / "o2"), str(tmp_path / "pkg")], cwd=str(tmp_path))
    assert folder.returncode == 2 and "directory" in folder.stderr
    assert missing.stdout == folder.stdout == ""
    assert not (tmp_path / "o1").exists() and not (tmp_path / "o2").exists()


def test_latin1_source_kept_as_text(tmp_path):
    plain, traced, out = _both(ODD / "latin1_cookie.py", tmp_path)
    assert traced["out"] == plain["out"] and "café µm" in plain["out"]
    s = nandoctor.load(out)
    assert 'label = "café µm"' in s.sources[str(ODD / "latin1_cookie.py")]


# -- odd values are recorded sensibly --------------------------------------------------------

def test_odd_dtypes_recorded(tmp_path):
    from nandoctor import columns as C

    plain, traced, out = _both(ODD / "dtypes.py", tmp_path)
    assert traced["rc"] == plain["rc"] == 0
    frame = nandoctor.load(out).frame
    last = frame.sort_values(C.SEQ).groupby(C.NAME).tail(1).set_index(C.NAME)
    assert last.loc["w16", C.DTYPE] == np.dtype(np.float16).str
    assert last.loc["w32", C.DTYPE] == np.dtype(np.float32).str and last.loc["w32", C.SHAPE] == "(3, 2)"
    assert last.loc["wb", C.DTYPE] == np.dtype(bool).str
    assert last.loc["wc", C.DTYPE] == np.dtype(complex).str
    assert last.loc["scalar0", C.SHAPE] == "()"
    assert last.loc["empty", C.SIZE] == 0 and last.loc["empty", C.SHAPE] == "(0, 3)"
    assert last.loc["big", C.N_POSINF] == 1  # float16 60000*2 overflows
    assert last.loc["huge", C.N_POSINF] == 1
    # The wrapping uint8 sum: independently, 0..3 plus 50 * 250 modulo 256.
    expected_wu = (np.arange(4) + 50 * 250) % 256
    assert last.loc["wu", C.MAX] == expected_wu.max() and last.loc["wu", C.MIN] == expected_wu.min()
    # Python floats: py_float * 1.5 ** 46 ... plus 1e300 in the last steps is finite
    assert last.loc["py_float", C.N_POSINF] == 0


def test_matrix_and_masked_recorded(tmp_path):
    from nandoctor import columns as C

    plain, traced, out = _both(ODD / "matrix_masked.py", tmp_path)
    assert traced["rc"] == plain["rc"] == 0 and traced["out"] == plain["out"]
    frame = nandoctor.load(out).frame
    v = frame[frame[C.NAME] == "v"]
    assert len(v) == 21 and (v[C.SHAPE] == "(2, 1)").all()  # once before the loop, 20 times in it
    ma = frame[frame[C.NAME] == "ma"]
    assert len(ma) > 0 and (ma[C.SIZE] == 4).all()


# -- nandoctor's own failures --------------------------------------------------------------

def test_internal_error_recorded_reported_once_and_raised_on_request(tmp_path, monkeypatch):
    from nandoctor.cli import trace_script
    from nandoctor.report.terminal import verdict_lines
    from nandoctor.trace import recorder

    script = tmp_path / "s.py"
    script.write_text("import numpy as np\nw = np.ones(2)\nfor i in range(5):\n    w = w * 2\nprint(w)\n")

    def broken(self, *args, **kwargs):
        raise RuntimeError("simulated recorder failure")

    monkeypatch.setattr(recorder.Recorder, "_process", broken)
    outcome, session = trace_script(str(script), [], tmp_path / "out", formats=("json",), raise_errors=False)
    assert outcome.exit_code == 0 and outcome.exception is None  # the patient is unaffected
    assert any("simulated recorder failure" in e for e in session.errors)
    lines = [ln for ln in verdict_lines(session, str(tmp_path / "out")) if "internal error" in ln]
    assert len(lines) == 1
    assert "site `w` (line 4) lost 5 observations" in lines[0]  # what the lost chunk cost: w, once per step
    loaded = nandoctor.load(tmp_path / "out")
    assert any("simulated recorder failure" in e for e in loaded.errors)
    with pytest.raises(RuntimeError, match="simulated recorder failure"):
        trace_script(str(script), [], tmp_path / "out2", formats=("json",), raise_errors=True)


def test_forked_child_never_writes_the_session(tmp_path):
    from nandoctor.store import SessionWriter

    w = SessionWriter(tmp_path / "s", {"script": "x"})
    pid = os.fork()
    if pid == 0:  # the child: every write must be a no-op
        try:
            w.update_meta(script="child")
            w.write_analysis({"child": True})
            w.write_events([], ["child error"])
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert _meta(tmp_path / "s")["script"] == "x"
    assert not (tmp_path / "s" / "analysis.json").exists()
    assert not (tmp_path / "s" / "events.json").exists()


def test_reused_folder_drops_the_previous_runs_files(tmp_path):
    from nandoctor.store import STALE_FILES, SessionWriter

    d = tmp_path / "s"
    d.mkdir()
    for name in STALE_FILES:
        (d / name).write_text("old")
    (d / "mine.txt").write_text("user file")
    SessionWriter(d, {})
    assert not any((d / name).exists() for name in STALE_FILES)
    assert (d / "mine.txt").read_text() == "user file"


def test_nandoctor_that_cannot_start_still_runs_the_script(tmp_path, monkeypatch, capsys):
    from nandoctor.cli import trace_script
    from nandoctor.trace import tracer as tracer_mod

    def boom(self):
        raise RuntimeError("simulated start failure")

    monkeypatch.setattr(tracer_mod.Tracer, "start", boom)
    script = tmp_path / "s.py"
    marker = tmp_path / "ran.txt"
    script.write_text(f"import numpy as np\nw = np.ones(2) * 3\nopen({str(marker)!r}, 'w').write(str(w.sum()))\n")
    outcome, session = trace_script(str(script), [], tmp_path / "out", formats=("json",), raise_errors=False)
    assert session is None and outcome.exit_code == 0 and outcome.exception is None
    assert marker.read_text() == "6.0"
    assert "running the script untraced" in capsys.readouterr().err
    with pytest.raises(RuntimeError, match="simulated start failure"):
        trace_script(str(script), [], tmp_path / "out2", formats=("json",), raise_errors=True)


def test_forked_child_leaving_through_the_runner_writes_no_report(tmp_path):
    """A child that ends with sys.exit or a crash exits as under Python; the report stays the parent's."""
    script = tmp_path / "fork.py"
    script.write_text(textwrap.dedent("""
        import os, sys
        import numpy as np
        out = sys.argv[1]
        w = np.ones(2)
        for i in range(3):
            w = w * 2
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            if len(sys.argv) > 2:
                raise ValueError("child crash")
            sys.exit(5)
        _, status = os.waitpid(pid, 0)
        print("child", os.waitstatus_to_exitcode(status), "report written by child:",
              os.path.exists(os.path.join(out, "report.html")) or os.path.exists(os.path.join(out, "findings.json")))
    """))
    for k, extra in enumerate(([], ["crash"])):
        work = tmp_path / f"run{k}"
        work.mkdir()
        out = work / "out"
        plain, traced, _ = _both(script, work, args=(str(out), *extra))
        assert traced["rc"] == plain["rc"] == 0
        assert traced["out"] == plain["out"]
        assert plain["out"] == f"child {1 if extra else 5} report written by child: False\n"
        assert _ours_removed(traced["err"]) == plain["err"]
        assert _meta(out)["exit_status"] == 0
