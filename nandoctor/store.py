"""The session folder on disk: written incrementally while the script runs, read without executing code.

Layout (schema 2):
    session.json        schema, meta (argv, versions, exit status, interrupted, compacted)
    sites.json          sites and loops, rewritten when new ones are instrumented
    events.json         floating-point events and nandoctor's own errors
    chunks/NNNNNN.npz   while the run goes on: observation columns, loop events and small-site values, plain
                        arrays (no pickle, no compression: the flush must not slow the training loop): one
                        array per row column, named as recording.ROW_COLUMNS; "shapes", "dtypes";
                        "v<k>_meta" (site, shape code), "v<k>_seq", "v<k>_data" per block of kept values
    compact.npz         once the run has ended: the same arrays in one file, packed losslessly (packing.py:
                        byte transforms and deflate, every value restored bit for bit); the chunks are removed
    analysis.json       findings, causes and the step plan, once the run has ended

Every file is written to a temporary name and renamed, so a killed run leaves only whole files. Read back,
a folder is one `recording.Recording`. Schema 1 folders (compact.npz of plain arrays) still read.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from .model import SCHEMA_VERSION, FpEvent, Loop, Site, from_dict, to_dict
from .packing import PackingError, is_packed, read_packed, write_packed
from .recording import ROW_COLUMNS, Recording, empty_column

CHUNK_DIR = "chunks"
COMPACT = "compact.npz"  # all observations of a run that ended cleanly, in one packed file
# Session schemas this version reads: 1 stored compact.npz as plain arrays, 2 packs it (packing.py).
READABLE_SCHEMAS = (1, 2)
# The statistics rows are packed grouped by site, so that each site's values follow each other in time.
PACK_GROUPS = {"obs_stats": "obs_site"}
# Files of an earlier run in the same folder, removed when a new session starts there.
STALE_FILES = ("analysis.json", "events.json", "findings.json", "sites.json", "report.html", "summary.png")


def _tmp_name(name: str) -> str:
    """Where a chunk or compact file is written before it is renamed into place."""
    return name[: -len(".npz")] + ".tmp.npz"


class StoreError(Exception):
    """A session folder that cannot be read."""


def write_json(path: Path, obj) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, sort_keys=False, allow_nan=False, default=_default)
    os.replace(tmp, path)


def read_json_record(path: Path, build, what: str):
    """`build(document)` of a JSON file nandoctor wrote into a session folder (a verification, a probing), or None
    when there is none; a ValueError naming the file when it is not what it should be."""
    if not path.is_file():
        return None
    try:
        return build(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as e:
        raise ValueError(f"{path} is not {what} nandoctor wrote: {e}") from None


def _default(x):
    if hasattr(x, "item"):
        return x.item()
    if isinstance(x, (set, frozenset, tuple)):
        return list(x)
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")


def read_json(path: Path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class SessionWriter:
    """Writes one traced run's session folder as it goes."""

    def __init__(self, directory: str | os.PathLike, meta: dict):
        self.dir = Path(os.path.abspath(directory))  # the script may chdir while we write
        (self.dir / CHUNK_DIR).mkdir(parents=True, exist_ok=True)
        for old in (self.dir / CHUNK_DIR).glob("*.npz"):
            old.unlink()
        for name in (COMPACT, _tmp_name(COMPACT)):  # the second: left by a run killed while compacting
            if (self.dir / name).exists():
                (self.dir / name).unlink()
        # A reused folder must not mix an earlier run's files into this one if this run is killed.
        for name in STALE_FILES:
            if (self.dir / name).exists():
                (self.dir / name).unlink()
        self.pid = os.getpid()
        self.meta = dict(meta)
        self.meta.pop("compacted", None)  # a loaded session's meta: this folder has no compact file yet
        self.n_chunks = 0
        self.n_sites_written = -1
        self.n_loops_written = -1
        self.n_events_written = -1
        write_json(self.dir / "session.json", {"schema": SCHEMA_VERSION, "meta": self.meta})

    @classmethod
    def reopen(cls, directory: str | os.PathLike) -> "SessionWriter":
        """The writer of a folder another process wrote (`nandoctor run` after its traced child): wipes nothing."""
        self = cls.__new__(cls)
        self.dir = Path(os.path.abspath(directory))
        self.pid = os.getpid()
        self.meta = dict(read_json(self.dir / "session.json").get("meta", {}))
        self.n_chunks = len(list((self.dir / CHUNK_DIR).glob("[0-9]*.npz")))
        self.n_sites_written = self.n_loops_written = self.n_events_written = -1
        return self

    def _ours(self) -> bool:
        """False in a forked child (multiprocessing): only the traced process writes its folder."""
        return os.getpid() == self.pid

    def update_meta(self, **kw) -> None:
        if not self._ours():
            return
        self.meta.update(kw)
        write_json(self.dir / "session.json", {"schema": SCHEMA_VERSION, "meta": self.meta})

    def write_sites(self, sites: list[Site], loops: list[Loop], sources: dict[str, str] | None = None) -> None:
        if not self._ours():
            return
        # Snapshots: the flush thread writes while the script may be importing (adding sites).
        sites, loops, sources = list(sites), list(loops), dict(sources or {})
        if len(sites) == self.n_sites_written and len(loops) == self.n_loops_written:
            return
        write_json(
            self.dir / "sites.json",
            {
                "sites": [to_dict(s) for s in sites],
                "loops": [to_dict(lp) for lp in loops],
                "sources": sources,
            },
        )
        self.n_sites_written, self.n_loops_written = len(sites), len(loops)

    def write_events(self, events: list[FpEvent], errors: list[str]) -> None:
        if not self._ours():
            return
        events, errors = list(events), list(errors)
        # An error's text changes when it recurs (its count of lost observations): compared in full.
        if (len(events), errors) == self.n_events_written:
            return
        write_json(self.dir / "events.json", {"events": [to_dict(e) for e in events], "errors": list(errors)})
        self.n_events_written = (len(events), errors)

    def write_chunk(self, chunk, shapes: list[str], dtypes: list[str], path: Path | None = None, *,
                    packed: bool = False) -> None:
        """One chunk file (numbered under chunks/ unless `path` is given); `packed` packs it (compact.npz)."""
        if not self._ours():
            return
        arrays = {name: getattr(chunk, name) for name in ROW_COLUMNS}
        arrays["shapes"] = np.array(shapes, dtype=str) if shapes else np.zeros(0, dtype="U1")
        arrays["dtypes"] = np.array(dtypes, dtype=str) if dtypes else np.zeros(0, dtype="U1")
        for k, (sid, shape_code, seq, data) in enumerate(chunk.values):
            arrays[f"v{k}_meta"] = np.array([sid, shape_code], dtype=np.int64)
            arrays[f"v{k}_seq"] = seq
            arrays[f"v{k}_data"] = data
        numbered = path is None
        if numbered:
            path = self.dir / CHUNK_DIR / f"{self.n_chunks:06d}.npz"
        tmp = path.with_name(_tmp_name(path.name))
        if packed:
            write_packed(tmp, arrays, group=PACK_GROUPS)
        else:
            np.savez(tmp, **arrays)
        os.replace(tmp, path)
        if numbered:
            self.n_chunks += 1

    def compact(self, recording: Recording) -> None:
        """After a clean end of run, replace the many chunks by one file (loading reads it fast).

        Written first, then session.json says so, then the chunks go: a kill at any point leaves a
        folder that reads either the chunks or the compact file, never a mix."""
        if not self._ours():
            return
        from .trace.recorder import Chunk

        # One block per (site, shape code), as the recorder's own consolidation leaves them: a session
        # read back from its chunks holds one part per chunk, and loading many small blocks is slow.
        values = []
        for sid, parts in recording.values.items():
            by_code: dict[int, list] = {}
            for code, seq, data in parts:
                by_code.setdefault(code, []).append((seq, data))
            for code, group in by_code.items():
                seq = np.concatenate([g[0] for g in group]) if len(group) > 1 else group[0][0]
                data = np.concatenate([g[1] for g in group]) if len(group) > 1 else group[0][1]
                if len(seq) > 1 and bool(np.any(seq[1:] < seq[:-1])):  # readers search the seqs: keep them sorted
                    order = np.argsort(seq, kind="stable")
                    seq, data = seq[order], data[order]
                values.append((sid, code, seq, data))
        chunk = Chunk(**recording.columns(), values=values)
        self.write_chunk(chunk, list(recording.shapes), list(recording.dtypes), path=self.dir / COMPACT, packed=True)
        self.update_meta(compacted=True)
        for old in (self.dir / CHUNK_DIR).glob("*.npz"):
            old.unlink()

    def write_analysis(self, analysis: dict) -> None:
        if not self._ours():
            return
        write_json(self.dir / "analysis.json", analysis)


