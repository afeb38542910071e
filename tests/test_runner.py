"""The runner: the script's module frame detached from nandoctor's, the child interpreter, __pycache__.

In-process tests drive `nandoctor.trace.runner` and its C helper directly; whole runs of
`nandoctor run` in a subprocess, compared with plain `python`, carry the `slow` marker.
"""

from __future__ import annotations

import inspect
import os
import signal
import stat
import subprocess
import sys
import textwrap
import traceback
import time
from pathlib import Path

import pytest

from nandoctor.trace import PACKAGE_DIR, runner

ROOT = Path(__file__).resolve().parent.parent
C = runner._c_runner()
needs_c = pytest.mark.skipif(C is None, reason="the _runmain extension is not built for this Python")


def _run(source: str, namespace: dict | None = None) -> dict:
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    C.run_code(compile(textwrap.dedent(source), "<script>", "exec"), namespace)
    return namespace


# -- the C helper, in process ------------------------------------------------------------------

@needs_c
def test_module_frame_has_no_frame_below_it():
    ns = _run("""
        import inspect, sys, traceback
        stack = [f.function for f in inspect.stack()]
        back = sys._getframe().f_back
        extracted = [fs.name for fs in traceback.extract_stack()]
        try:
            sys._getframe(1)
            too_deep = False
        except ValueError:
            too_deep = True
    """)
    assert ns["stack"] == ["<module>"] and ns["back"] is None and ns["too_deep"]
    assert ns["extracted"] == ["<module>"]


@needs_c
def test_our_frames_and_depth_come_back_after_a_return_and_after_an_exception():
    before = [f.function for f in inspect.stack()]
    _run("x = 1")
    assert [f.function for f in inspect.stack()] == before
    with pytest.raises(ZeroDivisionError) as info:
        _run("def f():\n    return 1 / 0\nf()\n")
    assert [f.function for f in inspect.stack()] == before
    # the traceback holds the script's frames only, below the frame that caught it
    names = [fs.function for fs in inspect.getinnerframes(info.value.__traceback__)]
    assert names[-2:] == ["<module>", "f"]
    assert sys._getframe().f_back is not None


@needs_c
def test_recursion_depth_counts_from_zero_and_the_limit_is_the_scripts():
    """Python's own budget, measured in a fresh interpreter, equals the detached one here, however deep we are."""
    probe = textwrap.dedent("""
        import sys
        sys.setrecursionlimit(60)
        def down(n):
            try:
                return down(n + 1)
            except RecursionError:
                return n
        reached = down(1)
        sys.setrecursionlimit(1000)
    """)
    plain = subprocess.run([sys.executable, "-c", probe + "print(reached)"], capture_output=True, text=True)
    expected = int(plain.stdout)
    old = sys.getrecursionlimit()

    def nested(k):  # run it from deeper in our own stack: the depth must not matter
        return nested(k - 1) if k else _run(probe)

    assert nested(30)["reached"] == expected
    assert sys.getrecursionlimit() == 1000  # the script's setting stands
    sys.setrecursionlimit(old)
    # our own depth is back: we can still recurse as deep as before
    depth = len(inspect.stack())
    assert depth > 1


@needs_c
def test_generator_made_by_the_script_resumes_on_our_stack_later():
    ns = _run("""
        import sys
        def gen():
            while True:
                yield sys._getframe().f_back
        g = gen()
        first = next(g)
    """)
    first = ns["first"]  # resumed by the module frame, which has nothing below it
    assert first.f_code.co_name == "<module>" and first.f_back is None
    back = next(ns["g"])
    assert back is sys._getframe()  # resumed here later: linked to whoever resumes it, as usual


@needs_c
def test_run_call_detaches_a_function_call():
    def hook(*args):
        return [f.function for f in inspect.stack()], sys._getframe().f_back, args

    names, back, args = C.run_call(hook, (1, 2))
    assert names == ["hook"] and back is None and args == (1, 2)
    with pytest.raises(KeyError):
        C.run_call(lambda: {}["x"], ())
    assert sys._getframe().f_back is not None


def test_without_the_c_helper_the_script_still_runs(monkeypatch, tmp_path):
    from nandoctor.trace.tracer import Tracer

    monkeypatch.setattr(runner, "_c_runner", lambda: None)
    script = tmp_path / "s.py"
    script.write_text("import sys\nvalue = 6 * 7\nlimit = sys.getrecursionlimit()\n")
    t = Tracer().start()
    try:
        outcome = runner.run_script(str(script), [], t)
    finally:
        t.stop()
    assert outcome.exit_code == 0 and outcome.namespace["value"] == 42


# -- pieces of the child, in process ---------------------------------------------------------------

