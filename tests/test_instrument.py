"""The rewriter changes nothing a program does: each source runs plain and instrumented, and every outcome matches.

`behaviour(src)` compiles a source twice, with Python's `compile` and with the Tracer's rewriter, runs
each in a fresh namespace (the instrumented one under a live trace that raises its own errors) and
returns what each left: printed output, final values, the exception with its traceback positions,
and warnings. Expected values are always the plain run's, never typed in.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import gc
import io
import itertools
import os
import linecache
import re
import subprocess
import sys
import textwrap
import traceback
import warnings

import numpy as np
import pytest

from nandoctor import columns as C
from nandoctor.trace.instrument import HOOK_NAMES, NOOP_HOOKS, Registry, compile_instrumented
from nandoctor.trace.tracer import Tracer

_COUNTER = itertools.count()
HOOKS_IMPL = {"": "c", "1": "python"}


def _filename() -> str:
    return f"<nd-instrument-{next(_COUNTER)}>"


def _register(src: str, filename: str) -> None:
    """Make the source readable by linecache, so tracebacks carry its text as they would for a file."""
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)


def _outcome(code, filename: str) -> dict:
    ns = {"__name__": "__nd_test__"}
    out = io.StringIO()
    exc = None
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out):
        warnings.simplefilter("always")
        try:
            exec(code, ns)
        except Exception as e:  # noqa: BLE001 -- the program's own exception is part of its outcome
            exc = e
    frames = []
    if exc is not None:
        frames = [(f.name, f.lineno, f.end_lineno, f.colno, f.end_colno, f.line)
                  for f in traceback.extract_tb(exc.__traceback__) if f.filename == filename]
    return {
        "stdout": out.getvalue(),
        "values": {k: repr(v) for k, v in ns.items() if not k.startswith("__") and not callable(v)
                   and not isinstance(v, type(sys)) and " at 0x" not in repr(v)},
        "exception": None if exc is None else (type(exc).__name__, str(exc)),
        "traceback": frames,
        "formatted": None if exc is None else [line for line in traceback.format_exception(exc)
                                               if filename in line or line.startswith("    ")],
        "warnings": [(w.category.__name__, str(w.message), w.filename, w.lineno) for w in caught],
    }


def behaviour(src: str, mode_check: bool = True):
    """(plain outcome, instrumented outcome, tracer) for a source."""
    src = textwrap.dedent(src)
    filename = _filename()
    _register(src, filename)
    plain = _outcome(compile(src, filename, "exec", dont_inherit=True), filename)
    tracer = Tracer(raise_errors=True)
    tracer.start()
    try:
        code = tracer.compile(src, filename)
        traced = _outcome(code, filename)
    finally:
        tracer.stop()
    assert tracer.recorder.errors == []
    return plain, traced, tracer


def assert_same(src: str) -> Tracer:
    plain, traced, tracer = behaviour(src)
    assert traced == plain
    return tracer


def rewritten(src: str) -> str:
    """The instrumented source, as text (to check what a hook wraps)."""
    tree = ast.parse(textwrap.dedent(src))
    from nandoctor.trace.instrument import instrument_tree

    return ast.unparse(instrument_tree(tree, Registry(), "<x>", textwrap.dedent(src)))


# -- class 1: scopes ----------------------------------------------------------------------------
SCOPES = {
    "comprehension_in_function": """
        def f():
            x = [x for x in range(3)]
            return x
        result = f()
    """,
    "all_comprehension_kinds": """
        def f():
            a = {a for a in range(3)}
            b = {b: b for b in range(3)}
            c = list(c for c in range(3))
            d = [[d for d in range(2)] for _ in range(2)]
            return a, b, c, d
        result = f()
    """,
    "first_iterable_is_enclosing_scope": """
        def f():
            x = [1, 2]
            x = [v * 2 for v in x]
            y = [1, 2]
            y = [[y for y in range(k)] for k in y]
            return x, y
        result = f()
    """,
    "lambda_parameter": """
        def f():
            f = lambda f: f + 1
            return f(1)
        result = f()
    """,
    "lambda_default_is_enclosing_scope": """
        def f():
            g = 3
            g = lambda a=g: a + 1
            return g()
        result = f()
    """,
    "attribute_in_untaken_branch": """
        class A:
            def bump(self):
                self.n = self.n + 1 if hasattr(self, "n") else 1
                return self.n
        a = A()
        result = [a.bump(), a.bump(), a.bump()]
    """,
    "global_in_untaken_branch": """
        r = r if "r" in globals() else []
        r = r if "r" in globals() else [1]
        result = r
    """,
    "boolean_operand_not_evaluated": """
        def f(flag):
            w = flag or w
            return w
        result = f(5)
    """,
    "chained_comparison_not_evaluated": """
        def f():
            z = 1 > 2 < z
            return z
        result = f()
    """,
    "unbound_read_raises_the_same": """
        def f():
            w = w + 1
        f()
    """,
    "class_body": """
        n = 10
        class K:
            n = n + 1
            m = [m for m in range(2)]
            k = 1
            k += 1
        result = (K.n, K.m, K.k)
    """,
    "nonlocal_and_global": """
        g = 1
        def outer():
            v = 1
            def inner():
                nonlocal v
                global g
                v = v + 1
                g = g * 5
                v += 1
                g += 1
            inner()
            return v
        result = (outer(), g)
    """,
    "walrus_in_value": """
        def f():
            x = 1
            x = (x := x + 1) * x
            y = [(t := i) for i in range(3)]
            return x, y, t
        result = f()
    """,
}


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_scopes_as_python(name):
    assert_same(SCOPES[name])


def test_no_target_read_outside_its_scope():
    """A comprehension, lambda or nested use of a target's name is no update: only `rec` wraps the value."""
    text = rewritten("""
        def f():
            x = [x for x in range(3)]
            f = lambda f: f + 1
    """)
    assert "__nd_old__" not in text and "__nd_updv__" not in text
    text = rewritten("""
        def f(W, g):
            W = W - 0.1 * g
    """)
    assert re.search(r"W = __nd_updv__\((\d+), __nd_old__\(\1, W\) - 0\.1 \* g\)", text)


