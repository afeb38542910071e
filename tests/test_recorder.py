"""The recorder runs none of the script's code, keeps none of its objects alive, and never fails silently."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

from nandoctor import columns as C
from nandoctor.trace.instrument import AUGREC, DELTA, REC, UPD, Registry
from nandoctor.trace.recorder import Recorder
from nandoctor.trace.stats import IDX, BigArrays, as_float_rows


@pytest.fixture(params=["python", "c"])
def hooks(request, monkeypatch):
    """(recorder, hooks) for each implementation; the recorder raises its own errors."""
    if request.param == "python":
        monkeypatch.setenv("NANDOCTOR_PURE_PYTHON", "1")
    else:
        monkeypatch.delenv("NANDOCTOR_PURE_PYTHON", raising=False)
    r = Recorder(Registry(), flush_entries=1 << 30)
    r.raise_errors = True
    h = r.hooks()
    assert r.hooks_impl == request.param
    return r, h


def _rows(r: Recorder, sid: int) -> np.ndarray:
    r.flush(final=True)
    stats = np.concatenate([c.obs_stats for c in r.chunks])
    sites = np.concatenate([c.obs_site for c in r.chunks])
    return stats[sites == sid]


class Spy:
    """Logs every lookup and conversion the recorder could make on it."""

    def __init__(self, calls: list):
        object.__setattr__(self, "calls", calls)

    def __getattribute__(self, name):
        object.__getattribute__(self, "calls").append(("getattribute", name))
        return object.__getattribute__(self, name)

    def __getattr__(self, name):
        object.__getattribute__(self, "calls").append(("getattr", name))
        raise AttributeError(name)

    @property
    def __class__(self):  # isinstance would read it, and believe it
        object.__getattribute__(self, "calls").append(("__class__",))
        return np.ndarray

    def __float__(self):
        object.__getattribute__(self, "calls").append(("float",))
        return 1.0

    def __array__(self, dtype=None, copy=None):
        object.__getattribute__(self, "calls").append(("array",))
        return np.zeros(2)


def test_user_objects_are_never_asked_anything(hooks):
    r, h = hooks
    calls: list = []
    spy = Spy(calls)
    for _ in range(3):
        assert h[REC](1, spy) is spy
        assert h[UPD](2, spy, spy) is spy
        assert h[DELTA](3, spy) is spy
        h[AUGREC](3, spy)
        h[REC](4, np.ones(3))
        h[DELTA](4, spy)  # `value -= spy`: the update's delta is the user's object
        h[AUGREC](4, np.ones(3))
    _rows(r, 1)
    assert calls == []
    assert r.errors == []


class Logged(np.ndarray):
    """An ndarray subclass that logs attribute lookups and misses (np.ma.getdata would look up `_data`)."""

    calls: list = []

    def __getattribute__(self, name):
        Logged.calls.append(("getattribute", name))
        return np.ndarray.__getattribute__(self, name)

    def __getattr__(self, name):
        Logged.calls.append(("getattr", name))
        raise AttributeError(name)

    def __array__(self, dtype=None, copy=None):
        Logged.calls.append(("array",))
        return np.ndarray.view(self, np.ndarray)


@pytest.mark.parametrize("size", [5, 1000, 100_000])
def test_ndarray_subclass_recorded_from_its_data_without_its_attributes(hooks, size):
    r, h = hooks
    plain = np.linspace(-1.0, 2.0, size)
    v = np.ndarray.view(plain, Logged)
    Logged.calls = []
    h[REC](1, v)
    h[REC](2, plain)
    assert Logged.calls == []
    got, want = _rows(r, 1), _rows(r, 2)
    assert np.array_equal(got, want, equal_nan=True)
    assert got[0, IDX[C.MAX]] == 2.0


def test_masked_array_and_matrix_record_their_data(hooks):
    r, h = hooks
    z = np.array([[1.0, -3.0], [5.0, 0.5]])
    h[REC](1, np.ma.masked_array(z, mask=z > 1))
    h[REC](2, np.asmatrix(z))
    rows = _rows(r, 1), _rows(r, 2)
    for row in rows:
        assert row[0, IDX[C.MAX]] == 5.0 and row[0, IDX[C.MIN]] == -3.0


class Number:
    def __init__(self, calls: list):
        self.calls = calls

    def __float__(self):
        self.calls.append("float")
        return 1.0


@pytest.mark.parametrize("size", [3, 10_000])
def test_object_arrays_are_not_converted(hooks, size):
    r, h = hooks
    calls: list = []
    a = np.array([Number(calls) for _ in range(size)], dtype=object)
    h[REC](1, a)
    h[UPD](2, a, a)
    h[DELTA](3, a)  # an object delta: its bytes are pointers, never read back
    h[AUGREC](3, a)
    h[REC](4, np.array([1.0, 2, np.float32(3.5), True], dtype=object))  # Python's and numpy's own numbers
    row = _rows(r, 1)
    assert calls == []
    assert np.isnan(row[0, IDX[C.MAX]]) and row[0, IDX[C.SIZE]] == size
    assert _rows(r, 4)[0, IDX[C.MAX]] == 3.5
    assert r.errors == []


def test_as_float_rows_reads_only_plain_numbers():
    calls: list = []
    assert as_float_rows(np.array([[1.0, Number(calls)]], dtype=object)) is None
    assert calls == []
    assert as_float_rows(np.array([[1, 2.5, np.int8(3)]], dtype=object)).tolist() == [[1.0, 2.5, 3.0]]
    assert as_float_rows(np.array([[10 ** 400]], dtype=object)) is None  # too large for a float


class Tracked(np.float64):
    pass


def test_numpy_scalars_are_not_kept_alive(hooks):
    r, h = hooks
    values = [Tracked(0.25), np.float32(1.5), np.int64(7), np.float64(-2.0)]
    refs = [weakref.ref(values[0])]
    counts = [__import__("sys").getrefcount(v) for v in values]
    for k in range(len(values)):
        h[REC](10 + k, values[k])
    assert [__import__("sys").getrefcount(v) for v in values] == counts
    del values
    gc.collect()
    assert refs[0]() is None
    # and their values were recorded, by dtype
    assert [_rows(r, 10 + k)[0, IDX[C.MAX]] for k in range(4)] == [0.25, 1.5, 7.0, -2.0]
    assert set(r.dtypes) >= {"<f8", "<f4", "<i8"}


def test_numpy_scalars_of_every_number_dtype_recorded_exactly(hooks):
    from nandoctor.trace.recorder import NUMBER_DTYPES

    r, h = hooks
    values = []
    for dt in NUMBER_DTYPES:
        info = np.finfo(dt) if dt.kind in "fc" else np.iinfo(dt) if dt.kind in "iu" else None
        v = dt.type(True) if info is None else dt.type(info.max) if dt.kind != "c" else dt.type(complex(1.5, -2))
        values.append(v)
    values.append(np.longdouble(1) / 3)  # no Python number holds it exactly: logged as bytes
    for k, v in enumerate(values):
        h[REC](100 + k, v)
    r.flush(final=True)
    sites = np.concatenate([c.obs_site for c in r.chunks])
    stats = np.concatenate([c.obs_stats for c in r.chunks])
    dtypes = np.concatenate([c.obs_dtype for c in r.chunks])
    names = list(r.dtypes)
    for k, v in enumerate(values):
        i = int(np.flatnonzero(sites == 100 + k)[0])
        assert names[dtypes[i]] == v.dtype.str
        want = np.abs(np.asarray(v)).astype(np.float64) if v.dtype.kind == "c" else np.asarray(v).astype(np.float64)
        assert stats[i, IDX[C.MAX]] == want, (v.dtype, stats[i, IDX[C.MAX]], want)


def test_scalar_subclass_attributes_are_not_read(hooks):
    r, h = hooks
    calls: list = []

    class Loud(np.float64):
        def __getattribute__(self, name):
            calls.append(name)
            return np.float64.__getattribute__(self, name)

    h[REC](1, Loud(3.0))
    assert _rows(r, 1)[0, IDX[C.MAX]] == 3.0
    assert calls == []


# -- internal errors ----------------------------------------------------------------------------------

def test_large_site_history_mixing_rows_with_and_without_update_delta():
    """A large site observed both plainly and as an update: its norm history holds rows with and without an
    update norm (this raised IndexError in `_row` on real projects)."""
    b = BigArrays(screening=False)
    a = np.random.default_rng(0).normal(size=200_000)
    rows = [b.row(1, a * (1 + k / 100), None if k % 3 else a * 1e-3) for k in range(40)]
    for k, row in enumerate(rows):
        assert row[IDX[C.SIZE]] == a.size
        assert row[IDX[C.L2]] == pytest.approx(float(np.linalg.norm(a * (1 + k / 100))), rel=1e-9)
        if k % 3 == 0:
            assert row[IDX[C.UPDATE_L2]] == pytest.approx(float(np.linalg.norm(a * 1e-3)), rel=1e-9)
        else:
            assert np.isnan(row[IDX[C.UPDATE_L2]])
    # a spike in the update norm alone still gets a full row, against the median of the rows that had one
    spike = b.row(1, a, a * 1e3)
    assert spike[IDX[C.MIN]] == a.min()


def test_large_update_site_mixed_with_plain_observations_through_the_hooks(hooks):
    r, h = hooks
    w = np.random.default_rng(1).normal(size=100_000)
    for k in range(30):
        new = w * 0.99
        if k % 2:
            h[UPD](1, w, new)  # an update: a delta
        else:
            h[UPD](1, [0.0], new)  # the old value is not an array: a plain observation of the same site
        w = new
    assert len(_rows(r, 1)) == 30
    assert r.errors == []


def test_internal_error_keeps_site_and_count():
    r = Recorder(Registry())
    for _ in range(3):
        r.internal_error(IndexError("list index out of range"), 4)
    r.internal_error(IndexError("list index out of range"), 5, 10)  # a lost chunk: 10 at once
    r.internal_error(ValueError("x"))  # no observation lost
    assert r.error_counts == {(4, "IndexError: list index out of range"): 3,
                              (5, "IndexError: list index out of range"): 10}
    assert r.errors == ["IndexError: list index out of range [site 4: 3 observations lost]",
                        "IndexError: list index out of range [site 5: 10 observations lost]", "ValueError: x"]
    assert r.lost_observations() == {4: 3, 5: 10}


def test_internal_errors_raise_under_raise_errors(hooks):
    r, h = hooks

    class Boom(Exception):
        pass

    def fail(*a, **k):
        raise Boom("injected")

    r.big.row = fail  # the statistics of a large array fail: the hook's error handling is what is tested
    with pytest.raises(Boom):
        h[REC](1, np.ones(100_000))
    r.raise_errors = False
    for _ in range(2):
        h[REC](1, np.ones(100_000))
    assert r.lost_observations() == {1: 3}


def test_a_failed_flush_counts_what_it_lost_per_site():
    r = Recorder(Registry(), flush_entries=1 << 30)
    h = r.hooks()
    for k in range(4):
        h[REC](1, np.float64(k))
        h[REC](2, float(k))
    h[REC](2, float(9))

    def fail(*a, **k):
        raise RuntimeError("injected")

    r._process = fail
    assert r.flush(final=True) is None
    assert r.lost_observations() == {1: 4, 2: 5}


def test_the_founding_case_records_no_internal_error(seed_session, demo_session):
    for s in (seed_session, demo_session):
        assert s.findings  # analysed: detectors and cause builders ran, and record their failures here too
        assert s.errors == []


def test_other_numpy_scalars_recorded_from_their_bytes(hooks):
    r, h = hooks
    holder = np.zeros(2, dtype=[("x", "f8"), ("o", "O")])
    h[REC](1, holder[0])  # a structured scalar holding an object: its bytes are pointers, never logged
    h[REC](2, np.datetime64("2020-01-01"))
    h[REC](3, np.str_("abc"))
    h[REC](4, np.longdouble(2.5))
    r.flush(final=True)
    sites = np.concatenate([c.obs_site for c in r.chunks])
    assert sorted(set(sites.tolist())) == [2, 3, 4]
    assert {"<M8[D]", "<U3", np.dtype(np.longdouble).str} <= set(r.dtypes)
    assert _rows(r, 4)[0, IDX[C.MAX]] == 2.5
    assert r.errors == []


def test_short_lists_of_arrays_are_recorded_element_by_element_where_they_hold_parameters():
    import numpy as np

    from nandoctor.model import Loop, Site
    from nandoctor.trace.instrument import Registry
    from nandoctor.trace.recorder import ARRAY_LIST_MAX, _holds_parameters, array_list

    w, b = np.ones((2, 3)), np.zeros(3)
    assert [a is x for a, x in zip(array_list([w, b]), [w, b])] == [True, True]
    assert len(array_list([[w, b], (w, b)])) == 4  # pairs of (W, b), flattened in order
    assert array_list([w, 1.0]) is None and array_list([]) is None
    assert array_list([np.array(["a"])]) is None
    assert array_list([b] * (ARRAY_LIST_MAX + 1)) is None  # a data set held as arrays: not a parameter list

    reg = Registry()

    def site(target, kind):
        return reg.add_site(file="f.py", line=1, col=0, end_line=1, end_col=1, function="<module>", target=target,
                            kind=kind, statement="")

    rebuilt = site("self.weights", "assign")
    site("self.weights", "update")  # `self.weights = [w - eta * nw for ...]`
    walked = site("params", "assign")
    reg.loops.append(Loop(0, "f.py", 2, "<module>", "for p, g in zip(params, grads):", ("p", "g")))
    activations = site("outs", "assign")
    element = site("layers[i]", "setitem")
    assert _holds_parameters(reg, rebuilt) and _holds_parameters(reg, walked)
    assert not _holds_parameters(reg, activations) and not _holds_parameters(reg, element)


def test_a_ctrl_c_during_a_flush_waits_for_the_flush_then_reaches_the_script():
    """The signal is held while the block runs; the script's handler then runs once, given the caller's frame."""
    import os
    import signal
    import sys

    from nandoctor.trace.recorder import interrupts_held

    seen = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: seen.append((signum, frame)))
    try:
        with interrupts_held():
            os.kill(os.getpid(), signal.SIGINT)
            total = sum(range(10_000))  # bytecodes run: Python would call a handler here
            assert seen == []
        here = sys._getframe()
        assert total == 49_995_000 and len(seen) == 1
        assert seen[0][0] == signal.SIGINT and seen[0][1] is here
        assert signal.getsignal(signal.SIGINT) is not None and signal.getsignal(signal.SIGINT)(0, None) is None
        assert len(seen) == 2  # the script's handler is back in place
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_ctrl_c_held_during_a_flush_raises_keyboard_interrupt_after_it():
    import os
    import signal

    from nandoctor.trace.recorder import interrupts_held

    done = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts_held():
            os.kill(os.getpid(), signal.SIGINT)
            sum(range(10_000))
            done.append(True)
    assert done == [True]


def test_holding_ctrl_c_on_the_flushers_bare_thread_adds_no_thread_the_script_sees():
    """The flusher runs on a bare `_thread`: asking which thread it is must not register a dummy Thread."""
    import _thread
    import threading

    from nandoctor.trace.recorder import interrupts_held

    before = threading.enumerate()
    done = threading.Event()

    def flush_like():
        with interrupts_held():
            pass
        done.set()

    _thread.start_new_thread(flush_like, ())
    assert done.wait(10)
    assert threading.enumerate() == before


class Node:
    """A scalar autograd node, as scalar engines write them; every attribute lookup is logged."""

    calls: list = []

    def __init__(self, data, grad=0.0):
        self.data, self.grad = data, grad

    def __getattribute__(self, name):
        Node.calls.append(("getattribute", name))
        return object.__getattribute__(self, name)


def test_a_scalar_autograd_node_is_recorded_as_its_number_without_asking_it(hooks):
    r, h = hooks
    Node.calls = []
    nodes = [Node(0.25), Node(-3), Node(1.5, grad=2.0)]
    for n in nodes:
        assert h[REC](5, n) is n
    h[REC](6, Node(np.float32(2.0)))  # not a Python number: left alone
    h[REC](7, Spy([]))  # no grad: not a node
    assert Node.calls == []
    rows = _rows(r, 5)
    assert list(rows[:, IDX[C.MEAN]]) == [0.25, -3.0, 1.5]
    assert len(_rows(r, 6)) == 0 and len(_rows(r, 7)) == 0


class SlotNode:
    __slots__ = ("data", "grad", "kids")

    def __init__(self, data):
        self.data, self.grad, self.kids = data, 0.0, ()

    def __getattribute__(self, name):
        Node.calls.append(("getattribute", name))
        return object.__getattribute__(self, name)


class Described:
    """`data` is a property: reading it runs the class's code, so it is never read."""

    def __init__(self):
        self.grad = 0.0

    @property
    def data(self):
        Node.calls.append(("property",))
        return 1.0


def test_a_slotted_node_is_recorded_and_a_property_is_never_read(hooks):
    r, h = hooks
    Node.calls = []
    for v in (SlotNode(0.5), SlotNode(2), Described()):
        h[REC](8, v)
    assert Node.calls == []
    assert list(_rows(r, 8)[:, IDX[C.MEAN]]) == [0.5, 2.0]