def test_main_module_as_python_builds_it(tmp_path):
    script = tmp_path / "g.py"
    script.write_text("print(list(globals()))\nprint(type(__builtins__).__name__, __annotations__, __cached__)\n")
    plain = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    main = runner._main_module(str(script))
    assert plain.stdout.splitlines()[0] == str(list(vars(main)))
    assert plain.stdout.splitlines()[1] == f"{type(main.__builtins__).__name__} {main.__annotations__} {main.__cached__}"


def test_given_flags_are_the_interpreter_options_as_typed():
    exe = sys.executable
    assert runner._given_flags([exe, "-W", "error", "-X", "dev", "-B", "-m", "nandoctor", "run", "x.py"]) == \
        ["-W", "error", "-X", "dev", "-B"]
    assert runner._given_flags([exe, "/usr/bin/nandoctor", "run", "-q", "x.py"]) == []
    assert runner._given_flags([exe, "-c", "code"]) == []


def test_messages_that_would_run_script_code_are_not_rendered():
    class Custom(Exception):
        def __str__(self):
            raise AssertionError("the script's __str__ ran")

    class Arg:
        def __str__(self):
            raise AssertionError("the argument's __str__ ran")

    assert runner._safe_message(ValueError("plain")) == "plain"
    assert runner._safe_message(Custom("x")).startswith("<message not rendered")
    assert runner._safe_message(ValueError(Arg())).startswith("<message not rendered")
    try:
        try:
            raise ValueError("inner")
        except ValueError:
            raise Custom("outer")
    except Custom as e:
        text = runner._traceback_text(e, e.__traceback__)
    assert "Custom: <message not rendered" in text and "test_runner.py" in text
    try:
        try:
            raise KeyError("cause")
        except KeyError as k:
            raise RuntimeError("effect") from k
    except RuntimeError as e:
        text = runner._traceback_text(e, e.__traceback__)
    assert "KeyError: 'cause'" in text and "RuntimeError: effect" in text


# -- whole runs --------------------------------------------------------------------------------

def _env(**extra):
    env = dict(os.environ)
    env.pop("NANDOCTOR_RAISE", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def _nandoctor(args, cwd, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "nandoctor", "run", *args], cwd=cwd, capture_output=True, text=True,
                          env=env or _env(), timeout=300, **kw)


def _meta(out: Path) -> dict:
    import json

    return json.loads((out / "session.json").read_text())["meta"]


TRAIN = """
import numpy as np
w = np.ones(3)
for i in range(50):
    w = w * 0.99
"""


@pytest.mark.slow
@pytest.mark.parametrize("ending, status", [("os._exit(3)", 3), ("os.kill(os.getpid(), signal.SIGKILL)", -9)])
def test_abrupt_endings_still_get_a_report(tmp_path, ending, status):
    script = tmp_path / "abrupt.py"
    script.write_text(f"import os, signal, time\n{TRAIN}\ntime.sleep(1.5)\n{ending}\n")  # one flush first
    out = tmp_path / "out"
    p = _nandoctor(["-o", str(out), "--format", "json,session", str(script)], cwd=str(tmp_path))
    plain = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert p.returncode == plain.returncode == status, p.stderr
    meta = _meta(out)
    assert meta["exit_status"] == (status if status >= 0 else 128 - status)
    assert meta["interrupted"] is (status < 0)
    assert (out / "findings.json").exists()
    import nandoctor

    assert nandoctor.load(out).plan.n_steps == 50


@pytest.mark.slow
def test_terminal_ctrl_c_reaches_the_script_once(tmp_path):
    """A Ctrl-C signals the whole foreground process group: the script gets one KeyboardInterrupt."""
    script = tmp_path / "once.py"
    script.write_text(textwrap.dedent("""
        import time
        print("ready", flush=True)
        try:
            time.sleep(30)
        except KeyboardInterrupt:
            time.sleep(0.5)  # a second, forwarded SIGINT would interrupt this
            print("handled once", flush=True)
    """))
    import fcntl
    import pty
    import termios

    master, slave = pty.openpty()  # a terminal of its own: a typed Ctrl-C signals its foreground group

    def own_terminal():
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    p = subprocess.Popen([sys.executable, "-m", "nandoctor", "run", "-q", "-o", str(tmp_path / "out"), str(script)],
                         cwd=str(tmp_path), stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env=_env(), start_new_session=True, preexec_fn=own_terminal)
    os.close(slave)
    try:
        assert p.stdout.readline() == "ready\n"
        time.sleep(0.2)
        os.write(master, b"\x03")  # Ctrl-C, as typed
        out, err = p.communicate(timeout=60)
    finally:
        os.close(master)
    assert p.returncode == 0, err
    assert out == "handled once\n"