def test_conditional_read_drops_a_stale_stash():
    text = rewritten("""
        def f(self):
            self.n = self.n + 1 if hasattr(self, "n") else 1
    """)
    assert "self.n = __nd_updv__(__nd_begin__(0), __nd_old__(0, self.n) + 1 if hasattr(self, 'n') else 1)" in text
    text = rewritten("r = (r if a else r + 1) if b else r * 2")
    assert ("r = __nd_updv__(__nd_begin__(0), (__nd_old__(0, r) if a else __nd_old__(0, r) + 1) if b else "
            "__nd_old__(0, r) * 2)") in text
    text = rewritten("r = (r if a else r + 1) + r + r")  # up to the first read that always runs
    assert "r = __nd_updv__(__nd_begin__(0), (__nd_old__(0, r) if a else __nd_old__(0, r) + 1) + __nd_old__(0, r) + r)" in text


# -- class 3: every part of a target evaluated once ------------------------------------------------
ONCE = {
    "iterator_index_augassign": """
        it = iter(range(10))
        a = [0] * 5
        a[next(it)] += 1
        a[next(it)] -= 1
        result = (a, next(it))
    """,
    "random_index_augassign": """
        import numpy as np
        rng = np.random.default_rng(0)
        counts = np.zeros(5)
        for _ in range(20):
            counts[rng.integers(5)] += 1
        result = (counts.tolist(), rng.integers(1000))
    """,
    "properties_and_items": """
        calls = []
        class P:
            def __init__(self):
                self._w = [1.0, 2.0]
                self._n = 0
            @property
            def W(self):
                calls.append("get W")
                return self._w
            @W.setter
            def W(self, v):
                calls.append("set W")
                self._w = v
            @property
            def n(self):
                calls.append("get n")
                return self._n
            @n.setter
            def n(self, v):
                calls.append("set n")
                self._n = v
        class L(list):
            def __getitem__(self, i):
                calls.append(("getitem", i))
                return list.__getitem__(self, i)
            def __setitem__(self, i, v):
                calls.append(("setitem", i))
                list.__setitem__(self, i, v)
        def run():
            p = P()
            p.W[0] = 5.0
            p.W = p.W + [3.0]
            p.n += 1
            p.n = p.n - 1
            xs = L([1, 2, 3])
            xs[0] = 7
            xs[1] += 1
            xs = xs
            return p.W, p.n, list(xs)
        result = run()
    """,
    "getattr_and_getattribute": """
        calls = []
        class G:
            def __getattr__(self, name):
                calls.append(("getattr", name))
                return 1
        class H:
            def __init__(self):
                object.__setattr__(self, "v", 1)
            def __getattribute__(self, name):
                calls.append(("getattribute", name))
                return object.__getattribute__(self, name)
        def run():
            g, h = G(), H()
            g.v += 1
            g.w = g.w + 1
            h.v += 1
            h.v = h.v * 2
            return g.v, g.w, h.v
        result = run()
    """,
    "descriptors": """
        calls = []
        class D:
            def __get__(self, obj, owner):
                calls.append("get")
                return obj.__dict__.get("_d", 0)
            def __set__(self, obj, v):
                calls.append("set")
                obj.__dict__["_d"] = v
        class S:
            __slots__ = ("a",)
        class K:
            d = D()
        def run():
            k, s = K(), S()
            k.d += 2
            k.d = k.d * 3
            s.a = 1
            s.a += 1
            s.a = s.a * 5
            return k.d, s.a
        result = run()
    """,
    "container_expression_once": """
        calls = []
        store = {"w": [0, 0, 0]}
        def box():
            calls.append("box")
            return store
        def idx(i):
            calls.append(("idx", i))
            return i
        box()["w"][idx(0)] = 1
        box()["w"][idx(1)] += 2
        store["w"][idx(2)] = store["w"][idx(2)] + 3
        result = store
    """,
    "numpy_subclass_getitem": """
        import numpy as np
        calls = []
        class Sub(np.ndarray):
            def __getitem__(self, i):
                calls.append(("getitem", str(i)))
                return np.ndarray.__getitem__(self, i)
        def run():
            a = np.zeros(4).view(Sub)
            a[1] = 2.0
            a[2] += 3.0
            a -= 0.5 * np.ones(4)
            return np.asarray(a).tolist()
        result = run()
    """,
    "evaluation_order": """
        order = []
        def t(tag, v):
            order.append(tag)
            return v
        class O:
            pass
        def run():
            o = O()
            d = {}
            t("obj", o).x = t("value", 1)
            t("dict", d)[t("key", "k")] = t("value2", 2)
            t("dict", d)[t("key", "k")] += t("value3", 3)
            t("obj", o).x += t("value4", 4)
            a, b = t("tuple", (1, 2))
            return o.x, d, a, b
        result = run()
    """,
    "update_reads_once": """
        calls = []
        class W:
            def __init__(self):
                self.__dict__["w"] = 1.0
            def __getattribute__(self, name):
                calls.append(name)
                return object.__getattribute__(self, name)
        def run():
            w = W()
            w.w = w.w - 0.5 * w.w
            return w.w
        result = run()
    """,
}


@pytest.mark.parametrize("name", sorted(ONCE))
def test_targets_evaluated_once(name):
    assert_same(ONCE[name])


# -- exceptions, tracebacks, positions -------------------------------------------------------------
VARIED = """
import warnings


def helper(n):
    warnings.warn("from helper", UserWarning, stacklevel=2)
    return n


class Box:
    def __init__(self):
        self.items = [0, 0]
        self.total = 0

    def add(self, i, v):
        "Add v at i."
        self.items[i] += v
        self.total = (self.total
                      + v)
        return self.total


def gen(k):
    for j in range(k):
        yield j


def main():
    b = Box()
    acc = []
    for i in range(3):
        if i == 2:
            break
        acc = acc + [helper(i)]
    else:
        acc = []
    while len(acc) < 4:
        acc.append(len(acc))
    for j in gen(2):
        x = j
    values = [b.add(k % 2, k) for k in range(3)]
    w, z = divmod(7,
                  2)
    total = 0
    for k in range(2):
        for m in range(3):
            if m == 1:
                break
            total += m
    d = {"a": 1}
    d["a"] -= 1
    return b.items, values, w, z, total, x, d


result = main()
"""

FAILING = """
def inner(seq):
    total = 0
    for s in seq:
        total += 1 / s
    return total


def outer():
    data = [1, 2, 0]
    values = {"k": data}
    values["k"][0] = (inner(
        data) + 1)


outer()
"""


