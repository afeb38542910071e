"""Hypothesis-generated programs behave identically traced and untraced: numerics, and Python's own semantics.

Each example is a small program: expression trees over random arrays (float16/32/64, ints, bool,
complex; 0-d, vectors and matrices; NaN, inf, huge and tiny values) in plain and augmented
assignments, tuple unpacking, attribute and subscript writes, a loop and a function, optionally under a
user `np.seterr`. It runs in-process untraced (compiled by Python) and traced (compiled by the Tracer
with every hook and the floating-point trap installed, internal errors raised). Everything the
program leaves behind must match bit for bit, and nandoctor must record no error of its own.

The second generator (tests/fuzzgen.py) writes programs that probe Python's semantics where a rewriter
can go wrong: the scoping of list, set and dict comprehensions, generator expressions, lambdas and class
bodies (shadowing or mentioning the assignment's own target, `global`, `nonlocal`, walrus); subscripts,
attributes and properties with side effects in every kind of target (plain, augmented, tuple, nested,
starred, chained, annotated, `for`, `with`, `del`, subscript of subscript, attribute of a call), every
get/set/delete/__index__/`next` logged in order; evaluation order of operands; exceptions with a custom
`__str__`, caught or uncaught; atexit callbacks and weakref finalizers running after the body; numpy's
error state (seterr, geterr, errstate, seterrcall with a callback or a log object, warnings as errors).
Compared: stdout, stderr (tracebacks with line and column numbers), the uncaught exception, the event
log and the final globals; nandoctor must record no error of its own. A small sample also runs through
the real `nandoctor run` against plain `python` (marked slow).

CI runs NANDOCTOR_FUZZ_EXAMPLES (default 200) programs of each generator, derandomized; set it higher to
measure, or run `python scripts/fuzz.py 20000` for a count of differences by construct. The number of
programs tried is printed (pytest -s) and checked.
"""

from __future__ import annotations

import os
import tempfile
import types
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.configuration import set_hypothesis_home_dir
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nandoctor.trace.tracer import Tracer

import fuzzgen

# Hypothesis caches constants and failure patches in .hypothesis/ under the working folder: keep the clone clean.
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "nandoctor-hypothesis"))

MAX_EXAMPLES = int(os.environ.get("NANDOCTOR_FUZZ_EXAMPLES", "200"))
SUBPROCESS_EXAMPLES = int(os.environ.get("NANDOCTOR_FUZZ_SUBPROCESS_EXAMPLES", "12"))
TRIED = {"programs": 0, "traced_exceptions": 0, "warnings": 0, "semantic": 0, "semantic_blocks": 0, "subprocess": 0}

DTYPES = [np.float16, np.float32, np.float64, np.int32, np.int64, np.bool_, np.complex128]
SHAPES = [(), (3,), (2, 3)]
SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.0, 1e308, -1e308, 1e-308, 5e-324, float("nan"), float("inf"), float("-inf"),
           65504.0, 3.4e38, 88.8, 710.0]


def _elements(dtype):
    if np.issubdtype(dtype, np.floating):
        width = np.dtype(dtype).itemsize * 8
        return st.one_of(st.floats(width=width, allow_nan=True, allow_infinity=True),
                         st.sampled_from([np.dtype(dtype).type(v) for v in SPECIAL]))
    if np.issubdtype(dtype, np.complexfloating):
        return st.complex_numbers(allow_nan=True, allow_infinity=True)
    if dtype is np.bool_:
        return st.booleans()
    info = np.iinfo(dtype)
    return st.one_of(st.integers(-5, 5), st.sampled_from([info.min, info.max, 0]))


@st.composite
def input_array(draw):
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(st.sampled_from(SHAPES))
    with np.errstate(all="ignore"):
        return draw(hnp.arrays(dtype, shape, elements=_elements(dtype)))


LEAF_CONSTS = ["0.0", "1.0", "-1.0", "2", "0.5", "1e308", "1e-308", "np.nan", "np.inf", "-np.inf", "np.float32(3.5)",
               "np.float16(100.0)", "True", "3", "1j"]
UNARY = ["np.exp({})", "np.log({})", "np.sqrt({})", "np.tanh({})", "np.abs({})", "-({})", "np.sin({})",
         "np.asarray({}).astype(np.float32)", "np.sum({})", "np.cumsum({})", "np.transpose({})", "np.square({})", "1 / ({})",
         "np.log1p({})", "np.reciprocal({})", "np.negative({})", "np.clip({}, -1, 1)"]
