"""Jupyter and IPython: `%load_ext nandoctor`, the `%%nandoctor` cell magic, the `%nandoctor` line magic and the inline summary.

    %load_ext nandoctor

    %%nandoctor                       # trace this cell (and the earlier cells' functions it calls)
    net.train(x, y, 1, 10000)

    %nandoctor net.train(x, y, 1, 500)   # trace one statement
    s = %nandoctor last                  # the last traced Session (shown as its summary)
    %nandoctor report reports/net        # write its report folder (HTML, PNG, findings.json)

How a cell is traced: the cell is compiled through the tracer (its own assignments and loops become
sites) and executed in the user namespace; the functions and classes that earlier cells defined in
that namespace are recompiled with recording hooks for the duration, as `nandoctor.trace()` does for
a module. Afterwards every function the traced cell defined gets the plain code of the same cell, so
it keeps working once the trace hooks are gone.
"""

from __future__ import annotations

import ast
import gc
import html
import os
import shlex
import types

# The last traced session of this process, for `%nandoctor last` and `%nandoctor report`.
_last = None


def last_session():
    """The Session of the most recent %%nandoctor cell or %nandoctor statement, or None."""
    return _last


# -- the inline summary -------------------------------------------------------------------------
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_COLOURS = {"error": "#b00020", "warning": "#9a6700", "info": "#555"}
MAX_FINDINGS = 6


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def session_html(session) -> str:
    """A small self-contained HTML summary of a session: no scripts, no external resources, all text escaped."""
    meta = session.meta or {}
    try:
        n_steps = session.plan.n_steps
    except Exception:  # noqa: BLE001 -- a summary must render even for an odd session
        n_steps = "?"
    head = (f"<b>nandoctor</b> &middot; {_e(meta.get('script', '?'))} &middot; {_e(n_steps)} steps"
            f" &middot; {_e(session.recording.n_observations)} observations")
    parts = [head]
    try:
        findings, causes, analysis_error = session.findings, session.causes, None
    except Exception as e:  # noqa: BLE001
        findings, causes, analysis_error = [], [], f"{type(e).__name__}: {e}"
    fn = session.first_nonfinite
    red = 'style="color:#b00020;margin:4px 0"'
    if fn is not None:
        parts.append(
            f"<div {red}>First non-finite value at step {_e(fn.step)}, line {_e(fn.line)} ({_e(fn.function)}): "
            f"<code>{_e(fn.expression or fn.statement)}</code> computed <b>{_e(fn.operation or fn.error)}</b></div>"
            f"<pre style=\"margin:2px 0 2px 1em\">{_e(fn.statement)}</pre>"
        )
    else:
        obs = session.first_nonfinite_observation() if hasattr(session, "first_nonfinite_observation") else None
        if obs is not None:
            counts = ", ".join(f"{obs[k]} {w}" for k, w in (("n_nan", "NaN"), ("n_posinf", "+inf"), ("n_neginf", "-inf"))
                               if obs[k])
            parts.append(
                f"<div {red}>First non-finite value recorded at step {_e(obs['step'])}, line {_e(obs['line'])} "
                f"({_e(obs['function'])}): <code>{_e(obs['target'])}</code> held {_e(counts)}</div>"
                f"<pre style=\"margin:2px 0 2px 1em\">{_e(obs['statement'])}</pre>"
            )
        else:
            parts.append('<div style="color:#1a7f37;margin:4px 0">No NaN or infinity recorded.</div>')
    if meta.get("exception"):
        parts.append(f"<div>The code stopped with <code>{_e(meta['exception'])}</code>.</div>")
    if causes:
        items = "".join(f"<li>{_e(c.summary or c.tag)} <small>[{_e(c.tag)}]</small></li>"
                        for c in sorted(causes, key=lambda c: c.rank)[:3])
        parts.append(f"<div>Likely causes:</div><ol style=\"margin:2px 0\">{items}</ol>")
    if findings:
        ordered = sorted(findings, key=lambda f: (_SEVERITY_ORDER.get(f.severity, 3),
                                                  f.first_step if f.first_step is not None else 1 << 62))
        items = "".join(
            f"<li><span style=\"color:{_COLOURS.get(f.severity, '#555')}\">{_e(f.severity)}</span> "
            f"<code>{_e(f.code)}</code>"
            + (f" step {_e(f.first_step)}" if f.first_step is not None else "")
            + (f", line {_e(f.line)}" if f.line is not None else "")
            + f": {_e(f.message)}</li>"
            for f in ordered[:MAX_FINDINGS]
        )
        more = f"<div><small>and {len(ordered) - MAX_FINDINGS} more findings</small></div>" if len(ordered) > MAX_FINDINGS else ""
        parts.append(f"<div>Findings:</div><ul style=\"margin:2px 0\">{items}</ul>{more}")
    if analysis_error:
        parts.append(f"<div><small>analysis failed: {_e(analysis_error)}</small></div>")
    if session.errors:
        parts.append(f"<div><small>{len(session.errors)} internal error(s) recorded</small></div>")
    if session.directory:
        page = os.path.join(session.directory, "report.html")
        if os.path.exists(page):
            parts.append(f'<div>Report: <a href="{_e(page)}" target="_blank">{_e(page)}</a></div>')
        else:
            parts.append(f"<div>Session folder: <code>{_e(session.directory)}</code></div>")
    body = "".join(parts)
    return ('<div class="nandoctor-summary" style="font-family:sans-serif;font-size:13px;border:1px solid #ccc;'
            f'border-radius:4px;padding:6px 10px;max-width:70em">{body}</div>')