COMPOUND = """
import asyncio
import contextlib


def only_doc(a, b):
    "Nothing but a docstring."


def last_loop(xs):
    total = 0
    for x in xs:
        if x > 2:
            break
        total += x


def last_while(n):
    while n:
        n -= 1
        if n == 5:
            break


@contextlib.contextmanager
def managed(tag):
    log = [tag]
    try:
        yield log
    finally:
        log.append("done")


class Acc:
    "An accumulator."
    scale = 2
    scale = scale * 3

    def __init__(self, start=0):
        self.value = start
        self.items = {}

    def add(self, k, v=1):
        self.items[k] = self.items.get(k, 0) + v
        self.value += v * self.scale
        return self


def shapes(data):
    first, *rest = data
    (a, b), c = (1, 2), 3
    n: int = len(rest)
    x = y = n + a
    label = (f"{first}"
             f"-{n}")
    for i, item in enumerate(data):
        match item:
            case 1:
                continue
            case 2 | 3:
                x += item
            case _:
                try:
                    y = y / (item - 4)
                except ZeroDivisionError:
                    y = 0
                    break
                else:
                    y += 1
                finally:
                    x -= 1
    else:
        x = -x
    with managed("t") as log:
        for k in range(3):
            log.append(k)
            if k:
                break
    return first, rest, b, c, x, y, label, log


async def agen(n):
    for i in range(n):
        yield i
        await asyncio.sleep(0)


async def amain():
    got = []
    async for v in agen(3):
        got = got + [v]
    return got


def main():
    only_doc(1, 2)
    last_loop([1, 2, 3, 4])
    last_loop([])
    last_while(8)
    last_while(3)
    acc = Acc(1).add("a").add("a", 2).add("b")
    r1 = shapes([5, 1, 2, 4, 6])
    r2 = shapes([1, 3, 7])
    r3 = asyncio.run(amain())
    squares = {k: k * k for k in range(4) if k % 2}
    gen = (t for t in range(3))
    total = sum(gen)
    return acc.value, acc.items, r1, r2, r3, squares, total


for attempt in range(3):
    if attempt == 1:
        break
else:
    attempt = None
result = main()
print(result)
"""

MULTILINE = """
class Obj:
    def __init__(self):
        self.w = 1.0
        self.d = {"k": 1}


def cond(flag):
    x = (1
         if flag else 2)
    return (x +
            1)


def multi(o, xs):
    o.w = (o.w
           * 2)
    o.w = (3.0 if o.w > 100 else
           o.w - 1)
    o.d["k"] += (
        1)
    o.d[
        "j"] = [
        1,
        2]
    o.w -= (
        0.5)
    ys = [
        v * 2
        for v in xs]
    ys = (ys
          + [
              len(ys)])
    a, b = (
        ys[0],
        ys[1])
    xs = ([v for v in xs]
          if xs else
          xs)
    z = -(
        1)
    t = (
        1, 2, 3)
    s = {
        "a": 1,
        **o.d}
    return o.w, o.d, ys, a, b, xs, z, t, s


def chain(n):
    v = n
    v = v and (
        v - 1)
    v = (v or
         n)
    return v < n < (
        v + 10)


result = (cond(True), cond(False), multi(Obj(), [1, 2]), multi(Obj(), [5]),
          chain(3), chain(0))
"""

BLOCK_STARTS = """
import functools
g = 0


def f_try(a):
    try:
        return a + 1
    except TypeError:
        return 0


def f_global(a):
    global g
    g = g + a
    return g


def f_pass(a):
    pass


def f_import(a):
    import math
    return math.floor(a)


def f_del(a):
    del a
    return 1


def f_assert(a):
    assert (a
            > 0), "positive"
    return a


def f_def(a):
    @functools.wraps(
        f_pass)
    def inner(b):
        return b
    return inner(a)


def f_class(a):
    @staticmethod.__class__.__call__.__class__ and (lambda c: c)
    class K:
        v = a
    return K.v


def f_raise(a):
    raise ValueError(
        a)


def f_with(a):
    with (open(__file__) if False else
          memoryview(b"x")) as m:
        return len(m) + a


def f_nonlocal(a):
    def inner(b):
        nonlocal a
        a = a + b
        return a
    return inner(1)


def f_loop_try(xs):
    out = []
    for x in xs:
        try:
            out.append(1 / x)
        except ZeroDivisionError:
            continue
    while xs:
        global g
        xs = xs[1:]
    for x in xs:
        pass
    return out


def f_aug(d):
    d[
        "k"] += 1
    return d


result = [f_try(1), f_try("x"), f_global(2), f_pass(1), f_import(2.5), f_del(1), f_assert(2), f_def(3),
          f_class(4), f_with(1), f_nonlocal(2), f_loop_try([1, 0, 2]), f_aug({"k": 1})]
try:
    f_raise(5)
except ValueError:
    pass
try:
    f_assert(-1)
except AssertionError:
    pass


def f_defs(a):
    def inner(b=(
            1)):
        return b
    class Base(
            object):
        pass
    return inner() + a


def f_cls(a):
    class K(
            object):
        pass
    return a


f_defs(1)
f_cls(1)
"""


def test_traceback_positions_identical():
    plain, traced, _ = behaviour(FAILING)
    assert plain["exception"][0] == "ZeroDivisionError"
    assert [f[0] for f in plain["traceback"]] == ["<module>", "outer", "inner"]
    assert traced["traceback"] == plain["traceback"]
    assert traced["formatted"] == plain["formatted"]


def test_warning_stacklevel_and_values_identical():
    plain, traced, _ = behaviour(VARIED)
    assert len(plain["warnings"]) == 2
    assert traced == plain


def _line_events(code, filename):
    events = []

    def tracer(frame, event, arg):
        if frame.f_code.co_filename == filename:
            events.append((event, frame.f_code.co_name, frame.f_lineno))
            return tracer
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                exec(code, {"__name__": "__nd_test__"})
            except ZeroDivisionError:
                pass
    finally:
        sys.settrace(previous)
    return events