BINARY = ["({}) + ({})", "({}) - ({})", "({}) * ({})", "({}) / ({})", "({}) ** ({})", "({}) // ({})",
          "({}) % ({})", "np.maximum({}, {})", "np.where(({}) > 0, {}, 0.0)", "np.dot({}, {})",
          "np.arctan2({}, {})", "np.hypot({}, {})", "np.logaddexp({}, {})"]


def expr(draw, names: list[str], depth: int) -> str:
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        if names and draw(st.booleans()):
            return draw(st.sampled_from(names))
        return draw(st.sampled_from(LEAF_CONSTS))
    if draw(st.booleans()):
        form = draw(st.sampled_from(UNARY))
        return form.format(expr(draw, names, depth - 1))
    form = draw(st.sampled_from(BINARY))
    if form.count("{}") == 3:
        a = expr(draw, names, depth - 1)
        return form.format(a, a, expr(draw, names, depth - 1))
    return form.format(expr(draw, names, depth - 1), expr(draw, names, depth - 1))


@st.composite
def program(draw):
    """(source, inputs): a straight-line-and-loop program over inputs a0..aN."""
    n_in = draw(st.integers(1, 3))
    inputs = {f"a{k}": draw(input_array()) for k in range(n_in)}
    names = list(inputs)
    lines = []
    mode = draw(st.sampled_from([None, None, "ignore", "raise", "warn", "call-none"]))
    if mode == "call-none":
        lines.append("np.seterr(all='warn', under='ignore')")
    elif mode:
        lines.append(f"np.seterr(all={mode!r})")
    lines += ["def f(x, y):", f"    t = {expr(draw, ['x', 'y'], 2)}", "    t2 = t * 1", "    return t2", ""]
    for k in range(draw(st.integers(1, 7))):
        kind = draw(st.sampled_from(["assign", "aug", "unpack", "loop", "call", "attr", "sub", "while"]))
        v = f"v{k}"
        e = expr(draw, names, draw(st.integers(0, 3)))
        if kind == "assign":
            lines.append(f"{v} = {e}")
        elif kind == "aug":
            lines.append(f"{v} = np.array({draw(st.sampled_from(names))})")
            op = draw(st.sampled_from(["+=", "-=", "*=", "/=", "**=", "//="]))
            lines.append(f"{v} {op} {e}")
        elif kind == "unpack":
            e2 = expr(draw, names, 2)
            lines.append(f"{v}, {v}b = {e}, {e2}")
            names.append(f"{v}b")
        elif kind == "loop":
            lines += [f"{v} = {draw(st.sampled_from(names))}", "for i in range(3):",
                      f"    {v} = {v} * ({e}) - 0.5", f"    {v} -= 0.1 * {v}"]
        elif kind == "call":
            lines.append(f"{v} = f({e}, {expr(draw, names, 1)})")
        elif kind == "attr":
            lines += [f"o.w = {e}", f"o.w = o.w - 0.5 * o.w", f"{v} = o.w"]
        elif kind == "sub":
            base = draw(st.sampled_from(names))
            lines += [f"{v} = np.array({base}, dtype=np.float64, ndmin=1)", f"{v}[0] = np.sum({e})",
                      f"{v}[{v} > 1] *= 2"]
        else:
            lines += [f"{v} = 0", "n = 0", "while n < 2:", f"    {v} = {v} + ({e})", "    n += 1"]
        names.append(v)
    return "\n".join(lines) + "\n", inputs


def _run(source: str, inputs: dict, traced: bool):
    """Execute `source` once: (namespace, exception, warnings, nandoctor errors, observations recorded)."""
    ns = {"__name__": "__fuzz__", "np": np, "o": types.SimpleNamespace()}
    ns.update({k: v.copy() for k, v in inputs.items()})
    filename = "<fuzz>"
    old = np.geterr()
    exc = None
    errors: list = []
    recorded = 0
    with warnings.catch_warnings(record=True) as caught:
        warnings.resetwarnings()
        warnings.simplefilter("default")
        tracer = None
        try:
            if traced:
                tracer = Tracer(raise_errors=True)
                tracer.start()
                code = tracer.compile(source, filename)
            else:
                code = compile(source, filename, "exec", dont_inherit=True)
            try:
                exec(code, ns)
            except Exception as e:  # noqa: BLE001 -- the program's own exception is part of its result
                exc = (type(e).__name__, str(e))
        finally:
            if tracer is not None:
                tracer.stop()
                errors = list(tracer.recorder.errors)
                recorded = tracer.recording().n_observations
            np.seterr(**old)
    warns = [(w.category.__name__, str(w.message), w.lineno) for w in caught]
    return ns, exc, warns, errors, recorded