# -- running code traced ------------------------------------------------------------------------
def _plain_code_table(code: types.CodeType, out: dict) -> dict:
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            out[(const.co_qualname, const.co_firstlineno)] = const
            _plain_code_table(const, out)
    return out


def _deinstrument(source: str, filename: str, flags: int) -> int:
    """Give every live function compiled from `filename` the plain (uninstrumented) code of the same cell.

    A traced cell that defines functions or classes leaves them compiled with recording hooks, which
    exist only while the trace runs; without this they would fail with NameError afterwards.
    Returns the number of functions switched back.
    """
    plain = compile(source, filename, "exec", flags=flags, dont_inherit=True)
    table = _plain_code_table(plain, {})
    if not table:
        return 0
    n = 0
    for obj in gc.get_objects():
        if type(obj) is types.FunctionType and obj.__code__.co_filename == filename:
            code = obj.__code__
            new = table.get((code.co_qualname, code.co_firstlineno))
            if new is not None and new is not code and new.co_freevars == code.co_freevars:
                obj.__code__ = new
                n += 1
    return n


def run_traced(shell, source: str, *, step_loop: str | None = None, label: str | None = None):
    """Run `source` in the shell's user namespace under a trace.

    Returns (session, value of a final expression or None, exception raised by the code or None).
    The exception is returned, not raised, so the caller can show the report first.
    """
    from .api import trace
    from .trace.instrument import instrument_tree

    global _last
    transformed = shell.transform_cell(source)
    number = shell.execution_count
    filename = shell.compile.cache(transformed, number, raw_code=source)
    flags = shell.compile.flags
    tree = ast.parse(transformed, filename)  # a SyntaxError is raised as the shell would
    last_expr = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if step_loop and ":" not in step_loop:
        step_loop = f"{filename}:{step_loop}"  # in a cell, a bare LINE counts from the cell's first line
    label = label or f"In[{number}]"
    t = trace(namespace=shell.user_ns, step_loop=step_loop)
    t.tracer.meta.update(script=label, argv=[], cell=filename, step_loop=step_loop)
    value = exc = None
    with t:
        try:
            t.tracer.registry.sources[filename] = transformed
            code = compile(instrument_tree(tree, t.tracer.registry, filename, transformed), filename, "exec",
                           flags=flags, dont_inherit=True)
            try:
                exec(code, shell.user_ns)
                if last_expr is not None:
                    expr = ast.Expression(last_expr.value)
                    value = eval(compile(expr, filename, "eval", flags=flags, dont_inherit=True), shell.user_ns)
            except BaseException as e:  # noqa: BLE001 -- the user's error is shown after the report
                exc = e
        finally:
            _deinstrument(transformed, filename, flags)
    if exc is not None:
        t.tracer.meta["exception"] = f"{type(exc).__name__}: {exc}"
        t.tracer.meta["interrupted"] = isinstance(exc, KeyboardInterrupt)
    session = t.session
    _last = session
    return session, value, exc


def _display(obj):
    from IPython.display import display

    display(obj)


def _write_report(session, directory: str) -> str:
    session.save(directory)
    try:
        session.report(directory)
    except Exception as e:  # noqa: BLE001 -- the session folder is written; the report is a bonus
        session.errors.append(f"report failed: {type(e).__name__}: {e}")
    return directory


