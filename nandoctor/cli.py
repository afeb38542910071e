"""The command line: `nandoctor run`, `report`, `demo` and `sweep`. The only stage that prints and picks exit codes."""

from __future__ import annotations

import dataclasses
import os
import re
import sys
import time
from pathlib import Path

import click

from . import __version__
from .config import FORMATS

DEMO_SCRIPT = Path(__file__).parent / "demo" / "net341.py"
# Exit status of `run --fail-on` when the script itself exited 0 but a finding of that level exists.
FAIL_ON_EXIT = 3
# Exit status for bad usage and bad configuration (click's own usage errors exit 2 too).
USAGE_EXIT = 2


def _default_out(script: str) -> Path:
    # The folder is named after the user's file: it must stay one plain folder inside reports/
    # (a script called `...py` has the stem `..`; odd characters become `_`).
    stem = re.sub(r"[^\w.-]", "_", Path(script).stem).lstrip(".")
    return Path("reports") / (stem or "script")


def _parse_formats(value: str | None) -> tuple[str, ...]:
    if not value:
        return FORMATS
    parts = tuple(p.strip() for p in value.split(",") if p.strip())
    bad = [p for p in parts if p not in FORMATS]
    if bad:
        raise click.BadParameter(f"unknown format {bad[0]!r}; choose from {', '.join(FORMATS)}")
    return parts