PROGRAMS = {"varied": VARIED, "failing": FAILING, "compound": COMPOUND, "multiline": MULTILINE,
            "block_starts": BLOCK_STARTS}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_programs_as_python(name):
    plain, traced, _ = behaviour(PROGRAMS[name])
    assert plain["values"] or plain["exception"]
    assert traced == plain


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_settrace_line_events_identical(name):
    """A debugger or coverage tool sees the same lines, calls, returns and exceptions, in the same order."""
    src = PROGRAMS[name]
    filename = _filename()
    _register(src, filename)
    plain = _line_events(compile(src, filename, "exec", dont_inherit=True), filename)
    tracer = Tracer(raise_errors=True)
    tracer.start()
    try:
        traced = _line_events(tracer.compile(src, filename), filename)
    finally:
        tracer.stop()
    assert len(plain) > 20
    assert traced == plain


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_every_added_node_has_a_users_position(name):
    src = textwrap.dedent(PROGRAMS[name])
    plain = ast.parse(src)
    positions = {(n.lineno, n.col_offset, n.end_lineno, n.end_col_offset)
                 for n in ast.walk(plain) if hasattr(n, "lineno")}
    from nandoctor.trace.instrument import instrument_tree

    tree = instrument_tree(ast.parse(src), Registry(), "<x>", src)
    for node in ast.walk(tree):
        if hasattr(node, "lineno"):
            assert (node.lineno, node.col_offset, node.end_lineno, node.end_col_offset) in positions, ast.dump(node)


# -- compile once ---------------------------------------------------------------------------------
def test_compiler_warnings_once(tmp_path):
    src = 'import re\npattern = re.compile("\\d+")\nx = 1\nflag = x is 1\n'
    filename = str(tmp_path / "warns.py")
    with warnings.catch_warnings(record=True) as plain:
        warnings.simplefilter("always")
        compile(src, filename, "exec", dont_inherit=True)
    with warnings.catch_warnings(record=True) as traced:
        warnings.simplefilter("always")
        compile_instrumented(src, filename, Registry())
    as_tuples = lambda ws: [(w.category, str(w.message), w.filename, w.lineno) for w in ws]  # noqa: E731
    assert {w.category for w in plain} == {DeprecationWarning, SyntaxWarning}
    assert as_tuples(traced) == as_tuples(plain)


@pytest.mark.parametrize("src", ["x = (1,\n", "def f():\n  return 1\n return 2\n", "return 5\n",
                                 "nonlocal x\n", "for i in x:\n    pass\nbreak\n", "x = 1\ndef f():\n    x = 2\n    global x\n"])
def test_syntax_errors_as_python(tmp_path, src):
    filename = str(tmp_path / "bad.py")
    (tmp_path / "bad.py").write_text(src)
    with pytest.raises(SyntaxError) as plain:
        compile(src, filename, "exec", dont_inherit=True)
    with pytest.raises(SyntaxError) as traced:
        compile_instrumented(src, filename, Registry())
    attrs = ("msg", "filename", "lineno", "offset", "text", "end_lineno", "end_offset")
    assert [getattr(traced.value, a) for a in attrs] == [getattr(plain.value, a) for a in attrs]
    assert type(traced.value) is type(plain.value)


# -- hooks after the trace ----------------------------------------------------------------------
def test_instrumented_code_runs_after_the_trace():
    """A generator resumed, an exception's __str__ and a finalizer run after stop: no NameError, same values."""
    src = textwrap.dedent("""
        import weakref
        def gen(w):
            for i in range(3):
                w = w - 1
                yield w
        class Oops(Exception):
            def __str__(self):
                parts = [1, 2]
                parts[0] += 1
                return "oops %d" % sum(parts)
        class Thing:
            pass
        def done(log):
            n = len(log)
            log.append(n)
        log = []
        thing = Thing()
        weakref.finalize(thing, done, log)
        g = gen(10)
        first = next(g)
    """)
    filename = _filename()
    tracer = Tracer(raise_errors=True)
    ns = {"__name__": "__nd_test__"}
    tracer.start()
    try:
        exec(tracer.compile(src, filename), ns)
        err = ns["Oops"]()
    finally:
        tracer.stop()
    assert all(builtins.__dict__[name] is NOOP_HOOKS[name] for name in HOOK_NAMES)
    assert list(ns["g"]) == [8, 7]
    assert str(err) == "oops 4"
    del ns["thing"]
    gc.collect()
    assert ns["log"] == [0]


def test_next_trace_rebinds_live_hooks():
    first = Tracer(raise_errors=True).start()
    first.stop()
    second = Tracer(raise_errors=True).start()
    try:
        assert all(builtins.__dict__[name] is not NOOP_HOOKS[name] for name in HOOK_NAMES)
    finally:
        second.stop()


def test_leak_check_catches_a_live_hook():
    """The suite's leak check (conftest) tells a no-op from a recording hook left behind."""
    from conftest import _hook_state

    before = _hook_state()
    tracer = Tracer(raise_errors=True).start()
    try:
        assert _hook_state() != before
    finally:
        tracer.stop()
    assert _hook_state() == before


@pytest.mark.slow
def test_atexit_handler_after_the_run(tmp_path):
    script = tmp_path / "at_exit.py"
    script.write_text(textwrap.dedent("""
        import atexit
        def bye(xs):
            total = 0
            for x in xs:
                total += x
            print("bye", total)
        atexit.register(bye, [1, 2, 3])
        print("main done")
    """))
    from conftest import run_nandoctor, run_python

    plain = run_python([str(script)], cwd=str(tmp_path))
    traced = run_nandoctor(["run", "-q", "-o", str(tmp_path / "out"), str(script)], cwd=str(tmp_path))
    assert plain.stdout == "main done\nbye 6\n"
    assert traced.stdout == plain.stdout
    assert "NameError" not in traced.stderr
    assert traced.returncode == plain.returncode


# -- what is recorded -----------------------------------------------------------------------------
@pytest.fixture(params=["c", "python"], autouse=False)
def hooks_mode(request, monkeypatch):
    """Each recording test runs with the C hooks and with their pure-Python equivalent."""
    if request.param == "python":
        monkeypatch.setenv("NANDOCTOR_PURE_PYTHON", "1")
    else:
        monkeypatch.delenv("NANDOCTOR_PURE_PYTHON", raising=False)
    return request.param


def _sites(tracer, kind=None):
    return [s for s in tracer.registry.sites if kind is None or s.kind == kind]


def _observed(tracer, sid):
    assert tracer.recorder.hooks_impl == HOOKS_IMPL[os.environ.get("NANDOCTOR_PURE_PYTHON", "")]
    recording = tracer.recording()
    return recording.obs_stats[recording.obs_site == sid]