def _full_report(session):
    """The full HTML report in a sandboxed iframe (no access to the notebook)."""
    from IPython.display import HTML

    from .report.html import render_html

    doc = render_html(session)
    return HTML(f'<iframe sandbox="allow-scripts" style="width:100%;height:720px;border:1px solid #ccc" '
                f'srcdoc="{html.escape(doc, quote=True)}"></iframe>')


# -- the magics ---------------------------------------------------------------------------------
def _make_magics_class():
    from IPython.core import magic_arguments
    from IPython.core.magic import Magics, cell_magic, line_magic, magics_class

    @magics_class
    class NandoctorMagics(Magics):
        """%%nandoctor traces a cell; %nandoctor traces a statement or shows the last session."""

        @magic_arguments.magic_arguments()
        @magic_arguments.argument("-o", "--output", default=None,
                                  help="Also write the session and report folder here (HTML, PNG, findings.json).")
        @magic_arguments.argument("--step-loop", default=None, metavar="LINE",
                                  help="The training loop: a line of this cell (counted from 1), or FILE:LINE.")
        @magic_arguments.argument("-q", "--quiet", action="store_true", help="Show no summary (see %%nandoctor last).")
        @magic_arguments.argument("--full", action="store_true", help="Show the full HTML report inline.")
        @cell_magic
        def nandoctor(self, line, cell):
            """Trace this cell and show nandoctor's summary below it.

            The cell runs in the notebook's namespace as usual; functions and classes defined in
            earlier cells that it calls are traced too. Its last expression is shown as usual. If the
            cell raises, the summary is shown first, then the error. The session is kept:
            `%nandoctor last` returns it, `%nandoctor report DIR` writes its report folder.
            """
            args = magic_arguments.parse_argstring(self.nandoctor, line)
            return _run_and_show(self.shell, cell, step_loop=args.step_loop, output=args.output,
                                 quiet=args.quiet, full=args.full)

        @line_magic("nandoctor")
        def nandoctor_line(self, line):
            """%nandoctor STATEMENT | last | report [DIR] | help

            %nandoctor STATEMENT   trace one statement, e.g. `%nandoctor net.train(x, y, 1, 500)`
            %nandoctor last        the last traced Session (displayed as its summary; `s = %nandoctor last`)
            %nandoctor report [DIR]  write the last session's report folder (default reports/<cell>)
            %nandoctor help        this text
            """
            words = line.strip().split(None, 1)
            verb = words[0] if words else "help"
            rest = words[1] if len(words) > 1 else ""
            if verb == "help":
                print(NandoctorMagics.nandoctor_line.__doc__)
                return None
            if verb == "last":
                if _last is None:
                    print("nandoctor: nothing traced yet in this session; use %%nandoctor on a cell")
                return _last
            if verb == "report":
                if _last is None:
                    print("nandoctor: nothing traced yet in this session; use %%nandoctor on a cell")
                    return None
                parts = shlex.split(rest)
                directory = parts[0] if parts else os.path.join("reports", _cell_stem(_last))
                _write_report(_last, directory)
                print(f"nandoctor: report: {os.path.join(directory, 'report.html')}")
                return None
            return _run_and_show(self.shell, line)

    return NandoctorMagics


def _cell_stem(session) -> str:
    label = str(session.meta.get("script") or "cell")
    return "".join(ch if ch.isalnum() else "-" for ch in label).strip("-") or "cell"


def _run_and_show(shell, source, *, step_loop=None, output=None, quiet=False, full=False):
    session, value, exc = run_traced(shell, source, step_loop=step_loop)
    if output:
        _write_report(session, output)
    if not quiet:
        _display(session)
        if full:
            try:
                _display(_full_report(session))
            except Exception as e:  # noqa: BLE001
                print(f"nandoctor: the full report is not available: {type(e).__name__}: {e}")
    if exc is not None:
        raise exc
    return value


def load_ipython_extension(ipython) -> None:
    """Register the magics on this shell (`%load_ext nandoctor`)."""
    ipython.register_magics(_make_magics_class())


def unload_ipython_extension(ipython) -> None:
    mm = ipython.magics_manager
    mm.magics["cell"].pop("nandoctor", None)
    mm.magics["line"].pop("nandoctor", None)


__all__ = ["load_ipython_extension", "unload_ipython_extension", "session_html", "run_traced", "last_session"]
