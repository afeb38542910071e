"""Lossless packing of a session's arrays: reversible byte transforms that let deflate shrink recorded numbers."""

# A packed file is an ordinary .npz (a zip of .npy members, read with `np.load(allow_pickle=False)`), deflated,
# whose members are the arrays after exact, reversible transforms, plus a member MANIFEST (JSON text) that says
# for each array its dtype, shape and the transforms applied, so that every array is restored bit for bit:
#
#   group   rows stably sorted by another (integer) member, so that each site's rows lie side by side in time
#   xor     each value's bits XOR the previous value's in its column: a value that changed little keeps zero sign,
#           exponent and leading mantissa bits, and one that did not change (sizes, NaN counts, constant inputs)
#           is all zeros
#   delta   integer differences along the rows (wrapping arithmetic, undone exactly by a wrapping cumulative sum)
#   narrow  integers cast to the narrowest integer dtype that holds every one of them
#   planes  bytes regrouped by significance, (itemsize, columns, rows): the zero high bytes form long runs
#
# Floating-point values are never rounded, converted or compared as numbers: NaN payloads, signed zeros and
# infinities come back as they were, because every float transform works on the raw bytes.

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Mapping

import numpy as np

FORMAT = "nandoctor-packed"
VERSION = 1
MANIFEST = "packing"
# Deflate level. On the 500,000-step answer variant's session (111 MB as plain arrays) level 6 saves 3% over
# level 1 (30.5 MB against 31.4 MB) for half as much time again; lzma (tried on the same byte planes) was 18%
# smaller but 16 times slower to write and 7 times slower to read, the read being what every report build pays.
LEVEL = 1

GROUP, XOR, DELTA, NARROW, PLANES = "group", "xor", "delta", "narrow", "planes"
STEPS = (GROUP, XOR, DELTA, NARROW, PLANES)
_UNSIGNED = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
_NARROW_CANDIDATES = (np.uint8, np.int8, np.uint16, np.int16, np.uint32, np.int32)


class PackingError(ValueError):
    """A packed file this nandoctor cannot restore (a newer format, a damaged manifest or member)."""


# -- encoding -------------------------------------------------------------------------------------

def _rows(a: np.ndarray) -> np.ndarray:
    """The array as (rows, columns): its first axis kept, the rest flattened (a 0-d array is one row)."""
    a = np.ascontiguousarray(a)
    if a.ndim == 0:
        return a.reshape(1, 1)
    return a.reshape(a.shape[0], -1) if a.shape[0] else a.reshape(0, int(np.prod(a.shape[1:], dtype=np.int64)))


def _narrowest(a: np.ndarray) -> np.dtype | None:
    """The narrowest integer dtype narrower than a's that holds all of a's values, or None."""
    if a.size == 0:
        return None
    lo, hi = int(a.min()), int(a.max())
    for dt in _NARROW_CANDIDATES:
        info = np.iinfo(dt)
        if np.dtype(dt).itemsize >= a.dtype.itemsize:
            return None
        if info.min <= lo and hi <= info.max:
            return np.dtype(dt)
    return None


def _xor_along(cols: np.ndarray) -> np.ndarray:
    """Each value's bits XOR those of the value before it in its column (the first as it is)."""
    width = _UNSIGNED.get(cols.dtype.itemsize)
    u = cols.view(width) if width is not None else cols.view(np.uint8)
    out = u.copy()
    if u.shape[1] > 1:
        np.bitwise_xor(u[:, 1:], u[:, :-1], out=out[:, 1:])
    return out


def _planes(cols: np.ndarray) -> np.ndarray:
    """(columns, rows) of any fixed-size dtype as uint8 (itemsize, columns, rows)."""
    ncols, m = cols.shape
    size = cols.dtype.itemsize
    as_bytes = cols.view(np.uint8).reshape(ncols, m, size)
    out = np.empty((size, ncols, m), np.uint8)
    for k in range(size):  # one plane at a time, as in _unplanes
        out[k] = as_bytes[:, :, k]
    return out