def test_updates_are_recorded_with_their_change(hooks_mode):
    tracer = assert_same("""
        import numpy as np
        class Net:
            def __init__(self):
                self.w = np.ones(3)
            def step(self, g):
                self.w = self.w - 0.5 * g
        def train():
            net = Net()
            W = np.ones((2, 2))
            for _ in range(4):
                W = W - 0.25 * np.ones((2, 2))
                net.step(np.ones(3))
                W = W if False else W * 1.0
            return W, net.w
        result = train()
    """)
    updates = [(s.target, s.id) for s in _sites(tracer, "update")]
    assert [t for t, _ in updates] == ["self.w", "W", "W"]
    col = C.STATS.index(C.UPDATE_L2)
    # The second update of W reads W only in its else branch, and is still paired (a zero change).
    expected = (np.linalg.norm(0.5 * np.ones(3)), np.linalg.norm(0.25 * np.ones(4)), 0.0)
    for (target, sid), change in zip(updates, expected):
        rows = _observed(tracer, sid)
        assert len(rows) == 4
        assert np.allclose(rows[:, col], change)


def test_augmented_attribute_update_recorded_when_plain(hooks_mode):
    tracer = assert_same("""
        import numpy as np
        class Net:
            def __init__(self):
                self.W = np.zeros(4)
            def step(self):
                self.W -= 0.5 * np.ones(4)
        net = Net()
        for _ in range(3):
            net.step()
        result = net.W
    """)
    (site,) = [s for s in _sites(tracer, "update") if s.target == "self.W"]
    rows = _observed(tracer, site.id)
    assert len(rows) == 3
    assert np.allclose(rows[:, C.STATS.index(C.UPDATE_L2)], np.linalg.norm(0.5 * np.ones(4)))
    assert np.allclose(rows[:, C.STATS.index(C.MEAN)], [-0.5, -1.0, -1.5])


def test_setitem_records_the_mutated_container(hooks_mode):
    tracer = assert_same("""
        import numpy as np
        def relu_grad(z):
            z[z > 0] = 1
            z[z <= 0] = 0.01
            return z
        result = relu_grad(np.array([-1.0, 2.0, 3.0]))
    """)
    sites = _sites(tracer, "setitem")
    assert len(sites) == 2
    means = [_observed(tracer, s.id)[:, C.STATS.index(C.MEAN)] for s in sites]
    assert np.allclose(means[0], [(-1.0 + 1 + 1) / 3])
    assert np.allclose(means[1], [(0.01 + 1 + 1) / 3])


def test_property_attribute_not_read_back(hooks_mode):
    """`obj.p += v` with a property: the getter runs once (Python's), and nothing is recorded for the value."""
    tracer = assert_same("""
        class P:
            def __init__(self):
                self._v = 1.0
                self.reads = 0
            @property
            def v(self):
                self.reads += 1
                return self._v
            @v.setter
            def v(self, x):
                self._v = x
        p = P()
        p.v += 2.0
        result = (p._v, p.reads)
    """)
    (site,) = [s for s in tracer.registry.sites if s.target == "p.v"]
    assert len(_observed(tracer, site.id)) == 0


def test_recursion_inside_an_update_pairs_each_level(hooks_mode):
    """The same update statement running inside its own right-hand side keeps each level's old value."""
    tracer = assert_same("""
        import numpy as np
        def f(w, depth):
            w = w - (f(w * 2.0, depth - 1) if depth else 0.0) - 1.0
            return w
        result = f(np.ones(2), 3)
    """)
    (site,) = [s for s in _sites(tracer, "update") if s.target == "w"]
    rows = _observed(tracer, site.id)
    assert len(rows) == 4
    # Each level's change is new - old, its own: depth 0 subtracts 1.0 from 8.0 (its w), and so on.
    plain = {"result": None}
    exec(textwrap.dedent("""
        import numpy as np
        changes = []
        def f(w, depth):
            old = w
            w = w - (f(w * 2.0, depth - 1) if depth else 0.0) - 1.0
            changes.append(np.linalg.norm(w - old))
            return w
        f(np.ones(2), 3)
    """), plain)
    assert np.allclose(rows[:, C.STATS.index(C.UPDATE_L2)], plain["changes"])


def test_stale_stash_after_an_exception_is_not_paired(hooks_mode):
    tracer = assert_same("""
        import numpy as np
        def fail(flag):
            if flag:
                raise ValueError
            return 0.0
        def step(w, flag, use):
            try:
                w = (w - fail(flag)) if use else np.zeros(2)
            except ValueError:
                pass
            return w
        a = step(np.ones(2), True, True)   # reads w, then raises: its stash is stale
        b = step(np.ones(2), False, False)  # does not read w: must not pair with the stale one
        result = (a, b)
    """)
    (site,) = _sites(tracer, "update")
    rows = _observed(tracer, site.id)
    assert len(rows) == 1
    assert np.isnan(rows[0, C.STATS.index(C.UPDATE_L2)])


# -- repros found by differential testing and fuzzing (each ran differently traced before) ----------------
REPROS = {
    "attr_hasattr_getattr": """
        LOG = []
        class Obj:
            def __getattr__(self, name):
                LOG.append(("getattr", name))
                raise AttributeError(name)
            def __setattr__(self, name, v):
                LOG.append(("setattr", name))
                object.__setattr__(self, name, v)
        o = Obj()
        o.n = o.n + 1 if hasattr(o, "n") else 1
        o.n = o.n + 1 if hasattr(o, "n") else 1
        print("n", o.n)
        print(LOG)
    """,
    "augassign_target_twice": """
        LOG = []
        class Box:
            def __init__(self, data):
                self.data = data
            def __getitem__(self, k):
                LOG.append(("getitem", k))
                return self.data[k]
            def __setitem__(self, k, v):
                LOG.append(("setitem", k))
                self.data[k] = v
        class Obj:
            def __init__(self):
                self._p = [1.0, 2.0]
            @property
            def p(self):
                LOG.append("get p")
                return self._p
            @p.setter
            def p(self, v):
                LOG.append("set p")
                self._p = v
        def get(x):
            LOG.append("call get")
            return x
        b = Box([1, 2, 3])
        o = Obj()
        it = iter([0, 1, 2])
        b[next(it)] += 1
        get(o).p += [3]
        o.p[0] += 1
        o.p[0] = 5
        print(LOG)
        print(b.data, o._p, next(it))
    """,
    "comprehension_shadows_target": """
        x = [x for x in range(3)]
        print(x)
        def f():
            y = {y for y in range(3)}
            z = sum(z for z in range(3))
            w = {w: w for w in range(3)}
            return sorted(y), z, w
        print(f())
    """,
    "lambda_mentions_target": """
        class M:
            def m(self):
                y = lambda k: y
                f = lambda f: f + 1
                print(y(0) is y, f(2))
        M().m()
    """,
    "traceback_positions": """
        import traceback
        def f(v):
            w = v + undefined_name
            return w
        try:
            f(1)
        except NameError as e:
            print([(fr.lineno, fr.colno, fr.end_colno, fr.name) for fr in traceback.extract_tb(e.__traceback__)])
        class C:
            x = [k for k in x]
    """,
    "update_reads_attr_target": """
        LOG = []
        class Obj:
            def __init__(self):
                self._p = [1.0, 2.0]
            @property
            def p(self):
                LOG.append("get p")
                return self._p
            @p.setter
            def p(self, v):
                LOG.append("set p")
                self._p = v
        o = Obj()
        o.p = [o.p for o in [o]]
        print(LOG)
    """,
}