def _snapshot(ns: dict) -> dict:
    out = {}
    for k, v in ns.items():
        if k.startswith("__") or k in ("np", "f"):
            continue
        if k == "o":
            for a, x in vars(v).items():
                out[f"o.{a}"] = _value(x)
            continue
        out[k] = _value(v)
    return out


def _value(x):
    if isinstance(x, np.ndarray):
        return ("ndarray", x.dtype.str, x.shape, x.tobytes())
    if isinstance(x, np.generic):
        return (type(x).__name__, np.asarray(x).tobytes())
    if isinstance(x, (bool, int, float, complex)):
        return (type(x).__name__, repr(x))
    return (type(x).__name__,)


def check(prog) -> None:
    """One program, untraced then traced: everything it leaves must match, and nandoctor must not err."""
    source, inputs = prog
    TRIED["programs"] += 1
    ns0, exc0, warns0, _, _ = _run(source, inputs, traced=False)
    ns1, exc1, warns1, errors, recorded = _run(source, inputs, traced=True)
    TRIED["traced_exceptions"] += exc0 is not None
    TRIED["warnings"] += bool(warns0)
    assert errors == [], f"nandoctor recorded errors:\n{errors}\n{source}"
    assert exc1 == exc0, source
    assert _snapshot(ns1) == _snapshot(ns0), source
    assert warns1 == warns0, source
    snap = _snapshot(ns0)
    # Python ints, bools and complex numbers are not recorded; arrays, numpy scalars and floats are.
    if exc0 is None and any(v[0] not in ("int", "bool", "complex") and len(v) > 1
                            for k, v in snap.items() if k.startswith("v")):
        assert recorded > 0, source  # the traced run really went through the hooks


@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(program())
def test_traced_program_identical(prog):
    check(prog)


@settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(fuzzgen.semantic_program(exclude=fuzzgen.KNOWN_INPROCESS))
def test_traced_semantics_identical(program):
    TRIED["semantic"] += 1
    TRIED["semantic_blocks"] += len(program.blocks)
    diffs = fuzzgen.compare(program)
    assert not diffs, "\n".join(diffs) + "\n" + program.source


@pytest.mark.slow
@settings(max_examples=SUBPROCESS_EXAMPLES, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(fuzzgen.semantic_program(exclude=fuzzgen.KNOWN_FAILURES))
def test_semantics_identical_under_nandoctor_run(program):
    """The same programs as scripts: plain `python` against the real `nandoctor run` (real atexit, exit status)."""
    TRIED["subprocess"] += 1
    diffs = fuzzgen.compare_subprocess(program)
    assert not diffs, "\n".join(diffs) + "\n" + program.source


def test_fuzzer_ran():
    """Runs after the fuzz tests (definition order): they must really have tried the programs."""
    print(f"\nfuzz: {TRIED['programs']} numeric programs tried, {TRIED['traced_exceptions']} raised, "
          f"{TRIED['warnings']} warned; {TRIED['semantic']} semantics programs ({TRIED['semantic_blocks']} blocks); "
          f"{TRIED['subprocess']} under nandoctor run")
    assert TRIED["programs"] >= MAX_EXAMPLES // 2
    assert TRIED["semantic"] >= MAX_EXAMPLES // 2


def main(n: int) -> None:
    """Measure: run n random programs (not derandomized), counting every kind of mismatch instead of stopping."""
    import collections

    failures: collections.Counter = collections.Counter()
    examples: dict = {}

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(program())
    def measure(prog):
        try:
            check(prog)
        except AssertionError as e:
            first = str(e).splitlines()[0][:100]
            key = first if "nandoctor recorded" in first else type(e).__name__ + ": " + _diff_kind(prog, e)
            failures[key] += 1
            examples.setdefault(key, prog[0])

    measure()
    print(f"fuzz: {TRIED['programs']} programs tried, {TRIED['traced_exceptions']} raised, "
          f"{TRIED['warnings']} warned, {sum(failures.values())} mismatched")
    for key, count in failures.most_common():
        print(f"  {count} x {key}\n{textwrap.indent(examples[key], '      ')}")


def _diff_kind(prog, e) -> str:
    ns0, exc0, warns0, _, _ = _run(*prog, traced=False)
    ns1, exc1, warns1, errors, _ = _run(*prog, traced=True)
    if errors:
        return f"internal error {errors[0][:80]}"
    if exc0 != exc1:
        return f"exception {exc0} vs {exc1}"
    if warns0 != warns1:
        extra = [w for w in warns1 if w not in warns0] or [w for w in warns0 if w not in warns1]
        return f"warnings differ: {extra[:1]}"
    return "values differ"


if __name__ == "__main__":
    import sys
    import textwrap

    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