@pytest.mark.slow
def test_interpreter_flags_reach_the_script(tmp_path):
    script = tmp_path / "flags.py"
    script.write_text("import sys\nprint(sys.warnoptions, sys.flags.dev_mode, sys.orig_argv[1:])\n")
    cmd = ["-W", "error::DeprecationWarning", "-X", "dev"]
    plain = subprocess.run([sys.executable, *cmd, str(script), "a"], capture_output=True, text=True, env=_env())
    traced = subprocess.run([sys.executable, *cmd, "-m", "nandoctor", "run", "-q", "-o", str(tmp_path / "out"),
                             str(script), "a"], capture_output=True, text=True, env=_env())
    assert traced.returncode == plain.returncode == 0, traced.stderr
    assert traced.stdout == plain.stdout


def _pycache_run(tmp_path: Path, env: dict, *extra_flags) -> tuple[Path, Path]:
    """The same two-module program run by python and by nandoctor, each in its own folder."""
    folders = []
    for name in ("plain", "traced"):
        d = tmp_path / name
        d.mkdir()
        (d / "main.py").write_text("import helper\nprint(helper.twice(2))\n")
        (d / "helper.py").write_text("def twice(x):\n    y = x * 2\n    return y\n")
        folders.append(d)
    plain, traced = folders
    p = subprocess.run([sys.executable, *extra_flags, "main.py"], cwd=plain, capture_output=True, text=True, env=env)
    t = subprocess.run([sys.executable, *extra_flags, "-m", "nandoctor", "run", "-q", "-o", str(tmp_path / "out"),
                        "main.py"], cwd=traced, capture_output=True, text=True, env=env)
    assert p.returncode == t.returncode == 0, t.stderr
    assert p.stdout == t.stdout == "4\n"
    return plain, traced


@pytest.mark.slow
def test_pycache_holds_pythons_own_bytecode(tmp_path):
    env = _env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    plain, traced = _pycache_run(tmp_path, env)
    assert sorted(os.listdir(plain / "__pycache__")) == sorted(os.listdir(traced / "__pycache__"))
    name = os.listdir(traced / "__pycache__")[0]
    # Python's own file for the same source in the same folder: byte-identical unless ours held instrumented code
    ours = (traced / "__pycache__" / name).read_bytes()
    os.remove(traced / "__pycache__" / name)
    subprocess.run([sys.executable, "main.py"], cwd=traced, capture_output=True, env=env, check=True)
    assert (traced / "__pycache__" / name).read_bytes() == ours


@pytest.mark.slow
@pytest.mark.parametrize("how", ["-B", "PYTHONDONTWRITEBYTECODE"])
def test_no_pycache_where_python_writes_none(tmp_path, how):
    env = _env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    flags = ()
    if how == "-B":
        flags = ("-B",)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    plain, traced = _pycache_run(tmp_path, env, *flags)
    assert not (plain / "__pycache__").exists() and not (traced / "__pycache__").exists()


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_is_no_error(tmp_path):
    env = _env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    d = tmp_path / "ro"
    d.mkdir()
    (d / "main.py").write_text("import helper\nprint(helper.X)\n")
    (d / "helper.py").write_text("X = 5\n")
    d.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        t = _nandoctor(["-q", "-o", str(tmp_path / "out"), "main.py"], cwd=str(d), env=env)
    finally:
        d.chmod(stat.S_IRWXU)
    assert t.returncode == 0 and t.stdout == "5\n" and t.stderr == ""


def test_a_tail_in_nandoctor_frames_is_cut_from_the_scripts_traceback():
    """An exception raised in one of our hooks (a Ctrl-C landing there) ends where the script was."""
    hook_ns = {}
    exec(compile("def hook():\n    x = 1\n    raise KeyboardInterrupt\n", PACKAGE_DIR + "fake_hook.py", "exec"),
         hook_ns)
    script = compile("def step():\n    return hook()\nstep()\n", "/elsewhere/script.py", "exec")
    try:
        exec(script, {"hook": hook_ns["hook"]})
    except KeyboardInterrupt as e:
        tb = runner._user_tb(e, script, {"/elsewhere/script.py"})
    shown = [(entry.filename, entry.lineno) for entry in traceback.extract_tb(tb)]
    assert shown == [("/elsewhere/script.py", 3), ("/elsewhere/script.py", 2)]


def test_a_user_frame_called_back_from_ours_keeps_the_whole_traceback():
    """Frames of ours between two of the script's stay: they are how the script's code was reached."""
    hook_ns = {}
    exec(compile("def hook(back):\n    return back()\n", PACKAGE_DIR + "fake_hook.py", "exec"), hook_ns)
    script = compile("def boom():\n    raise ValueError\nhook(boom)\n", "/elsewhere/script.py", "exec")
    try:
        exec(script, {"hook": hook_ns["hook"]})
    except ValueError as e:
        tb = runner._user_tb(e, script, {"/elsewhere/script.py"})
    shown = [entry.filename for entry in traceback.extract_tb(tb)]
    assert shown == ["/elsewhere/script.py", PACKAGE_DIR + "fake_hook.py", "/elsewhere/script.py"]
