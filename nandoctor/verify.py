"""Fix verification: apply a cause's fix to a copy of the script in a scratch folder, re-run it traced, compare."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .explain.fixes import is_patch
from .model import Fix

# Verdicts, from the re-run's own numbers against the original run's.
CURES = "cures"  # the cause is no longer raised and the run's symptom (non-finite value, error finding) is gone
HELPS = "helps"  # the cause is gone but a symptom remains, or the symptom comes later
NO_EFFECT = "no effect"  # the cause is still raised
WORSE = "worse"  # the re-run fails earlier or the script now crashes where it did not
NOT_APPLIED = "not applied"  # the patch does not match the file or does not parse: nothing was run

# Files copied into the scratch folder: the script's folder, without what could be large or is output.
_SKIP_DIRS = {".git", "__pycache__", "reports", ".venv", "venv", "node_modules", ".ipynb_checkpoints"}
_MAX_COPY_BYTES = 200 * 1024 * 1024


class PatchError(ValueError):
    """A fix that cannot be applied: its line is not in the file, or the patched file does not parse."""


@dataclass(frozen=True)
class RunOutcome:
    """What one traced run said: the causes, the first non-finite step, the error findings, the exit status."""

    causes: tuple[str, ...]
    first_nonfinite_step: int | None
    error_codes: tuple[str, ...]
    exit_status: int | None
    steps: int | None

    @classmethod
    def from_findings(cls, doc: dict) -> "RunOutcome":
        run = doc.get("run") or {}
        fn = doc.get("first_nonfinite")
        return cls(
            tuple(c["tag"] for c in sorted(doc.get("causes", []), key=lambda c: c.get("rank", 99))),
            None if not fn else fn.get("step"),
            tuple(sorted({f["code"] for f in doc.get("findings", []) if f.get("severity") == "error"})),
            run.get("exit_status"), run.get("steps"))


@dataclass(frozen=True)
class FixTrial:
    """One fix (a group of patches applied together) tried on a copy: the verdict and the runs it compares."""

    tag: str
    fix_titles: tuple[str, ...]
    verdict: str
    reason: str
    before: RunOutcome | None = None
    after: RunOutcome | None = None
    patched: dict[str, str] = field(default_factory=dict)  # file (relative to the script's folder) -> new text


def is_advice(fix: Fix) -> bool:
    """Advice names no line and no text to replace: it is shown to the user, never applied."""
    return not is_patch(fix)


def fix_groups(fixes) -> list[list[Fix]]:
    """The patches of a cause as groups applied together: a fix titled "…and …" joins the one before it.
    Advice (no line to change) is no patch and forms no group."""
    groups: list[list[Fix]] = []
    for fx in fixes:
        if is_advice(fx):
            continue
        if groups and fx.title.startswith(("…and", "...and")):
            groups[-1].append(fx)
        else:
            groups.append([fx])
    return groups


def apply_fix(text: str, fix: Fix) -> str:
    """The text with `fix.before` on line `fix.line` replaced by `fix.after`, indented like the line.

    Raises PatchError when the line does not hold `before` or the patched text does not parse."""
    lines = text.splitlines(keepends=True)
    if not fix.line or not 0 < fix.line <= len(lines):
        raise PatchError(f"line {fix.line} is not in the file ({len(lines)} lines)")
    old = lines[fix.line - 1]
    body = old.rstrip("\r\n")
    ending = old[len(body):] or "\n"
    if not fix.before or fix.before.strip() not in body:
        raise PatchError(f"line {fix.line} does not hold `{fix.before.strip()}`: it reads `{body.strip()}`")
    indent = body[: len(body) - len(body.lstrip())]
    start = body.index(fix.before.strip())
    prefix, suffix = body[:start], body[start + len(fix.before.strip()):]
    after = fix.after.splitlines() or [""]
    # Continuation lines of a multi-line replacement take the original line's indentation.
    new = [prefix + after[0].lstrip() if prefix.strip() == "" else prefix + after[0]]
    new += [indent + a.lstrip() if not a.startswith(indent) else a for a in after[1:]]
    new[-1] += suffix
    patched = "".join(lines[: fix.line - 1]) + ending.join(new) + ending + "".join(lines[fix.line:])
    try:
        ast.parse(patched)
    except SyntaxError as e:
        raise PatchError(f"the patched file does not parse: {e.msg} (line {e.lineno})") from None
    return patched


def _copy_tree(src: Path, dst: Path) -> None:
    total = 0
    for root, dirs, files in os.walk(src):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        rel = Path(root).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            path = Path(root) / name
            try:
                size = path.stat().st_size
            except OSError:
                continue
            total += size
            if total > _MAX_COPY_BYTES:
                raise PatchError(f"the script's folder holds more than {_MAX_COPY_BYTES >> 20} MB: not copied")
            shutil.copy2(path, dst / rel / name)


def traced_run(script: Path, argv: list[str], out: Path, timeout: float, env: dict | None = None) -> RunOutcome | None:
    """Run `script` under `nandoctor run` in its own folder; what its findings.json says (None if none was written)."""
    env = dict(os.environ if env is None else env)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent) + os.pathsep + env.get("PYTHONPATH", "")
    try:
        subprocess.run([sys.executable, "-m", "nandoctor", "run", "-q", "--format", "json", "-o", str(out),
                        script.name, *argv], cwd=str(script.parent), capture_output=True, text=True, env=env,
                       timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    try:
        doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return RunOutcome.from_findings(doc)


def judge(tag: str, before: RunOutcome, after: RunOutcome | None) -> tuple[str, str]:
    """The verdict on a fix for cause `tag`, with the numbers that decided it."""
    if after is None:
        return WORSE, "the re-run wrote no findings (it timed out or nandoctor could not trace it)"
    if after.exit_status not in (0, None) and before.exit_status in (0, None):
        return WORSE, f"the patched script exits with status {after.exit_status}; the original exited 0"
    if before.first_nonfinite_step is not None and after.first_nonfinite_step is not None \
            and after.first_nonfinite_step < before.first_nonfinite_step:
        return WORSE, (f"the first non-finite value comes at step {after.first_nonfinite_step}, "
                       f"earlier than step {before.first_nonfinite_step}")
    if tag in after.causes:
        return NO_EFFECT, f"{tag} is still raised (rank {after.causes.index(tag) + 1})"
    left = []
    if after.first_nonfinite_step is not None:
        later = before.first_nonfinite_step is not None and after.first_nonfinite_step > before.first_nonfinite_step
        left.append(f"a non-finite value remains at step {after.first_nonfinite_step}"
                    + (f" (was {before.first_nonfinite_step})" if later else ""))
    new_errors = [c for c in after.error_codes if c in before.error_codes]
    if new_errors:
        left.append(f"error findings remain: {', '.join(new_errors)}")
    if left:
        return HELPS, f"{tag} is no longer raised, but " + "; ".join(left)
    gone = [c for c in before.error_codes if c not in after.error_codes]
    return CURES, (f"{tag} is no longer raised" + (f" and the error findings {', '.join(gone)} are gone" if gone else "")
                   + ("" if before.first_nonfinite_step is None else
                      f"; the run has no non-finite value (was step {before.first_nonfinite_step})"))


def try_fix(script: str | os.PathLike, argv: list[str], tag: str, fixes, before: RunOutcome, *,
            timeout: float = 600, scratch: str | os.PathLike | None = None) -> FixTrial:
    """Apply one group of fixes to a copy of the script's folder and re-run it; the user's files are never touched."""
    script = Path(script).resolve()
    titles = tuple(f.title for f in fixes)
    work = Path(tempfile.mkdtemp(prefix="nandoctor-verify-", dir=scratch))
    try:
        copy = work / "src"
        _copy_tree(script.parent, copy)
        patched: dict[str, str] = {}
        # Bottom-up, so the lines a patch inserts do not move the lines the group's other patches name.
        for fx in sorted(fixes, key=lambda f: -(f.line or 0)):
            target = copy / (fx.file if getattr(fx, "file", "") else script.name)
            if getattr(fx, "file", "") and Path(fx.file).is_absolute():
                try:
                    target = copy / Path(fx.file).resolve().relative_to(script.parent)
                except ValueError:
                    raise PatchError(f"{fx.file} is outside the script's folder") from None
            text = patched.get(str(target)) or target.read_text(encoding="utf-8")
            patched[str(target)] = apply_fix(text, fx)
        for path, text in patched.items():
            Path(path).write_text(text, encoding="utf-8")
        after = traced_run(copy / script.name, argv, work / "report", timeout)
        verdict, reason = judge(tag, before, after)
        rel = {str(Path(p).relative_to(copy)): t for p, t in patched.items()}
        return FixTrial(tag, titles, verdict, reason, before, after, rel)
    except (PatchError, OSError, UnicodeDecodeError) as e:
        return FixTrial(tag, titles, NOT_APPLIED, str(e), before)
    finally:
        shutil.rmtree(work, ignore_errors=True)
