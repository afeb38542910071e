"""Shared plumbing of the public-project drivers: pinned checkout from a local mirror, scratch folders, synthetic data."""

from __future__ import annotations

import argparse
import importlib
import io
import os
import random
import shutil
import subprocess
import sys

import numpy as np

# Where `fetch` leaves its snapshots: <MIRROR_ROOT>/<owner>+<name>/repo is a bare git directory (or a clone
# without a work tree, whose git directory is repo/.git).
MIRROR_ROOT = os.environ.get("NANDOCTOR_CORPUS_MIRROR", "/work/.mirror")
# Scratch folders live outside the repository: nandoctor never traces modules under its own folder.
SCRATCH_ROOT = os.environ.get("NANDOCTOR_CORPUS_SCRATCH", "/tmp/nandoctor_corpus")

# Exit status of a driver whose project is not on this machine (distinct from a training failure).
MISSING = 4


def scratch_dirs(project: str) -> tuple[str, str]:
    """The folder the project's files are copied into (traced) and the folder of stand-in modules (not traced)."""
    base = os.path.join(SCRATCH_ROOT, project)
    return os.path.join(base, "src"), os.path.join(base, "stubs")


def git_dir(repo: str) -> str:
    base = os.path.join(MIRROR_ROOT, repo.replace("/", "+"), "repo")
    nested = os.path.join(base, ".git")
    return nested if os.path.isdir(nested) else base


def missing(repo: str, commit: str, why: str) -> None:
    sys.stderr.write(
        f"corpus driver: the project {repo} at commit {commit} is not on this machine ({why}).\n"
        f"corpus driver: expected a git mirror at {git_dir(repo)} (set NANDOCTOR_CORPUS_MIRROR to another root);\n"
        f"corpus driver: make one with `git clone --mirror https://github.com/{repo} {git_dir(repo)}`.\n")
    sys.exit(MISSING)


def read(repo: str, commit: str, path: str) -> str:
    """The text of `path` at the pinned commit, or a clear exit when the mirror or the commit is absent."""
    gd = git_dir(repo)
    if not os.path.isdir(gd):
        missing(repo, commit, "no mirror")
    done = subprocess.run(["git", "--git-dir", gd, "show", f"{commit}:{path}"], capture_output=True)
    if done.returncode != 0:
        missing(repo, commit, f"git show {commit[:12]}:{path} failed: {done.stderr.decode().strip()}")
    return done.stdout.decode("utf-8")


def python_files(repo: str, commit: str, folder: str) -> list[str]:
    """The `.py` files under `folder` at the pinned commit (a package the driver copies whole, as an install would)."""
    done = subprocess.run(["git", "--git-dir", git_dir(repo), "ls-tree", "-r", "--name-only", commit, folder],
                          capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        missing(repo, commit, f"git ls-tree {commit[:12]} {folder} failed: {done.stderr.strip()}")
    return [path for path in done.stdout.split() if path.endswith(".py")]


def patch(text: str, old: str, new: str, where: str) -> str:
    """Replace `old` by `new` exactly once; the driver's knobs and budgets must hit the line they mean."""
    count = text.count(old)
    if count != 1:
        raise SystemExit(f"corpus driver: patch target {old!r} occurs {count} times in {where}, expected once")
    if old.count("\n") != new.count("\n"):
        raise SystemExit(f"corpus driver: patch {old!r} -> {new!r} would move the lines of {where}")
    return text.replace(old, new)


_HELD: list = []  # the open lock files, held until the process ends


def hold_project(project: str) -> None:
    """Wait for, then hold until this process ends, the project's lock: nandoctor's re-runs of a driver run side by
    side, and each rewrites the project's scratch folder, which another would be importing from."""
    import fcntl

    os.makedirs(SCRATCH_ROOT, exist_ok=True)
    f = open(os.path.join(SCRATCH_ROOT, f"{project}.lock"), "w")
    fcntl.flock(f, fcntl.LOCK_EX)
    _HELD.append(f)


def checkout(project: str, repo: str, commit: str, files: dict[str, str],
             patches: dict[str, list[tuple[str, str]]] | None = None,
             stubs: dict[str, str] | None = None) -> tuple[str, str]:
    """Copy `files` (mirror path -> scratch path) into a fresh scratch folder, apply `patches`, write `stubs`.

    Returns (src, stubs) and puts both on sys.path, src first, so the project imports its own modules.
    """
    src, stub_dir = scratch_dirs(project)
    base = os.path.dirname(src)
    hold_project(project)
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(src)
    os.makedirs(stub_dir)
    patches = patches or {}
    for mirror_path, dest in files.items():
        text = read(repo, commit, mirror_path)
        for old, new in patches.get(dest, []):
            text = patch(text, old, new, dest)
        out = os.path.join(src, dest)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
    for dest, text in (stubs or {}).items():
        out = os.path.join(stub_dir, dest)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
    sys.path[:0] = [src, stub_dir]
    return src, stub_dir


def parse(description: str) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--knob", choices=("broken", "healthy"), required=True)
    return ap.parse_args()


def seed(value: int = 0) -> None:
    np.random.seed(value)
    random.seed(value)


def load(module: str):
    return importlib.import_module(module)


def synthetic_digits(n: int, rng: np.random.Generator, side: int = 28, classes: int = 10):
    """MNIST-like uint8 images (n, side, side) in 0..255 and labels 0..classes-1.

    Each class is a fixed pattern of bright strokes (12% of the pixels, half of the pattern shared by all
    classes) on a dark background; samples vary its intensity, shift it by up to two columns and add
    pixel noise, so the classes are learnable but not trivially separable.
    """
    field = 0.5 * rng.random((1, side, side)) + 0.5 * rng.random((classes, side, side))
    smooth = (field + np.roll(field, 1, 1) + np.roll(field, 1, 2) + np.roll(field, (1, 1), (1, 2))) / 4
    prototypes = np.where(smooth > np.quantile(smooth, 0.88), 230.0, 0.0)
    labels = rng.integers(0, classes, n)
    gain = 0.6 + 0.4 * rng.random((n, 1, 1))
    noise = rng.normal(0.0, 20.0, (n, side, side))
    shift = rng.integers(-2, 3, n)
    columns = (np.arange(side)[None, :] - shift[:, None]) % side
    shifted = prototypes[labels][np.arange(n)[:, None, None], np.arange(side)[None, :, None], columns[:, None, :]]
    images = np.clip(shifted * gain + noise, 0, 255).astype(np.uint8)
    return images, labels


def result(**values) -> None:
    """The driver's last line: what it measured, one key=value per quantity."""
    parts = []
    for key, value in values.items():
        if isinstance(value, (float, np.floating)):
            parts.append(f"{key}={float(value):.6g}")
        else:
            parts.append(f"{key}={value}")
    print("RESULT " + " ".join(parts), flush=True)


class Tee:
    """Writes through to the real stdout and keeps a copy; `clocks`, (pattern, replacement) pairs, take wall-clock
    times out of what is written (so that two runs print the same text)."""

    def __init__(self, through, clocks=()):
        self.through = through
        self.kept = io.StringIO()
        self.clocks = tuple(clocks)

    def write(self, text):
        for clock, by in self.clocks:
            text = clock.sub(by, text)
        self.kept.write(text)
        return self.through.write(text)

    def flush(self):
        self.through.flush()
