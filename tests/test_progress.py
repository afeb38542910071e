"""The live status line: its text from real chunks, and a real run under a pseudo-terminal versus a pipe."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
import time


from nandoctor.progress import ERASE, Progress, wants_progress
from nandoctor.trace.tracer import Tracer

LOOP = '''\
import numpy as np
w = np.ones(2)
with np.errstate(all="ignore"):
    for i in range(40):
        w = w * 1e50
'''


def test_status_counts_steps_and_finds_first_nonfinite():
    tracer = Tracer()
    stream = io.StringIO()
    progress = Progress(tracer, stream, interval=60, delay=0)
    tracer.start()
    try:
        progress.start()
        code = tracer.compile(LOOP, "<progress-test>")
        exec(code, {"__name__": "progress_test"})
        tracer.recorder.flush()
        text = progress.status()
        progress.draw()
    finally:
        progress.stop()
        tracer.stop()
    assert "40 steps" in text
    # 1e50**7 overflows: the seventh iteration, step 6
    assert "first non-finite: " in text and "line 5" in text and "step 6" in text
    out = stream.getvalue()
    assert out.startswith(ERASE + "nandoctor: running | 40 steps | ")
    assert out.endswith(ERASE)  # stop() erased the line it drew
    assert progress.on_chunk not in tracer.recorder.on_chunk


def test_never_drawn_means_nothing_written():
    tracer = Tracer()
    stream = io.StringIO()
    progress = Progress(tracer, stream, interval=0.01, delay=60)  # shorter than the delay: silent
    progress.start()
    time.sleep(0.05)
    progress.stop()
    assert stream.getvalue() == ""
    assert not any(t.name == "nandoctor-progress" for t in threading.enumerate())


def test_wants_progress_only_on_a_tty():
    assert not wants_progress(io.StringIO())
    master, slave = pty.openpty()
    try:
        with os.fdopen(os.dup(slave), "w") as tty:
            assert wants_progress(tty)
    finally:
        os.close(master)
        os.close(slave)


SLOW = '''\
import time
import numpy as np
w = np.ones(2)
with np.errstate(all="ignore"):
    for i in range(300):
        w = w * 1e40
        time.sleep(0.006)
print("done")
'''


def _env():
    return dict(os.environ, TERM="xterm", COLUMNS="200")


def test_live_line_under_a_pseudo_terminal(tmp_path):
    (tmp_path / "slow.py").write_text(SLOW)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 160, 0, 0))  # a 160-column terminal
    proc = subprocess.Popen([sys.executable, "-m", "nandoctor", "run", "--format", "json,session", "slow.py"],
                            cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=slave, env=_env())
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    stdout = proc.stdout.read().decode()
    proc.stdout.close()
    err = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0 and stdout == "done\n"
    assert ERASE in err
    frames = [f for f in err.split(ERASE) if f.startswith("nandoctor: running")]
    assert frames, err
    assert any(" steps | " in f and " s" in f for f in frames)
    # the first non-finite value (1e40**8 overflows: step 7) shows up while the script still runs
    assert any("first non-finite: line 6" in f or ("first non-finite: w (line 6)" in f) for f in frames), frames
    # at most a few redraws a second
    assert len(frames) <= 4 * 10
    # the line is erased before the verdict, which starts on a clean line
    tail = err.rsplit(ERASE, 1)[1]
    assert tail.lstrip("\r\n").startswith("nandoctor: ") and "running |" not in tail and "analysing |" not in tail
    assert "nandoctor: report:" in tail


def test_silent_when_stderr_is_not_a_tty(tmp_path):
    (tmp_path / "slow.py").write_text(SLOW)
    proc = subprocess.run([sys.executable, "-m", "nandoctor", "run", "--format", "json,session", "slow.py"],
                          cwd=str(tmp_path), capture_output=True, text=True, env=_env(), timeout=120)
    assert proc.returncode == 0 and proc.stdout == "done\n"
    assert "\x1b[" not in proc.stderr and "\r" not in proc.stderr and "running |" not in proc.stderr
    # --progress forces the line even into a pipe; --quiet silences it again
    forced = subprocess.run([sys.executable, "-m", "nandoctor", "run", "--progress", "--format", "json,session",
                             "slow.py"], cwd=str(tmp_path), capture_output=True, text=True, env=_env(), timeout=120)
    assert "\x1b[2K" in forced.stderr and "running |" in forced.stderr  # (text mode turned \\r into \\n)
    quiet = subprocess.run([sys.executable, "-m", "nandoctor", "run", "-q", "--progress", "--format", "json,session",
                            "slow.py"], cwd=str(tmp_path), capture_output=True, text=True, env=_env(), timeout=120)
    assert "running |" not in quiet.stderr