@pytest.mark.parametrize("name", sorted(REPROS))
def test_repro_as_python(name):
    plain, traced, _ = behaviour(REPROS[name])
    assert plain["stdout"]
    assert traced == plain


def test_function_made_in_a_trace_block_runs_after_it():
    """A closure compiled with hooks inside `nandoctor.trace(net)`, called after the block."""
    import nandoctor

    src = textwrap.dedent("""
        import numpy as np
        class Net:
            def make(self):
                def step(x):
                    y = x * 2
                    return y
                return step
    """)
    ns = {"__name__": "__nd_test__"}
    filename = _filename()
    _register(src, filename)
    exec(compile(src, filename, "exec"), ns)
    plain = ns["Net"]().make()(np.ones(2))
    net = ns["Net"]()
    with nandoctor.trace(net):
        step = net.make()
    assert "__nd_rec__" in step.__code__.co_names
    assert np.array_equal(step(np.ones(2)), plain)


@pytest.mark.slow
def test_exception_str_after_the_run(tmp_path):
    """The script's uncaught exception is printed after the trace stopped: its instrumented __str__ runs then."""
    script = tmp_path / "str_after.py"
    script.write_text(textwrap.dedent("""
        class E(Exception):
            def __str__(self):
                s = "E(" + str(self.args[0]) + ")"
                return s
        raise E(3)
    """))
    from conftest import run_nandoctor, run_python

    plain = run_python([str(script)], cwd=str(tmp_path))
    traced = run_nandoctor(["run", "-q", "-o", str(tmp_path / "out"), str(script)], cwd=str(tmp_path))
    assert plain.stderr.strip().endswith("E: E(3)")
    assert [line for line in traced.stderr.splitlines() if not line.startswith("nandoctor:")] == plain.stderr.splitlines()
    assert traced.returncode == plain.returncode


def test_interleaved_generators_keep_their_own_old_values(hooks_mode):
    """Two generators suspended inside the same update statement: each pairs its own old value."""
    tracer = assert_same("""
        import numpy as np
        def gen(w):
            while True:
                w = w - (yield w)
        a, b = gen(np.ones(2)), gen(np.full(2, 10.0))
        next(a), next(b)
        for _ in range(3):
            a.send(1.0)
            b.send(2.0)
        result = (a.send(0.0), b.send(0.0))
    """)
    (site,) = _sites(tracer, "update")
    rows = _observed(tracer, site.id)
    assert len(rows) == 8
    changes = rows[:, C.STATS.index(C.UPDATE_L2)]
    assert np.allclose(changes, [np.linalg.norm(np.full(2, c)) for c in (1.0, 2.0) * 3 + (0.0, 0.0)])


@pytest.mark.slow
def test_recursion_limit_overflows_where_python_does(tmp_path):
    """At the script's recursion limit a C hook skips its Python half rather than overflow: the RecursionError
    comes from the script's own call, on its line. (Pure-Python hooks are frames of their own: README,
    Known limits.)"""
    script = tmp_path / "deep.py"
    script.write_text(textwrap.dedent("""
        import sys
        import traceback
        import numpy as np
        sys.setrecursionlimit(150)
        class A:
            def __init__(self):
                self.w = np.ones(2)
        def f(a, n):
            x = n + 1
            a.w = a.w - 0.5
            a.w -= 0.25
            d = {"k": n}
            d["k"] += 1
            return f(a, x)
        try:
            f(A(), 0)
        except RecursionError as e:
            frames = traceback.extract_tb(e.__traceback__)
            print(type(e).__name__, frames[-1].lineno, frames[-1].line)
    """))
    from conftest import run_nandoctor, run_python

    plain = run_python([str(script)], cwd=str(tmp_path))
    traced = run_nandoctor(["run", "-q", "-o", str(tmp_path / "out"), str(script)], cwd=str(tmp_path),
                           env={"NANDOCTOR_PURE_PYTHON": ""})  # the C hooks, whatever the suite runs with
    assert plain.stdout.startswith("RecursionError 15 ")
    assert traced.stdout == plain.stdout