def read_arrays(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """The arrays of one chunk or compact file, plain or packed, restored exactly. Never unpickles."""
    with np.load(path, allow_pickle=False) as z:
        if not is_packed(z.files):
            return {k: z[k] for k in z.files}
    try:
        return read_packed(path)
    except PackingError as e:
        raise StoreError(f"{Path(path).name}: {e}") from e


def read_session_files(directory: str | os.PathLike) -> Recording:
    """Everything a session folder holds, as a Recording. Never unpickles."""
    d = Path(directory)
    if not d.is_dir():
        raise StoreError(f"{d}: no such session folder")
    if not (d / "session.json").exists():
        raise StoreError(f"{d}: not a nandoctor session folder (no session.json)")
    try:
        head = read_json(d / "session.json")
    except (OSError, ValueError) as e:
        raise StoreError(f"{d}/session.json: unreadable ({e})") from e
    schema = head.get("schema") if isinstance(head, dict) else None
    if schema not in READABLE_SCHEMAS:
        newer = isinstance(schema, int) and not isinstance(schema, bool) and schema > SCHEMA_VERSION
        raise StoreError(f"{d}: session schema {schema!r}, this nandoctor reads schemas "
                         f"{', '.join(map(str, READABLE_SCHEMAS))}"
                         + (": written by a newer nandoctor, upgrade to read it" if newer else ""))
    meta = head.get("meta", {})
    sites, loops, sources, events, errors = [], [], {}, [], []
    if (d / "sites.json").exists():
        s = read_json(d / "sites.json")
        sites = [from_dict(Site, x) for x in s.get("sites", [])]
        loops = [from_dict(Loop, x) for x in s.get("loops", [])]
        sources = s.get("sources", {})
    if (d / "events.json").exists():
        e = read_json(d / "events.json")
        events = [from_dict(FpEvent, x) for x in e.get("events", [])]
        errors = list(e.get("errors", []))
    cols: dict[str, list] = {name: [] for name in ROW_COLUMNS}
    values: dict[int, list] = {}
    shapes: list[str] = []
    dtypes: list[str] = []
    compacted = bool(meta.get("compacted")) and (d / COMPACT).exists()
    if compacted:
        paths = [d / COMPACT]
    else:
        paths = sorted((d / CHUNK_DIR).glob("[0-9]*.npz")) if (d / CHUNK_DIR).is_dir() else []
    for path in paths:
        if ".tmp" in path.name:
            continue
        try:
            z = read_arrays(path)
            for k in cols:
                cols[k].append(z[k])
            if len(z["shapes"]) >= len(shapes):
                shapes = [str(x) for x in z["shapes"]]
            if len(z["dtypes"]) >= len(dtypes):
                dtypes = [str(x) for x in z["dtypes"]]
            k = 0
            while f"v{k}_meta" in z:
                sid, shape_code = (int(x) for x in z[f"v{k}_meta"])
                values.setdefault(sid, []).append((shape_code, z[f"v{k}_seq"], z[f"v{k}_data"]))
                k += 1
        except Exception as e:  # noqa: BLE001 -- a torn chunk loses only itself
            if compacted:  # the one file holding every observation: no partial session to fall back on
                raise StoreError(f"{path}: unreadable ({e})") from e
            errors.append(f"chunk {path.name} unreadable: {e}")
    columns = {k: np.concatenate(parts) if parts else empty_column(k) for k, parts in cols.items()}
    analysis = read_json(d / "analysis.json") if (d / "analysis.json").exists() else None
    return Recording(meta=meta, sites=sites, loops=loops, sources=sources, events=events, errors=errors,
                     shapes=shapes, dtypes=dtypes, values=values, analysis=analysis, **columns)
