"""Measures, with a plain sys.settrace, the first training-loop iteration after which a variable holds NaN or inf."""

from __future__ import annotations

import io
import json
import math
import sys
import types
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SKIP_TYPES = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type, types.MethodType)


def nonfinite(value, depth=2):
    """True when value, or something held in it (containers, object attributes) depth levels down, is NaN/inf."""
    if isinstance(value, (float, np.floating, complex, np.complexfloating)):
        return not np.isfinite(value)
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "fc" and value.size > 0 and not np.isfinite(value).all()
    if depth == 0 or isinstance(value, SKIP_TYPES) or isinstance(value, (str, bytes, int, bool)):
        return False
    if isinstance(value, dict):
        items = list(value.values())
    elif isinstance(value, (list, tuple)):
        items = list(value)
    elif hasattr(value, "__dict__"):
        items = list(vars(value).values())
    else:
        return False
    return any(nonfinite(item, depth - 1) for item in items[:200])


def first_nonfinite_step(path, loop_line):
    """0-based iteration of the loop at loop_line whose end first shows a non-finite variable in the loop's frame.

    -1: already non-finite when the loop is first reached; None: never seen (e.g. the NaN only reaches a print).
    The frame's own variables are checked each time the loop header runs, so the count is in that loop's units.
    """
    path = str(path)
    state = {"hits": 0, "step": None}

    def local(frame, event, arg):
        if event == "line" and frame.f_lineno == loop_line and state["step"] is None:
            state["hits"] += 1
            names = dict(frame.f_locals)
            if frame.f_code.co_name == "<module>":
                names = {k: v for k, v in frame.f_globals.items() if not k.startswith("__")}
            if any(nonfinite(v) for v in names.values()):
                state["step"] = state["hits"] - 2
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename == path else None

    code = compile(Path(path).read_text(), path, "exec")
    namespace = {"__name__": "__main__", "__file__": path}
    sys.settrace(tracer)
    try:
        with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()), np.errstate(all="ignore"):
            exec(code, namespace)
    except Exception:
        pass
    finally:
        sys.settrace(None)
    return state["step"]


def main(argv=None):
    """Writes failure_steps.json; with --check, compares with the manifest instead and exits 1 on a difference."""
    check = "--check" in (sys.argv[1:] if argv is None else argv)
    manifest = json.loads((HERE / "manifest.json").read_text())
    steps = {}
    differ = 0
    for entry in manifest["scripts"]:
        if entry["status"] != "broken" or entry["symptom"] not in ("nan", "inf") or not entry["training_loop"]:
            continue
        path = HERE / entry["file"]
        steps[entry["file"]] = first_nonfinite_step(path, entry["training_loop"]["line"])
        recorded = entry.get("first_nonfinite_step")
        mark = "" if not check or recorded == steps[entry["file"]] else f"  MISMATCH: manifest says {recorded}"
        differ += bool(mark)
        print(f"{entry['file']:45} {steps[entry['file']]}{mark}")
    if check:
        return 1 if differ else 0
    (HERE / "failure_steps.json").write_text(json.dumps(steps, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