# -- writes a call makes: setattr, out= and in-place numpy calls, containers of arrays ---------------
WRITES = {
    "setattr_arguments_once": """
        calls = []
        def t(tag, v):
            calls.append(tag)
            return v
        class O:
            pass
        o = O()
        for k in range(3):
            setattr(t("obj", o), t("name", "w" if k % 2 else "b"), t("value", k * 1.5))
        result = (o.w, o.b, calls)
    """,
    "setattr_through_user_code": """
        calls = []
        class Guarded:
            def __setattr__(self, name, value):
                calls.append(("set", name))
                if name == "frozen":
                    raise AttributeError("read only")
                object.__setattr__(self, name, value)
            def __getattr__(self, name):
                calls.append(("getattr", name))
                return 0.0
        g = Guarded()
        setattr(g, "w", getattr(g, "w") - 1.0)
        try:
            setattr(g, "frozen", 1)
        except AttributeError as e:
            calls.append(str(e))
        result = (g.w, calls)
    """,
    "setattr_shadowed_and_failing": """
        def run():
            def setattr(obj, name, value):
                return ("mine", name, value)
            return setattr(None, "x", 2)
        out = run()
        class S:
            __slots__ = ("a",)
        s = S()
        setattr(s, "a", 1)
        setattr(s, "b", 2)
        result = (out, s.a)
    """,
    "out_arguments_and_inplace_calls": """
        import numpy as np
        calls = []
        def t(tag, v):
            calls.append(tag)
            return v
        a = np.arange(6.0).reshape(2, 3)
        b = np.ones((3, 2))
        c = np.empty((2, 2))
        np.dot(t("a", a), t("b", b), out=c)
        np.multiply(c, 0.5, out=c)
        np.add(c, 1.0, c)
        np.tanh(c, c)
        np.clip(c, 0.2, 0.9, out=c)
        w = np.full(3, 2.0)
        np.copyto(w, w - 0.5 * np.ones(3))
        buf = np.zeros(4)
        buf.fill(t("fill", 3.0))
        bufs = [np.zeros(2), np.zeros(2)]
        np.add(bufs[0], 1.0, out=bufs[1])
        np.add.at(buf, [0, 0, 1], 1.0)
        result = (c.tolist(), w.tolist(), buf.tolist(), bufs[1].tolist(), calls)
    """,
    "out_argument_raising": """
        import numpy as np
        c = np.empty((3, 3))
        np.multiply(np.ones((2, 2)),
                    np.ones((2, 2)),
                    out=c)
    """,
    "fill_raising": """
        import numpy as np
        buf = np.zeros(3)
        buf.fill("x")
    """,
    "containers_of_arrays": """
        import numpy as np
        weights = [np.ones((2, 2)), np.ones(2)]
        grads = [np.full((2, 2), 0.5), np.full(2, 0.25)]
        tower = [(np.ones(2), np.zeros(2)), (np.ones(3), np.zeros(3))]
        params = {"W": np.ones(2), "b": np.zeros(1)}
        for _ in range(3):
            weights = [w - 0.1 * g for w, g in zip(weights, grads)]
            tower[:] = [(m - 0.5, v + 0.25) for m, v in tower]
            params = {k: v * 0.5 for k, v in params.items()}
        many = [np.zeros(1) for _ in range(100)]
        result = ([w.tolist() for w in weights], [m.tolist() for m, _ in tower], params["W"].tolist(), len(many))
    """,
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_call_writes_keep_python_behaviour(name):
    assert_same(WRITES[name])


def test_call_writes_rewritten_around_the_written_argument():
    text = rewritten("import numpy as np\nnp.dot(a, b, out=c)\nbuf.fill(0)\nsetattr(self, name, v)\nnp.add(x, y, x)")
    assert "np.dot(a, b, out=__nd_wkeep__(0, c, False))\n__nd_wkept__(0)" in text
    assert "__nd_wkeep__(1, buf, False).fill(0)\n__nd_wkept__(1)" in text
    assert "setattr(__nd_setattr__(0, 0, self), __nd_setattr__(0, 1, name), __nd_setattr__(0, 2, v))" in text
    assert "np.add(x, y, __nd_wkeep__(2, x, True))\n__nd_wkept__(2)" in text
    assert "grads.insert(0, __nd_rec__(0, g @ w))" in rewritten("grads.insert(0, g @ w)")
    # a method call with two arguments is no ufunc given its output
    assert "__nd_wkeep__" not in rewritten("import numpy as np\nrows.add(x, y, z)\nobj.exp(z, e)")


def test_setattr_recorded_as_a_write_of_the_attribute(hooks_mode):
    tracer = assert_same("""
        import numpy as np
        class Model:
            def __init__(self):
                for name in ("coef", "offset"):
                    setattr(self, name, np.ones(3))
            def step(self, grads):
                for name in ("coef", "offset"):
                    value = getattr(self, name)
                    setattr(self, name, value - 0.5 * grads[name])
        m = Model()
        for _ in range(4):
            m.step({"coef": np.ones(3), "offset": np.full(3, 2.0)})
        result = (m.coef.tolist(), m.offset.tolist())
    """)
    by = {(s.target, s.kind): s for s in tracer.registry.sites if s.target.startswith("self.")}
    assert set(by) == {("self.coef", "assign"), ("self.offset", "assign"), ("self.coef", "update"),
                       ("self.offset", "update")}
    assert "self.coef" in by["self.coef", "update"].reads
    col = C.STATS.index(C.UPDATE_L2)
    for attr, grad in (("coef", 1.0), ("offset", 2.0)):
        assert len(_observed(tracer, by[f"self.{attr}", "assign"].id)) == 1
        rows = _observed(tracer, by[f"self.{attr}", "update"].id)
        assert len(rows) == 4
        assert np.allclose(rows[:, col], np.linalg.norm(0.5 * grad * np.ones(3)))
        assert np.allclose(rows[:, C.STATS.index(C.MEAN)], 1.0 - 0.5 * grad * np.arange(1, 5))


def test_arrays_written_in_place_recorded_after_the_call(hooks_mode):
    tracer = assert_same(WRITES["out_arguments_and_inplace_calls"])
    plain = {}
    exec(textwrap.dedent("""
        import numpy as np
        a = np.arange(6.0).reshape(2, 3)
        c1 = a @ np.ones((3, 2))
        c2 = c1 * 0.5
        c3 = c2 + 1.0
        c4 = np.tanh(c3)
        c5 = np.clip(c4, 0.2, 0.9)
    """), plain)
    sites = [s for s in tracer.registry.sites if s.kind == "inplace"]
    assert [s.target for s in sites] == ["c", "c", "c", "c", "c", "w", "buf", "bufs[1]", "buf"]
    mean, change = C.STATS.index(C.MEAN), C.STATS.index(C.UPDATE_L2)
    for s, value in zip(sites, [plain[f"c{k}"] for k in range(1, 6)]):
        (row,) = _observed(tracer, s.id)
        assert np.isclose(row[mean], value.mean())
    # computed from its own value: the step is measured as for `w -= 0.5 * ones`
    assert "w" in sites[5].reads and "c" not in sites[0].reads
    assert np.isnan(_observed(tracer, sites[7].id)[0, change])  # bufs[1] is written from bufs[0], not from itself
    (row,) = _observed(tracer, sites[5].id)
    assert np.isclose(row[mean], 1.5) and np.isclose(row[change], np.linalg.norm(0.5 * np.ones(3)))
    (row,) = _observed(tracer, sites[6].id)
    assert np.isclose(row[mean], 3.0)
    (row,) = _observed(tracer, sites[8].id)
    assert np.isclose(row[mean], (5 + 4 + 3 + 3) / 4)


def test_containers_of_arrays_recorded_element_by_element(hooks_mode):
    tracer = assert_same(WRITES["containers_of_arrays"])
    by = {}
    for s in tracer.registry.sites:
        by.setdefault((s.target, s.kind), s)
    mean, change = C.STATS.index(C.MEAN), C.STATS.index(C.UPDATE_L2)
    # a list of parameters rebuilt from itself each step: recorded at its own site, one row per element in the
    # list's order, each paired with the element it replaced
    rows = _observed(tracer, by["weights", "update"].id)
    assert len(rows) == 6
    first = rows[0::2]  # weights[0] at each step
    assert np.allclose(first[:, change], np.linalg.norm(0.1 * np.full((2, 2), 0.5)))
    assert np.allclose(first[:, mean], 1.0 - 0.05 * np.arange(1, 4))
    assert len(_observed(tracer, by["weights", "assign"].id)) == 2  # the list built before the loop, both arrays
    # written into: each place paired with what it held at the previous write
    rows = _observed(tracer, by["tower[1][0]", "setitem"].id)
    assert np.allclose(rows[:, mean], 1.0 - 0.5 * np.arange(1, 4))
    assert np.isnan(rows[0, change]) and np.allclose(rows[1:, change], np.linalg.norm(0.5 * np.ones(3)))
    rows = _observed(tracer, by["params['W']", "update"].id)
    assert np.allclose(rows[:, mean], 0.5 ** np.arange(1, 4))
    # a collection of a hundred arrays is data, not parameters: left unrecorded, and counted as not summarised
    assert not any(s.target.startswith("many[") for s in tracer.registry.sites)
    assert any(t is list for t, _, _ in tracer.recorder.unsummarised.values())


def test_uninitialised_buffer_registered_not_recorded(hooks_mode):
    tracer = assert_same("""
        import numpy as np
        buf = np.empty(4)
        like = np.empty_like(buf)
        np.multiply(np.arange(4.0), 2.0, out=buf)
        del like  # its content is whatever the memory held: not compared
        result = buf.tolist()
    """)
    assign = [s for s in tracer.registry.sites if s.kind == "assign" and s.target != "result"]
    assert [s.target for s in assign] == ["buf", "like"]
    assert all(len(_observed(tracer, s.id)) == 0 for s in assign)
    (inplace,) = [s for s in tracer.registry.sites if s.kind == "inplace"]
    (row,) = _observed(tracer, inplace.id)
    assert row[C.STATS.index(C.MEAN)] == 3.0


# -- printed values ---------------------------------------------------------------------------------
PRINTS = """
import numpy as np
calls = []
class Loud:
    def __format__(self, spec):
        calls.append(spec)
        return "loud"
    def __repr__(self):
        calls.append("repr")
        return "Loud()"
def value(tag):
    calls.append(tag)
    return len(calls) * 0.5
w = np.arange(3.0)
for epoch in range(3):
    print("epoch", epoch, "loss", value("a"), f"acc {value('b'):.3f} {w[0]=} {Loud()!r} {Loud():x}", sep="|")
    print("ll %.3f %d %%" % (-value("c"), epoch), "{} cost {:.2f} {0}".format(value("d"), value("e")), end=";\\n")
    print("%s" % value("f"), *w)
    print("{{literal}} {x}".format(x=value("g")), lambda: 1, (v for v in w))
    print(end="")
"""


def test_printed_values_are_recorded_and_printed_as_before():
    tracer = assert_same(PRINTS)
    printed = [x for x in tracer.registry.sites if x.kind == "print"]
    labels = [x.target for x in printed]
    # each printed value labelled by the word printed just before it; literals and starred calls are left alone
    assert labels[:4] == ["print epoch", "print loss", "print acc", "print w[0]"]
    assert "print ll" in labels and "print cost" in labels
    assert not any("lambda" in t or " v " in t for t in labels)


def test_printed_values_wrap_each_value_once():
    src = rewritten('print("a %s b %s" % (x, y), "{0} {0}".format(z))')
    assert src.count("__nd_rec__") == 3


def test_an_element_of_an_element_stepped_in_place_is_recorded_with_its_change(hooks_mode):
    """`layers[i]["W"] -= ...` over a list of dicts: the array the write changed, paired with its step (the outer
    list, which holds no array itself, was all that was kept before)."""
    tracer = assert_same("""
        import numpy as np
        layers = [{"W": np.ones(3)}, {"W": np.full(2, 4.0)}]
        for step in range(3):
            for i in range(2):
                layers[i]["W"] -= 0.5 * np.ones_like(layers[i]["W"])
        result = [layer["W"].tolist() for layer in layers]
    """)
    site = next(s for s in tracer.registry.sites if s.kind == "update")
    mean, change = C.STATS.index(C.MEAN), C.STATS.index(C.UPDATE_L2)
    rows = _observed(tracer, site.id)
    assert len(rows) == 6
    assert np.allclose(rows[0::2, mean], 1.0 - 0.5 * np.arange(1, 4))
    assert np.allclose(rows[1::2, mean], 4.0 - 0.5 * np.arange(1, 4))
    assert np.allclose(rows[0::2, change], np.linalg.norm(0.5 * np.ones(3)))


def test_a_method_called_on_an_element_is_recorded_as_a_call_by_its_name():
    import ast

    from nandoctor.trace.instrument import reads_of

    reads, calls = reads_of(ast.parse("h = self.layers[i].forward(x)").body[0].value)
    assert calls == ("forward",) and "self.layers" in reads
    assert set(reads_of(ast.parse("y = make()[0].run(x)").body[0].value)[1]) == {"make", "run"}
    assert reads_of(ast.parse("y = np.dot(a, b)").body[0].value)[1] == ("np.dot",)


def test_unpacked_names_read_their_own_element_of_a_written_out_tuple():
    tracer = assert_same("""
        import numpy as np
        X, y = np.arange(6.0).reshape(3, 2), np.array([0.0, 1.0, 1.0])
        idx = np.array([2, 0, 1])
        X, y = X[idx], y[idx]
        a, b = divmod(7, 2)
        result = (X.tolist(), y.tolist(), a, b)
    """)
    reads = {(s.line, s.target): set(s.reads) for s in tracer.registry.sites if s.kind == "unpack"}
    shuffled = {t: r for (line, t), r in reads.items() if line == 5}
    assert "y" not in shuffled["X"] and {"X", "idx"} <= shuffled["X"]
    assert "X" not in shuffled["y"] and {"y", "idx"} <= shuffled["y"]
    # a value that is not a tuple written out: every name reads all of it
    assert reads[6, "a"] == reads[6, "b"] == {"divmod"}