def _unplanes(planes: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """The (columns, rows) array of `dtype` whose byte planes these are (one plane copied at a time: a
    byte-granular transpose in one numpy call is several times slower)."""
    size, ncols, m = planes.shape
    if planes.dtype != np.uint8 or dtype.itemsize != size:
        raise PackingError("byte planes do not match their dtype")
    out = np.empty((ncols, m, size), np.uint8)
    for k in range(size):
        out[:, :, k] = planes[k]
    return out.reshape(ncols, m * size).view(dtype)


def plan_for(a: np.ndarray) -> tuple[str, ...]:
    """The transforms for an array, from its dtype alone (no names): the chosen steps, in order."""
    kind = a.dtype.kind
    if kind in "fc":
        return (XOR, PLANES)
    if kind in "iu":
        return (DELTA, NARROW, PLANES) if _delta_pays(a) else (NARROW, PLANES)
    return ()  # strings and booleans: as they are (deflate handles them)


def _delta_pays(a: np.ndarray) -> bool:
    """Whether differences along the rows narrow better than the values (sequence numbers do, codes do not)."""
    rows = _rows(a)
    if len(rows) < 2:
        return False
    diff = rows.copy()
    np.subtract(rows[1:], rows[:-1], out=diff[1:])
    width = (_narrowest(diff) or diff.dtype).itemsize
    return width < (_narrowest(rows) or rows.dtype).itemsize


def pack_array(a: np.ndarray, steps: tuple[str, ...], group_order: np.ndarray | None = None):
    """(stored array, manifest entry) for one array and its transforms.

    Apart from `group`, which permutes the rows, the steps work column by column along the rows (the
    array as (columns, rows)): that is how the stored member is laid out."""
    a = np.asarray(a)
    if a.dtype.hasobject or a.dtype.fields is not None:
        raise PackingError(f"cannot pack dtype {a.dtype}: only plain numeric, boolean and string arrays")
    for step in steps:
        if step not in STEPS:
            raise PackingError(f"unknown packing step {step!r}")
    if GROUP in steps[1:]:
        raise PackingError("group must be the first step")
    entry = {"dtype": a.dtype.str, "shape": list(a.shape), "steps": list(steps)}
    rows = _rows(a)
    if steps and steps[0] == GROUP:
        if group_order is None or len(group_order) != len(rows):
            raise PackingError("the group step needs the order of the array's rows")
        rows = rows[group_order]
    cols = np.ascontiguousarray(rows.T)
    for step in steps:
        if step == XOR:
            cols = _xor_along(cols)
        elif step == DELTA:
            if cols.dtype.kind not in "iu":
                raise PackingError(f"delta applies to integers, not {cols.dtype}")
            diff = cols.copy()
            if cols.shape[1] > 1:
                np.subtract(cols[:, 1:], cols[:, :-1], out=diff[:, 1:])
            cols = diff
        elif step == NARROW:
            if cols.dtype.kind not in "iu":
                raise PackingError(f"narrow applies to integers, not {cols.dtype}")
            narrow = _narrowest(cols)
            entry["narrow_from"] = cols.dtype.str
            if narrow is not None:
                cols = cols.astype(narrow)
        elif step == PLANES:
            entry["planes_of"] = cols.dtype.str
            cols = _planes(cols)
    return cols, entry


def write_packed(path: str | os.PathLike, arrays: Mapping[str, np.ndarray], *,
                 group: Mapping[str, str] | None = None, level: int = LEVEL) -> None:
    """Write `arrays` packed to `path` (written as is: the caller renames a temporary file into place).

    `group` maps an array to the integer array whose stable sort orders its rows before the other steps
    (the statistics by site): that array is packed too, and unpacked first."""
    group = dict(group or {})
    manifest = {"format": FORMAT, "version": VERSION, "arrays": {}}
    orders: dict[str, np.ndarray] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level, allowZip64=True) as zf:
        for name, a in arrays.items():
            if name == MANIFEST:
                raise PackingError(f"{MANIFEST!r} is the manifest's own name")
            a = np.asarray(a)
            steps = plan_for(a)
            order = None
            if name in group:
                key = group[name]
                if key not in arrays:
                    raise PackingError(f"{name} is grouped by {key}, which is not packed with it")
                if key not in orders:
                    orders[key] = np.argsort(np.asarray(arrays[key]).reshape(-1), kind="stable")
                order = orders[key]
                steps = (GROUP,) + steps
            stored, entry = pack_array(a, steps, order)
            if order is not None:
                entry["group_by"] = group[name]
            manifest["arrays"][name] = entry
            with zf.open(name + ".npy", "w", force_zip64=True) as f:
                np.lib.format.write_array(f, stored, allow_pickle=False)
        with zf.open(MANIFEST + ".npy", "w") as f:
            np.lib.format.write_array(f, np.array(json.dumps(manifest)), allow_pickle=False)


# -- decoding -------------------------------------------------------------------------------------

def is_packed(files) -> bool:
    """Whether an opened .npz's member names are those of a packed file."""
    return MANIFEST in files


def read_manifest(z) -> dict:
    try:
        manifest = json.loads(str(z[MANIFEST][()]))
    except (ValueError, KeyError, TypeError) as e:
        raise PackingError(f"unreadable packing manifest ({e})") from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackingError("not a nandoctor packed file (its manifest names another format)")
    version = manifest.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise PackingError(f"packed in format version {version!r} by a newer nandoctor; this one reads up to "
                           f"{VERSION}: upgrade nandoctor to read it")
    if not isinstance(manifest.get("arrays"), dict):
        raise PackingError("packing manifest without its arrays")
    return manifest