def _run_meta(script: str, args, step_loop, config: dict | None) -> dict:
    """The session's meta at the start of a run; `interrupted` stays true until the run ends (a kill keeps it)."""
    meta = {
        "script": script,
        "argv": [script] + list(args),
        "cwd": os.getcwd(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "nandoctor": __version__,
        "python": sys.version.split()[0],
        "step_loop": step_loop,
        "interrupted": True,
        "exit_status": None,
    }
    if config is not None:
        meta["config"] = config
    return meta


def trace_script(script: str, args: list[str], out: Path, *, include=(), exclude=(), step_loop=None,
                 formats=FORMATS, raise_errors=False, config: dict | None = None, progress: bool = False,
                 analyse: bool = True):
    """Run a script traced in this process (the Python API; `nandoctor run` uses a child, `run_traced`),
    write its session and report; returns (outcome, session or None). `analyse=False` returns the session
    unanalysed, with no report written (a sizing run reads only its measures).

    `config` (the merged [tool.nandoctor] table and flags) is kept in session.meta["config"], where
    detectors read their thresholds; `progress` draws the live status line on stderr."""
    from .session import Session
    from .store import SessionWriter
    from .trace.runner import run_script
    from .trace.tracer import Tracer

    script_dir = os.path.dirname(os.path.abspath(script))
    out = Path(os.path.abspath(out))  # the script may chdir before the report is written
    meta = _run_meta(script, args, step_loop, config)
    import numpy

    meta["numpy"] = numpy.__version__
    writer = SessionWriter(out, meta)
    try:
        tracer = Tracer(writer=writer, include_roots=(script_dir,) + tuple(include), exclude=exclude,
                        step_loop=step_loop, meta=meta, raise_errors=raise_errors)
        tracer.start()
        meta["hooks"] = tracer.recorder.hooks_impl
        meta["large_arrays"] = tracer.recorder.big.mode()
    except Exception as e:  # noqa: BLE001 -- a broken nandoctor must not cost the user their run
        if raise_errors:
            raise
        from .trace.runner import Untraced

        click.echo(f"nandoctor: internal error, running the script untraced: {type(e).__name__}: {e}", err=True)
        return run_script(script, args, Untraced()), None
    status = None
    if progress:
        from .progress import Progress

        status = Progress(tracer, sys.stderr).start()

    def conclude(outcome):
        """Record how the run ended, analyse, write the report; the session or None."""
        meta.update(
            exit_status=outcome.exit_code,
            interrupted=outcome.interrupted,
            exception=(f"{type(outcome.exception).__name__}: {outcome.exception}"
                       if outcome.exception is not None and not isinstance(outcome.exception, SystemExit) else None),
            traceback=outcome.traceback_text or None,
            where=outcome.where,
            signal=outcome.signal,
            elapsed=round(time.monotonic() - tracer.t0, 3),
        )
        tracer.meta = meta
        writer.update_meta(**meta)
        session = None
        if status is not None:
            status.set_stage("analysing")
        try:
            recording = tracer.recording()
            session = Session(recording, step_loop=step_loop, directory=str(out))
            if not analyse:
                if status is not None:
                    status.stop()
                return session
            writer.compact(recording)
            session.analyze()
            writer.write_analysis(session.analysis_dict())
            from .report import write_report

            write_report(session, out, formats=formats)
        except Exception as e:  # noqa: BLE001 -- our failure must not change the script's exit status
            if raise_errors:
                raise
            if status is not None:
                status.stop()
            click.echo(f"nandoctor: internal error while analysing: {type(e).__name__}: {e}", err=True)
        if status is not None:
            status.stop()  # erase the status line before anything else is printed
        return session

    try:
        outcome = run_script(script, args, tracer)
    finally:
        tracer.stop()
    return outcome, conclude(outcome)


def run_traced(script: str, args: list[str], out: Path, *, include=(), exclude=(), step_loop=None, formats=FORMATS,
               raise_errors=False, config: dict | None = None, progress: bool = False, budget: dict | None = None,
               analyse: bool = True, before_report=None, sources: dict | None = None):
    """`nandoctor run`: the script runs traced in a child interpreter (trace/runner.py says why); this
    process waits for it, then analyses the session it left. Returns (outcome, session or None).

    `budget` ({"max_steps": N, "budget_loop": [file, line]}) stops the script after N iterations of that
    loop (a fix's re-run); `analyse=False` leaves the session folder unanalysed and returns no session.
    `sources` ({file: text}) replaces the text of those traced files as they are imported (a re-run's patches to
    files outside the copied folder)."""
    from .trace.runner import Outcome, run_child

    out = Path(os.path.abspath(out))  # the script may chdir
    meta = _run_meta(script, args, step_loop, config)
    spec = {"out": str(out), "include": [str(p) for p in include], "exclude": list(exclude), "step_loop": step_loop,
            "raise_errors": raise_errors, "progress": progress, "meta": meta, "sources": dict(sources or {}),
            **(budget or {})}
    t0 = time.monotonic()
    returncode = run_child(script, list(args), spec)
    signum = -returncode if returncode < 0 else None
    outcome = Outcome(exit_code=128 + signum if signum else returncode, signal=signum, interrupted=signum is not None)
    if progress and signum is not None:
        from .progress import ERASE

        sys.stderr.write(ERASE)  # the child died with its status line drawn
    if not analyse:
        return outcome, None
    return outcome, _conclude_child(out, outcome, step_loop, formats, raise_errors, time.monotonic() - t0,
                                    before_report)


def _last_recorded_place(recording) -> dict | None:
    """The file, line and function of the last value the session holds."""
    if not len(recording.obs_site):
        return None
    sid = int(recording.obs_site[int(recording.obs_seq.argmax())])
    sites = recording.sites
    if not 0 <= sid < len(sites):
        return None
    return {"file": sites[sid].file, "line": sites[sid].line, "function": sites[sid].function}


def _conclude_child(out: Path, outcome, step_loop, formats, raise_errors, elapsed: float, before_report=None):
    """Analyse the session folder the child left and write the report; the session, or None.
    `before_report(session)` runs between the analysis and the report (the fixes' verification)."""
    from .session import Session
    from .store import SessionWriter, StoreError, read_session_files

    if not (out / "session.json").exists():
        return None  # the child could not start tracing (it said so) or died before writing anything
    try:
        writer = SessionWriter.reopen(out)
        if writer.meta.get("nandoctor") is None:
            return None
        interrupted = outcome.interrupted or (writer.meta.get("exception") or "").startswith("KeyboardInterrupt")
        outcome.interrupted = interrupted
        update = dict(exit_status=outcome.exit_code, interrupted=interrupted, signal=outcome.signal)
        update.setdefault("exception", writer.meta.get("exception"))
        if not writer.meta.get("finished"):
            update["elapsed"] = round(elapsed, 3)  # killed: the wall time this process saw
        recording = read_session_files(out)
        if outcome.signal is not None and not writer.meta.get("where"):
            update["where"] = _last_recorded_place(recording)  # killed: where the record stops
        writer.update_meta(**update)
        recording = dataclasses.replace(recording, meta=dict(writer.meta))
        session = Session(recording, step_loop=step_loop, directory=str(out))
        writer.compact(recording)
        session.analyze()
        writer.write_analysis(session.analysis_dict())
        if before_report is not None:
            before_report(session)
        from .report import write_report

        write_report(session, out, formats=formats)
        return session
    except (Exception, StoreError) as e:  # noqa: BLE001 -- our failure must not change the script's exit status
        if raise_errors:
            raise
        click.echo(f"nandoctor: internal error while analysing: {type(e).__name__}: {e}", err=True)
        return None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nandoctor")
def main():
    """nandoctor: why did my numpy training go NaN, blow up, or not learn?

    \b
    nandoctor run train.py --epochs 3     trace a script (its arguments follow it)
    nandoctor demo                        trace the bundled 3-4-1 network
    nandoctor run --verify on train.py    also re-run it with each fix and rate them
    nandoctor fix train.py                print the fix plan as a diff (--apply writes it)
    nandoctor report reports/train        re-render a saved session
    nandoctor report --format json DIR    print its findings.json to stdout
    nandoctor sweep --set lr=1e-3..1 a.py map where training stays stable
    %load_ext nandoctor                   in Jupyter: %%nandoctor traces a cell
    pytest --nandoctor                    in tests: fail a test that computed a NaN

    The verdict goes to stderr, lines marked "nandoctor:"; the report folder holds report.html,
    summary.png, findings.json and the session. Settings may live in a [tool.nandoctor] table of
    pyproject.toml (see `nandoctor run --help`).
    """


def _verdict_options(f):
    """-q/-v, --progress and --fail-on, shared by `run` and `demo`."""
    f = click.option("--fail-on", type=click.Choice(("nan", "error", "warning")), default=None,
                     help="Exit with status 3 when the script exited 0 but the run has a non-finite value (nan), "
                          "or also an error finding (error), or also a warning (warning). The script's own "
                          "non-zero exit status wins.")(f)
    f = click.option("--progress/--no-progress", "progress", default=None,
                     help="Live status line on stderr (steps, elapsed time, first non-finite value). "
                          "Default: on when stderr is a terminal.")(f)
    f = click.option("-v", "--verbose", is_flag=True, help="List every finding in the verdict.")(f)
    f = click.option("-q", "--quiet", is_flag=True,
                     help="Print no verdict, only nandoctor's errors (and the reason for a --fail-on exit).")(f)
    return f


def _config_error(e) -> None:
    click.echo(f"nandoctor: error: {e}", err=True)
    sys.exit(USAGE_EXIT)


def _parse_thresholds(values) -> dict:
    from .config import ConfigError, parse_thresholds

    table = {}
    for item in values:
        name, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            table[name.strip()] = float(value)
        except ValueError:
            _config_error(f"--threshold takes NAME=NUMBER, got {item!r}")
    try:
        from .analysis.catalogue import known_thresholds

        return parse_thresholds(table, "--threshold", known_thresholds if table else None)
    except ConfigError as e:
        _config_error(e)


def _want_progress(progress, quiet) -> bool:
    if quiet or progress is False:
        return False
    if progress:
        return True
    from .progress import wants_progress

    return wants_progress(sys.stderr)


@main.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Report folder (default: reports/<script-stem>/).")
@click.option("--include", multiple=True, help="Extra folders whose modules are traced (the script's folder always is).")
@click.option("--exclude", multiple=True, help="Glob patterns of files never traced.")
@click.option("--step-loop", default=None, metavar="FILE:LINE", help="The loop whose iterations are training steps.")
@click.option("--format", "formats", default=None, help="Comma-separated outputs: html,png,json,session (default: all).")
@click.option("--threshold", "thresholds", multiple=True, metavar="NAME=VALUE",
              help="Set a detector threshold (repeatable), e.g. --threshold spike_factor=20 (names: see nandoctor/config.py).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Read [tool.nandoctor] from this TOML file instead of the nearest pyproject.toml.")
@click.option("--no-config", is_flag=True, help="Ignore any [tool.nandoctor] table.")
@click.option("--verify", "verify", type=click.Choice(("auto", "on", "off")), default="off", show_default=True,
              help="Re-run the script with each cause's fix and with the fix plan, each in a scratch copy, and rate "
                   "them (cures, helps, no effect, makes it worse); causes are re-ranked by it. auto: only when "
                   "the re-runs are expected to take at most 3x this run (and a minute at least).")
@click.option("--probe", "probe", type=click.Choice(("auto", "on", "off")), default="auto", show_default=True,
              envvar="NANDOCTOR_PROBE",
              help="Re-run to test the causes: each raised cause's own fix (withdrawn when it makes the run worse); "
                   "when the run blows up or stalls and no cause stands, scratch copies with one change each "
                   "(learning rate, inputs' scale, initial weights, update direction, bias), naming the cause whose "
                   "change removes the symptom. auto: only when the re-runs are expected to take at most 3x this "
                   "run (and a minute at least). Default from NANDOCTOR_PROBE.")
@_verdict_options
@click.argument("script", type=click.Path(dir_okay=True))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def run(output, include, exclude, step_loop, formats, thresholds, config_path, no_config, verify, probe, fail_on,
        progress, verbose, quiet, script, args):
    """Run SCRIPT with ARGS under nandoctor, like `python SCRIPT ARGS`.

    Everything after SCRIPT belongs to the script; nandoctor's options go before it. The script's
    stdout, stderr and exit status are its own; nandoctor's verdict goes to stderr, marked
    "nandoctor:", and the report to reports/<script-stem>/.

    \b
    Settings come from the [tool.nandoctor] table of the nearest
    pyproject.toml above the script (keys: include, exclude, output,
    step_loop, fail_on, formats, and [tool.nandoctor.thresholds]);
    flags given here override it. An unknown key or a bad value
    exits with status 2.

    \b
    Exit status: the script's own (1 for an uncaught exception, 130
    for Ctrl-C); 3 when --fail-on finds what it looks for and the
    script exited 0; 2 for a missing script or a bad config.
    """
    from .analysis.catalogue import known_thresholds
    from .config import ConfigError, Config, load_config
    from .trace.runner import NoScript, read_source

    try:
        read_source(script)
    except NoScript as e:
        click.echo(str(e) if e.python_words else f"nandoctor: {e}", err=True)
        sys.exit(USAGE_EXIT)
    if quiet and verbose:
        raise click.UsageError("choose one of --quiet and --verbose")
    try:
        cfg = Config() if no_config else load_config(start=os.path.dirname(os.path.abspath(script)), path=config_path,
                                                      known=known_thresholds)
    except ConfigError as e:
        _config_error(e)
    cli_thresholds = _parse_thresholds(thresholds)
    fmt = _parse_formats(formats) if formats else (cfg.formats or FORMATS)
    if output:
        out = Path(output)
    elif cfg.output:
        out = Path(cfg.output) / Path(script).stem
    else:
        out = _default_out(script)
    include = include or cfg.include
    exclude = exclude or cfg.exclude
    step_loop = step_loop or cfg.step_loop
    fail_on = fail_on or cfg.fail_on
    merged = cfg.as_meta()
    merged.update(include=list(include), exclude=list(exclude), output=str(out), step_loop=step_loop,
                  fail_on=fail_on, formats=list(fmt), thresholds={**cfg.thresholds, **cli_thresholds})
    raise_errors = os.environ.get("NANDOCTOR_RAISE") == "1"
    t0 = time.monotonic()
    def hook(session):
        run_seconds = time.monotonic() - t0
        try:
            if probe != "off":
                _probe(session, probe, run_seconds, quiet)
            if verify != "off":
                _verify(session, verify, run_seconds, quiet)
        except KeyboardInterrupt:  # the re-runs are extra: a Ctrl-C stops them, and the run's report is still drawn
            click.echo("nandoctor: re-runs stopped by Ctrl-C; the report shows the run as analysed", err=True)

    outcome, session = run_traced(script, list(args), out, include=include, exclude=exclude, step_loop=step_loop,
                                  formats=fmt, raise_errors=raise_errors, config=merged,
                                  progress=_want_progress(progress, quiet), before_report=hook)
    _finish(outcome, session, out, quiet=quiet, verbose=verbose, fail_on=fail_on)


# `--verify auto` re-runs when the re-runs are expected to take at most this many times the run, or this many seconds.
AUTO_FACTOR = 3.0
AUTO_MIN_SECONDS = 60.0


def _verify(session, mode: str, run_seconds: float, quiet: bool, size: bool | None = None) -> None:
    """`run --verify`: re-run the fixes before the report is drawn, so it shows their verdicts. `on` also sizes
    the numbers the fixes change by search (unless `size` says otherwise); `auto`, which promises a bounded cost,
    does not."""
    from .verify import estimate_seconds

    if not session.causes:
        return
    if mode == "auto" and _over_budget(estimate_seconds(session), run_seconds, quiet, "fixes not verified", "--verify"):
        return
    session.verify(size=(mode == "on") if size is None else size)


def _probe(session, mode: str, run_seconds: float, quiet: bool) -> None:
    """`run --probe`: for a broken run that no raised cause explains, re-run one change at a time before the
    report is drawn, so the report names what removed the symptom."""
    from .probes import estimate_seconds, wanted

    why = None if session.meta.get("interrupted") or session.meta.get("signal") else wanted(session)
    if why is None:
        return
    if mode == "auto" and _over_budget(estimate_seconds(session, why=why), run_seconds, quiet, "not probed", "--probe"):
        return
    session.probe(why=why, limit_seconds=max(AUTO_MIN_SECONDS, AUTO_FACTOR * run_seconds) if mode == "auto" else None)


def _over_budget(expected: float, run_seconds: float, quiet: bool, what: str, flag: str) -> bool:
    """True (and said, unless quiet) when `auto` re-runs would take longer than it promises."""
    if expected <= max(AUTO_MIN_SECONDS, AUTO_FACTOR * run_seconds):
        return False
    if not quiet:
        click.echo(f"nandoctor: {what}: the re-runs would take about {expected:.0f} s (more than {AUTO_FACTOR:g}x "
                   f"this run); `{flag} on` runs them anyway", err=True)
    return True


def _nonfinite_reason(session) -> str | None:
    """Where the run first held a NaN or an infinity: the trapped event, else the first recorded value."""
    try:
        ev = session.first_nonfinite
    except Exception:  # noqa: BLE001 -- the recorded values still answer
        ev = None
    if ev is not None:
        return f"a non-finite value at step {ev.step}, line {ev.line} ({ev.operation or ev.error})"
    obs = session.first_nonfinite_observation()
    if obs is not None:
        return f"a non-finite value at step {obs['step']}, line {obs['line']} ({obs['target']})"
    return None


def fail_reasons(session, level: str) -> list[str]:
    """Why `--fail-on level` fails this run: [] when it passes. Levels nest: nan < error < warning."""
    reasons = []
    nonfinite = _nonfinite_reason(session)
    if nonfinite:
        reasons.append(nonfinite)
    severities = {"nan": (), "error": ("error",), "warning": ("error", "warning")}[level]
    for sev in severities:
        found = [f for f in session.findings if f.severity == sev]
        if found:
            codes = ", ".join(dict.fromkeys(f.code for f in found))
            reasons.append(f"{len(found)} {sev} finding{'s' if len(found) != 1 else ''} ({codes})")
    return reasons


def _finding_lines(session) -> list[str]:
    """--verbose: every finding, one line each, most severe first."""
    order = {"error": 0, "warning": 1, "info": 2}
    lines = []
    for f in sorted(session.findings, key=lambda f: (order.get(f.severity, 3),
                                                      f.first_step if f.first_step is not None else 1 << 62)):
        steps = "" if f.first_step is None else (
            f" step {f.first_step}" if f.last_step in (None, f.first_step) else f" steps {f.first_step}-{f.last_step}")
        line = f", line {f.line}" if f.line is not None else ""
        lines.append(f"nandoctor:   [{f.severity}] {f.code}{steps}{line}: {f.message}")
    return lines


def _finish(outcome, session, out: Path, *, quiet: bool = False, verbose: bool = False, fail_on: str | None = None):
    if outcome.traceback_text:
        sys.stderr.write(outcome.traceback_text)
    sys.stdout.flush()
    if session is not None and not quiet:
        from .report.terminal import verdict_lines

        lines = verdict_lines(session, str(out))
        if verbose:
            lines[-1:-1] = _finding_lines(session)  # before the report path, which stays last
        if getattr(session, "verification", None) is not None:
            from .verify import verification_lines

            lines[-1:-1] = [f"nandoctor: {line}" for line in verification_lines(session.verification)]
        for line in lines:
            click.echo(line, err=True)
    if fail_on and outcome.exit_code == 0 and not outcome.interrupted:
        if session is None:
            reasons = ["the run could not be analysed"]
        else:
            try:
                reasons = fail_reasons(session, fail_on)
            except Exception as e:  # noqa: BLE001
                reasons = [f"the run could not be analysed ({type(e).__name__}: {e})"]
        if reasons:
            click.echo(f"nandoctor: --fail-on {fail_on}: {'; '.join(reasons)}", err=True)
            sys.exit(FAIL_ON_EXIT)
    from .trace.runner import exit_process

    exit_process(outcome)  # sys.exit(code), or death by the signal the script died of, as under Python


@main.command()
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Report folder (default: reports/demo/).")
@click.option("--format", "formats", default=None, help="Comma-separated outputs: html,png,json,session.")
@click.option("--verify", "verify", type=click.Choice(("auto", "on", "off")), default="off", show_default=True,
              help="Re-run the demo with each fix and with the fix plan (see `run --verify`).")
@_verdict_options
def demo(output, formats, verify, fail_on, progress, verbose, quiet):
    """Run the bundled 3-4-1 network (the founding case) under nandoctor.

    It goes NaN at step 249; the report goes to reports/demo/.
    """
    if quiet and verbose:
        raise click.UsageError("choose one of --quiet and --verbose")
    out = Path(output) if output else Path("reports") / "demo"
    t0 = time.monotonic()
    hook = None if verify == "off" else (lambda session: _verify(session, verify, time.monotonic() - t0, quiet))
    outcome, session = run_traced(str(DEMO_SCRIPT), [], out, formats=_parse_formats(formats),
                                  raise_errors=os.environ.get("NANDOCTOR_RAISE") == "1",
                                  progress=_want_progress(progress, quiet), before_report=hook)
    _finish(outcome, session, out, quiet=quiet, verbose=verbose, fail_on=fail_on)


@main.command(name="fix", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--from", "from_dir", type=click.Path(file_okay=False, exists=True), default=None,
              help="Take the causes from this saved session folder instead of running SCRIPT again.")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Report folder of the run (default: reports/<script-stem>/).")
@click.option("--verify", "verify", type=click.Choice(("auto", "on", "off")), default="auto", show_default=True,
              help="Re-run each fix and the plan first, so the plan holds only fixes that worked (see `run --verify`).")
@click.option("--apply", "apply", is_flag=True,
              help="Write the plan into the files, each kept first as FILE.orig (FILE.orig.N when that exists).")
@click.argument("script", type=click.Path(dir_okay=False))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def fix_command(from_dir, output, verify, apply, script, args):
    """Print the fix plan for SCRIPT as a unified diff; --apply writes it.

    \b
    nandoctor fix train.py                  run, verify the fixes, print the plan
    nandoctor fix --from reports/train train.py   the plan of a saved run
    nandoctor fix --apply train.py          write it (train.py.orig keeps the old)

    The diff goes to stdout; what backs the plan (verified or not) to stderr.
    Exit status 1 when there is no plan, 2 for bad usage or a plan that no
    longer applies to the file."""
    from .trace.runner import NoScript, read_source
    from .verify import PatchError, apply_plan, estimate_seconds, patch_files, plan_fixes, unified_diff

    try:
        read_source(script)
    except NoScript as e:
        click.echo(str(e) if e.python_words else f"nandoctor: {e}", err=True)
        sys.exit(USAGE_EXIT)
    if from_dir:
        from .session import load
        from .store import StoreError

        try:
            session = load(from_dir)
        except StoreError as e:
            click.echo(f"nandoctor: {e}", err=True)
            sys.exit(USAGE_EXIT)
        ran = Path(session.meta.get("script") or "")
        if not ran.is_absolute():
            ran = Path(session.meta.get("cwd") or ".") / ran
        if ran.resolve() != Path(script).resolve():
            click.echo(f"nandoctor: error: {from_dir} is a run of {ran}, not of {script}", err=True)
            sys.exit(USAGE_EXIT)
        if verify != "off" and getattr(session, "verification", None) is None:
            if verify == "on" or estimate_seconds(session) <= AUTO_MIN_SECONDS:
                session.verify(argv=list(args) if args else None, size=False)
    else:
        out = Path(output) if output else _default_out(script)
        t0 = time.monotonic()
        # A search sizes a number but changes no line of the plan: `fix` does not run one.
        hook = None if verify == "off" else (lambda session: _verify(session, verify, time.monotonic() - t0, False,
                                                                      size=False))
        with _quiet_stdout():
            _, session = run_traced(script, list(args), out, formats=("json",), before_report=hook,
                                    raise_errors=os.environ.get("NANDOCTOR_RAISE") == "1")
        if session is None:
            click.echo("nandoctor: error: the run could not be analysed, so there is no plan", err=True)
            sys.exit(1)
    fixes, backing = plan_fixes(session)
    click.echo(f"nandoctor: fix plan, {backing}", err=True)
    if not fixes:
        click.echo("nandoctor: no fix to apply", err=True)
        sys.exit(1)
    target = Path(script).resolve()
    try:
        patched = patch_files(target, fixes)
    except (PatchError, OSError) as e:
        click.echo(f"nandoctor: error: the plan does not apply to {script} as it is now: {e}", err=True)
        sys.exit(USAGE_EXIT)
    sys.stdout.write(unified_diff(target, patched))
    sys.stdout.flush()
    if apply:
        for path, backup in apply_plan(target, fixes):
            click.echo(f"nandoctor: wrote {path} (the old text is in {backup})", err=True)


class _quiet_stdout:
    """The traced script's own stdout goes to stderr while `fix` runs it: stdout carries the diff only."""

    def __enter__(self):
        sys.stdout.flush()
        self.saved = os.dup(1)
        os.dup2(2, 1)

    def __exit__(self, *exc):
        sys.stdout.flush()
        os.dup2(self.saved, 1)
        os.close(self.saved)


@main.command(short_help="Re-render a saved session, or print its findings.json.")
@click.argument("session_dir", type=click.Path())
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Where to write the report (default: the session folder).")
@click.option("--format", "formats", default=None,
              help="Comma-separated outputs: html,png,json. `--format json` without -o prints findings.json "
                   "to stdout instead of writing files.")
@click.option("-q", "--quiet", is_flag=True, help="Print no verdict, only errors.")
@click.option("-v", "--verbose", is_flag=True, help="List every finding in the verdict.")
def report(session_dir, output, formats, quiet, verbose):
    """Re-render the report of a saved session without re-running the script.

    \b
    nandoctor report reports/train            rewrite report.html, summary.png,
                                              findings.json
    nandoctor report -o out reports/train     write them to out/
    nandoctor report --format json DIR        print findings.json (schema 1)
                                              to stdout, write nothing
    """
    from .session import load
    from .store import StoreError

    try:
        session = load(session_dir)
    except StoreError as e:
        click.echo(f"nandoctor: {e}", err=True)
        sys.exit(USAGE_EXIT)
    if formats is not None and formats.strip() == "json" and output is None:
        from .report import findings_text

        sys.stdout.write(findings_text(session))  # for other tools: stdout carries the document only
        sys.stdout.flush()
        return
    out = Path(output) if output else Path(session_dir)
    from .report import write_report

    write_report(session, out, formats=_parse_formats(formats) if formats else ("html", "png", "json"))
    from .report.terminal import verdict_lines

    if not quiet:
        lines = verdict_lines(session, str(out))
        if verbose:
            lines[-1:-1] = _finding_lines(session)
        for line in lines:
            click.echo(line, err=True)


@main.command("sweep", context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("--set", "sets", multiple=True, metavar="NAME=LOW..HIGH",
              help="A hyperparameter of the script and the values to try (repeatable): LOW..HIGH log-spaced, "
                   "a list a,b,c, or one value held fixed. NAME is a variable the script assigns once from a "
                   "literal (or a parameter given one literal), LINE:LITERAL, or scale:LINE (multiply the value "
                   "assigned on that line).")
@click.option("--points", type=click.IntRange(1, 50), default=7, show_default=True,
              help="Values per LOW..HIGH range.")
@click.option("--size", "size", default=None, metavar="NAME[=LOW..HIGH]",
              help="Instead of a grid, search NAME for the largest value that stays finite and learns, and "
                   "recommend it with a safety margin (bisection on a log scale).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run the points on this Dask distributed scheduler (needs nandoctor[dask]); the workers "
                   "must see the script's folder at the same path.")
@click.option("--ray", "use_ray", is_flag=True, help="Run the points on Ray (needs nandoctor[ray]; RAY_ADDRESS "
                                                      "picks an existing cluster).")
@click.option("--workers", type=click.IntRange(1, None), default=None,
              help="Local runs at once (default: one per core).")
@click.option("--timeout", type=click.FloatRange(min=1), default=600, show_default=True,
              help="Seconds one run may take; its process group is then killed and the point is 'failed'.")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Folder for sweep.json, sweep.png and sweep.txt (default: reports/<script-stem>-sweep/).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the stable ranges and the output folder.")
@click.argument("script", type=click.Path(dir_okay=False))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def sweep_command(sets, points, size, scheduler, use_ray, workers, timeout, output, quiet, script, args):
    """Map where SCRIPT trains stably: re-run it over a grid of its own hyperparameters.

    \b
    nandoctor sweep train.py --set lr=1e-3..10 --set init=0.01..1
    nandoctor sweep --set learning_rate=0.01..10 --points 9 net.py
    nandoctor sweep --size lr train.py        bisect for the largest good lr

    Each point runs traced in a scratch copy of the script's folder (the script's files are never
    touched) and is classified from its own numbers: nan, divergence (the loss ends above 1.5x its
    start), saturation (an activation exactly at its bound), stall (the loss falls by under 5%), or fine.
    """
    from . import sweep as sweep_module
    from .sizing import SizingError, size_knob

    if not Path(script).is_file():
        _config_error(f"{script} is not a file")
    try:
        if size is not None:
            if sets:
                raise sweep_module.SweepError("--size searches one knob: give it without --set")
            name, _, spec = size.partition("=")
            bounds = {}
            if spec:
                if ".." not in spec:
                    raise sweep_module.SweepError(f"--size {size!r}: write NAME or NAME=LOW..HIGH")
                low, high = (float(v) for v in spec.split("..", 1))
                bounds = {"low": low, "high": high}
            if use_ray:
                raise sweep_module.SweepError("--size runs locally or on --scheduler, not on Ray")
            sizing = size_knob(script, list(args), name.strip(), timeout=timeout, workers=workers,
                               scheduler=scheduler, **bounds)
            if not quiet:
                for t in sizing.searched():
                    click.echo(f"{t.value:12.4g}  {t.outcome:12s}  {t.reason}")
            click.echo(sizing.summary())
            out = Path(output) if output else _default_out(script).with_name(_default_out(script).name + "-size")
            out.mkdir(parents=True, exist_ok=True)
            import json

            (out / "sizing.json").write_text(json.dumps(sizing.to_dict(), indent=1), encoding="utf-8")
            click.echo(f"nandoctor: sizing: {out / 'sizing.json'}", err=True)
            return
        result = sweep_module.sweep(script, list(args), list(sets), points=points, timeout=timeout,
                                    workers=workers, scheduler=scheduler, ray=use_ray)
    except (sweep_module.SweepError, SizingError) as e:
        _config_error(e)
    except ValueError as e:
        _config_error(f"--size: {e}")
    out = Path(output) if output else _default_out(script).with_name(_default_out(script).name + "-sweep")
    paths = sweep_module.write_outputs(result, out)
    if not quiet:
        click.echo(sweep_module.table(result))
    for line in result.stable_ranges():
        click.echo(line)
    click.echo(f"nandoctor: sweep of {len(result.points)} runs on {result.engine} in {result.elapsed:.1f} s: "
               f"{paths['png']}, {paths['json']}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
