"""The command line: `nandoctor run`, `report` and `demo`. The only stage that prints and picks exit codes."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from . import __version__

DEMO_SCRIPT = Path(__file__).parent / "demo" / "net341.py"
FORMATS = ("html", "png", "json", "session")


def _default_out(script: str) -> Path:
    return Path("reports") / Path(script).stem


def _parse_formats(value: str | None) -> tuple[str, ...]:
    if not value:
        return FORMATS
    parts = tuple(p.strip() for p in value.split(",") if p.strip())
    bad = [p for p in parts if p not in FORMATS]
    if bad:
        raise click.BadParameter(f"unknown format {bad[0]!r}; choose from {', '.join(FORMATS)}")
    return parts


def trace_script(script: str, args: list[str], out: Path, *, include=(), exclude=(), step_loop=None,
                 formats=FORMATS, raise_errors=False):
    """Run a script traced, write its session and report; returns (outcome, session or None)."""
    from .session import Session
    from .store import SessionWriter
    from .trace.runner import run_script
    from .trace.tracer import Tracer

    script_dir = os.path.dirname(os.path.abspath(script))
    out = Path(os.path.abspath(out))  # the script may chdir before the report is written
    meta = {
        "script": script,
        "argv": [script] + list(args),
        "cwd": os.getcwd(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "nandoctor": __version__,
        "python": sys.version.split()[0],
        "step_loop": step_loop,
        "interrupted": True,  # until the run ends: a killed run keeps saying so
        "exit_status": None,
    }
    import numpy

    meta["numpy"] = numpy.__version__
    writer = SessionWriter(out, meta)
    tracer = Tracer(writer=writer, include_roots=(script_dir,) + tuple(include), exclude=exclude,
                    step_loop=step_loop, meta=meta, raise_errors=raise_errors)
    tracer.start()

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
        try:
            session = Session(tracer.raw(), step_loop=step_loop, directory=str(out))
            session.analyze()
            writer.write_analysis(session.analysis_dict())
            from .report import write_report

            write_report(session, out, formats=formats)
        except Exception as e:  # noqa: BLE001 -- our failure must not change the script's exit status
            if raise_errors:
                raise
            click.echo(f"nandoctor: internal error while analysing: {type(e).__name__}: {e}", err=True)
        return session

    def on_signal(outcome):  # SIGTERM: report now; the runner then lets the signal kill the process
        tracer.stop()
        _finish(outcome, conclude(outcome), out)

    try:
        outcome = run_script(script, args, tracer, on_signal=on_signal)
    finally:
        tracer.stop()
    return outcome, conclude(outcome)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nandoctor")
def main():
    """nandoctor: why did my numpy training go NaN, blow up, or not learn?"""


@main.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Report folder (default: reports/<script-stem>/).")
@click.option("--include", multiple=True, help="Extra folders whose modules are traced (the script's folder always is).")
@click.option("--exclude", multiple=True, help="Glob patterns of files never traced.")
@click.option("--step-loop", default=None, metavar="FILE:LINE", help="The loop whose iterations are training steps.")
@click.option("--format", "formats", default=None, help="Comma-separated outputs: html,png,json,session (default: all).")
@click.argument("script", type=click.Path(dir_okay=True))
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def run(output, include, exclude, step_loop, formats, script, args):
    """Run SCRIPT with ARGS under nandoctor, like `python SCRIPT ARGS`.

    Everything after SCRIPT belongs to the script. The script's stdout, stderr and exit status are
    its own; nandoctor's verdict goes to stderr, marked "nandoctor:".
    """
    from .trace.runner import NoScript, read_source

    try:
        read_source(script)
    except NoScript as e:
        click.echo(f"nandoctor: {e}", err=True)
        sys.exit(2)
    fmt = _parse_formats(formats)
    out = Path(output) if output else _default_out(script)
    raise_errors = os.environ.get("NANDOCTOR_RAISE") == "1"
    outcome, session = trace_script(script, list(args), out, include=include, exclude=exclude,
                                    step_loop=step_loop, formats=fmt, raise_errors=raise_errors)
    _finish(outcome, session, out)


def _finish(outcome, session, out: Path):
    if outcome.traceback_text:
        sys.stderr.write(outcome.traceback_text)
    sys.stdout.flush()
    if session is not None:
        from .report.terminal import verdict_lines

        for line in verdict_lines(session, str(out)):
            click.echo(line, err=True)
    from .trace.runner import exit_process

    exit_process(outcome)  # sys.exit(code), or death by the signal the script died of, as under Python


@main.command()
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Report folder (default: reports/demo/).")
@click.option("--format", "formats", default=None, help="Comma-separated outputs: html,png,json,session.")
def demo(output, formats):
    """Run the bundled 3-4-1 network (the founding case) under nandoctor."""
    out = Path(output) if output else Path("reports") / "demo"
    outcome, session = trace_script(str(DEMO_SCRIPT), [], out, formats=_parse_formats(formats))
    _finish(outcome, session, out)


@main.command()
@click.argument("session_dir", type=click.Path())
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Where to write the report (default: the session folder).")
@click.option("--format", "formats", default=None, help="Comma-separated outputs: html,png,json.")
def report(session_dir, output, formats):
    """Re-render the report of a saved session without re-running the script."""
    from .session import load
    from .store import StoreError

    try:
        session = load(session_dir)
    except StoreError as e:
        click.echo(f"nandoctor: {e}", err=True)
        sys.exit(2)
    out = Path(output) if output else Path(session_dir)
    from .report import write_report

    write_report(session, out, formats=_parse_formats(formats) if formats else ("html", "png", "json"))
    from .report.terminal import verdict_lines

    for line in verdict_lines(session, str(out)):
        click.echo(line, err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
