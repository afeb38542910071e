"""packing.py: every array restored bit for bit (NaN payloads, signed zeros, wrapping integers), and clear errors."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nandoctor.packing import (DELTA, MANIFEST, NARROW, PLANES, XOR, PackingError, is_packed, pack_array, plan_for,
                               read_packed, unpack, unpack_array, write_packed)


def _roundtrip(tmp_path, arrays, group=None):
    path = tmp_path / "p.npz"
    write_packed(path, arrays, group=group)
    with np.load(path, allow_pickle=False) as z:
        assert is_packed(z.files)
        return unpack(z)


def _identical(a: np.ndarray, b: np.ndarray) -> bool:
    """Same dtype, shape and bytes: NaN payloads and the sign of zero included."""
    return a.dtype == b.dtype and a.shape == b.shape and np.ascontiguousarray(a).tobytes() == b.tobytes()


def _bits(pattern: int) -> float:
    return np.array([pattern], np.uint64).view(np.float64)[0]


# NaNs with different payloads and signs (quiet and signalling), infinities, signed zeros, subnormals, extremes.
SPECIAL = np.array([
    _bits(0x7FF8000000000000), _bits(0xFFF8000000000000), _bits(0x7FF0000000000001), _bits(0x7FF4DEADBEEF0001),
    np.inf, -np.inf, 0.0, -0.0, 5e-324, -2.2250738585072014e-308, np.finfo(np.float64).max, 1.0, 1.0 + 2 ** -52,
])


CASES = {
    "special floats": SPECIAL,
    "special floats as rows": np.stack([SPECIAL, SPECIAL[::-1], SPECIAL]),
    "random bit patterns": np.random.default_rng(0).integers(0, 2 ** 64, (300, 7), dtype=np.uint64).view(np.float64),
    "float32": np.linspace(-3, 3, 101, dtype=np.float32).reshape(101, 1),
    "float16": np.array([np.nan, -0.0, 65504, 6e-8], np.float16),
    "complex": np.array([1 + 2j, np.nan * 1j, -0.0 + 0j, np.inf], np.complex128),
    "big-endian": np.arange(10, dtype=">f8") / 3,
    "int64 extremes (deltas wrap)": np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max, 0, -1,
                                              np.iinfo(np.int64).min], np.int64),
    "uint64": np.array([2 ** 64 - 1, 0, 2 ** 63, 7], np.uint64),
    "increasing sequence": np.cumsum(np.random.default_rng(1).integers(1, 40, 5000)).astype(np.int64),
    "codes": np.tile(np.arange(30, dtype=np.int32), 40),
    "negative codes": np.array([-3, 200, -100, 5], np.int32),
    "int8": np.array([-128, 127, 0], np.int8),
    "bool": np.array([True, False, True]),
    "strings": np.array(["(3, 4)", "(7, 1)", "()"]),
    "empty": np.zeros(0, np.float64),
    "empty rows": np.zeros((0, 14), np.float64),
    "empty strings": np.zeros(0, dtype="U1"),
    "0-d": np.array(2.5),
    "3-d": np.arange(24.0).reshape(2, 3, 4) ** 0.5,
    "not contiguous": np.arange(40.0).reshape(8, 5)[::2, 1::2],
    "one row": np.array([[np.nan, 1.0, -0.0]]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_kind_of_array_comes_back_bit_for_bit(tmp_path, name):
    a = CASES[name]
    out = _roundtrip(tmp_path, {"a": a})
    assert set(out) == {"a"}
    assert _identical(a, out["a"]), (a, out["a"])


def test_plan_follows_the_dtype_only():
    assert plan_for(np.zeros(3)) == (XOR, PLANES)
    assert plan_for(np.arange(0, 10 ** 7, 9, dtype=np.int64)) == (DELTA, NARROW, PLANES)  # steps of 9 fit a byte
    assert plan_for(np.array([3, 0, 2, 1] * 5, np.int32)) == (NARROW, PLANES)  # codes: differences are no narrower
    assert plan_for(np.array(["a"])) == ()


def test_transforms_leave_runs_of_zero_bytes(tmp_path):
    """A slowly changing series packs far smaller than its raw bytes; the same values shuffled do not."""
    rng = np.random.default_rng(2)
    smooth = np.cumsum(rng.normal(0, 1e-6, (20000, 4)), axis=0) + 1.0
    noise = rng.random((20000, 4))
    write_packed(tmp_path / "s.npz", {"x": smooth})
    write_packed(tmp_path / "n.npz", {"x": noise})
    assert (tmp_path / "s.npz").stat().st_size < 0.6 * smooth.nbytes
    assert (tmp_path / "s.npz").stat().st_size < (tmp_path / "n.npz").stat().st_size


def test_grouped_rows_restore_their_original_order(tmp_path):
    rng = np.random.default_rng(3)
    site = rng.integers(0, 9, 1000).astype(np.int32)
    stats = rng.normal(size=(1000, 14))
    stats[rng.random((1000, 14)) < 0.1] = np.nan
    out = _roundtrip(tmp_path, {"obs_site": site, "obs_stats": stats}, group={"obs_stats": "obs_site"})
    assert _identical(stats, out["obs_stats"]) and _identical(site, out["obs_site"])
    # The key is unpacked first whatever the order of the members.
    out = _roundtrip(tmp_path, {"obs_stats": stats, "obs_site": site}, group={"obs_stats": "obs_site"})
    assert _identical(stats, out["obs_stats"])


def test_many_members_read_back_from_the_file(tmp_path):
    """read_packed gives every member of a file holding all the cases, the group key restored first."""
    rng = np.random.default_rng(4)
    site = rng.integers(0, 5, 400).astype(np.int32)
    arrays = {"obs_stats": rng.normal(size=(400, 14)), "obs_site": site, **{name: CASES[name] for name in CASES}}
    write_packed(tmp_path / "p.npz", arrays, group={"obs_stats": "obs_site"})
    out = read_packed(tmp_path / "p.npz")
    assert sorted(out) == sorted(arrays)
    assert all(_identical(arrays[k], out[k]) for k in arrays)


def test_stored_members_are_plain_arrays_numpy_reads(tmp_path):
    """A packed file is an ordinary npz: uint8 planes and integers, and the manifest as text."""
    write_packed(tmp_path / "p.npz", {"x": SPECIAL, "seq": np.arange(5, dtype=np.int64)})
    with zipfile.ZipFile(tmp_path / "p.npz") as zf:
        assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in zf.infolist())
    with np.load(tmp_path / "p.npz", allow_pickle=False) as z:
        assert sorted(z.files) == sorted(["x", "seq", MANIFEST])
        assert z["x"].dtype == np.uint8 and z["x"].shape == (8, 1, len(SPECIAL))
        manifest = json.loads(str(z[MANIFEST][()]))
    assert manifest["arrays"]["x"] == {"dtype": "<f8", "shape": [len(SPECIAL)], "steps": ["xor", "planes"],
                                       "planes_of": "<u8"}


@settings(max_examples=60, deadline=None)
@given(hnp.arrays(dtype=st.sampled_from([np.uint64, np.uint32, np.uint16]),
                  shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=9)),
       st.sampled_from(["f", "i"]))
def test_any_bit_pattern_round_trips(bits, kind):
    """Every float bit pattern (all NaN payloads) and every integer, through the in-memory transforms."""
    a = bits.view(np.dtype(f"{kind}{bits.dtype.itemsize}"))
    stored, entry = pack_array(a, plan_for(a))
    back = unpack_array(stored, json.loads(json.dumps(entry)))
    assert _identical(a, back)


# -- errors -----------------------------------------------------------------------------------------

def _rewrite_manifest(path, change):
    with np.load(path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    manifest = json.loads(str(arrays[MANIFEST][()]))
    change(manifest)
    arrays[MANIFEST] = np.array(json.dumps(manifest))
    np.savez(path, **arrays)


def test_a_newer_format_says_to_upgrade(tmp_path):
    path = tmp_path / "p.npz"
    write_packed(path, {"x": SPECIAL})
    _rewrite_manifest(path, lambda m: m.update(version=99))
    with np.load(path, allow_pickle=False) as z, pytest.raises(PackingError, match="newer nandoctor"):
        unpack(z)
    with pytest.raises(PackingError, match="upgrade nandoctor"):
        read_packed(path)


def test_a_missing_member_or_key_is_named(tmp_path):
    path = tmp_path / "p.npz"
    write_packed(path, {"site": np.arange(4), "x": np.zeros((4, 2))}, group={"x": "site"})
    _rewrite_manifest(path, lambda m: m["arrays"].update(y=m["arrays"]["x"]))
    with pytest.raises(PackingError, match=r"\['y'\] missing"):
        read_packed(path)
    _rewrite_manifest(path, lambda m: (m["arrays"].pop("y"), m["arrays"]["x"].update(group_by="nowhere")))
    with pytest.raises(PackingError, match="grouped by 'nowhere'"):
        read_packed(path)


def test_an_unknown_step_is_refused(tmp_path):
    path = tmp_path / "p.npz"
    write_packed(path, {"x": SPECIAL})
    _rewrite_manifest(path, lambda m: m["arrays"]["x"].update(steps=["xor", "zstd", "planes"]))
    with np.load(path, allow_pickle=False) as z, pytest.raises(PackingError, match="unknown packing steps"):
        unpack(z)


def test_a_manifest_that_disagrees_with_its_member_is_refused(tmp_path):
    path = tmp_path / "p.npz"
    write_packed(path, {"x": SPECIAL})
    _rewrite_manifest(path, lambda m: m["arrays"]["x"].update(shape=[3, 5]))
    with np.load(path, allow_pickle=False) as z, pytest.raises(PackingError, match="does not restore"):
        unpack(z)


def test_what_cannot_be_packed_says_so(tmp_path):
    with pytest.raises(PackingError, match="cannot pack"):
        write_packed(tmp_path / "p.npz", {"x": np.array([{}, None], dtype=object)})
    with pytest.raises(PackingError, match="not packed with it"):
        write_packed(tmp_path / "p.npz", {"x": np.zeros(3)}, group={"x": "site"})
    with pytest.raises(PackingError, match="manifest's own name"):
        write_packed(tmp_path / "p.npz", {MANIFEST: np.zeros(3)})