def unpack_array(stored: np.ndarray, entry: Mapping, group_key: np.ndarray | None = None) -> np.ndarray:
    """The original array from its stored form and manifest entry."""
    try:
        dtype = np.dtype(entry["dtype"])
        shape = tuple(int(n) for n in entry["shape"])
        steps = list(entry["steps"])
    except (KeyError, TypeError, ValueError) as e:
        raise PackingError(f"damaged manifest entry ({e})") from e
    if dtype.hasobject or stored.dtype.hasobject:
        raise PackingError(f"refusing dtype {dtype} (objects are never read)")
    unknown = [s for s in steps if s not in STEPS]
    if unknown:
        raise PackingError(f"unknown packing steps {unknown}: written by a newer nandoctor")
    count = int(np.prod(shape, dtype=np.int64))
    cols = stored
    try:
        for step in reversed(steps):
            if step == PLANES:
                cols = _unplanes(stored, np.dtype(entry["planes_of"]))
            elif step == NARROW:
                cols = cols.astype(np.dtype(entry["narrow_from"]))
            elif step == DELTA:
                cols = np.cumsum(cols, axis=1, dtype=cols.dtype)
            elif step == XOR:
                width = _UNSIGNED.get(dtype.itemsize, np.uint8)
                cols = cols.view(width)
                if cols.shape[1] > 1:
                    cols = np.bitwise_xor.accumulate(cols, axis=1)
                cols = cols.view(dtype)
        if cols.ndim != 2:
            raise PackingError(f"stored array of {cols.ndim} dimensions, expected (columns, rows)")
        rows = np.ascontiguousarray(cols.T)
        if GROUP in steps:
            if group_key is None:
                raise PackingError("grouped array without its key")
            order = np.argsort(group_key.reshape(-1), kind="stable")
            if len(order) != len(rows):
                raise PackingError("grouped array and its key differ in length")
            out = np.empty_like(rows)
            out[order] = rows
            rows = out
    except (KeyError, TypeError, ValueError) as e:
        if isinstance(e, PackingError):
            raise
        raise PackingError(f"damaged packed array ({type(e).__name__}: {e})") from e
    if rows.dtype != dtype or rows.size != count:
        raise PackingError(f"stored {rows.dtype} x {rows.size} does not restore {dtype} of shape {shape}")
    return rows.reshape(shape)


def unpack(z, manifest: dict | None = None) -> dict[str, np.ndarray]:
    """Every array of an opened packed .npz (np.load's NpzFile, or any z[name]), restored."""
    manifest = read_manifest(z) if manifest is None else manifest
    entries = manifest["arrays"]
    out: dict[str, np.ndarray] = {}
    for name in _key_order(entries):
        out[name] = _restore(name, entries, z, out)
    return out


def read_packed(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Every array of a packed file, restored (the file opened once, its members inflated one by one).

    Members read in parallel threads were measured on the shared 2-core machine: 7% faster for the
    500,000-step session, 40% slower for the founding case's; so they are read in turn."""
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        if MANIFEST + ".npy" not in names:
            raise PackingError("not a packed file (no manifest)")
        manifest = read_manifest({MANIFEST: _read_member(zf, MANIFEST)})
        entries = manifest["arrays"]
        missing = [n for n in entries if n + ".npy" not in names]
        if missing:
            raise PackingError(f"packed arrays {missing} missing from the file")
        return unpack(_Members(lambda name: _read_member(zf, name)), manifest)


class _Members:
    """Stored members read on demand (z[name]), as np.load's NpzFile gives them."""

    def __init__(self, read):
        self._read = read

    def __getitem__(self, name: str) -> np.ndarray:
        return self._read(name)


def _read_member(zf: zipfile.ZipFile, name: str) -> np.ndarray:
    with zf.open(name + ".npy") as f:
        return np.lib.format.read_array(f, allow_pickle=False)


def _key_order(entries: Mapping) -> list[str]:
    """Member names, each group key before the arrays grouped by it (a key that is itself grouped: an error)."""
    for name, entry in entries.items():
        if not isinstance(entry, dict):
            raise PackingError(f"damaged manifest entry for {name!r}")
        key = entry.get("group_by")
        if key is not None and (key not in entries or entries[key].get("group_by") is not None):
            raise PackingError(f"{name} is grouped by {key!r}, which is not a plain packed array")
    keys = [n for n, e in entries.items() if n in {x.get("group_by") for x in entries.values()}]
    return keys + [n for n in entries if n not in keys]


def _restore(name: str, entries: Mapping, stored, out: Mapping) -> np.ndarray:
    entry = entries[name]
    key = out[entry["group_by"]] if entry.get("group_by") is not None else None
    try:
        member = stored[name]
    except KeyError as e:
        raise PackingError(f"packed array {name!r} missing from the file") from e
    return unpack_array(member, entry, key)


__all__ = ["write_packed", "read_packed", "unpack", "is_packed", "pack_array", "unpack_array", "plan_for",
           "PackingError", "FORMAT", "VERSION", "MANIFEST", "LEVEL"]
