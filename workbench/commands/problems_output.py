"""How the command line prints what loading found: each file's rows read, kept and dropped, its columns, and
every problem with its column, row and fix. Shared by ``validate`` and ``report`` (which prints it to stderr)."""

from __future__ import annotations

import click

from workbench.io.problems import FileReport, Severity
from workbench.io.text import escape_controls


def _echo(text: str, file=None) -> None:
    """Echo a line built from file data: control characters (terminal escapes) are shown as \\xNN, never sent raw."""
    click.echo(escape_controls(text), file=file)


def print_reports(reports: list[FileReport], out=None) -> None:
    """Human-readable validation summary to ``out`` (default stdout); control characters are escaped."""
    for rep in reports:
        if rep.kind:
            cols = ", ".join(f"{role}={col}" for role, col in rep.columns.items())
            _echo(f"{rep.path}: {rep.kind} ({rep.format}); rows read {rep.rows_read:,}, "
                  f"kept {rep.rows_kept:,}, dropped {rep.rows_dropped:,}", file=out)
            _echo(f"  columns: {cols}", file=out)
        else:
            _echo(f"{rep.path}: not usable", file=out)
        for problem in rep.problems:
            label = {Severity.NOTE: "note", Severity.WARNING: "warning", Severity.ERROR: "error"}[problem.severity]
            where = [f"column '{problem.column}'"] if problem.column else []
            if problem.row is not None:
                where.append(f"row {problem.row:,}")
            if problem.line is not None:
                where.append(f"line {problem.line:,} of the file")
            _echo(f"  {label} [{problem.code}]" + (f" ({', '.join(where)})" if where else "")
                  + f": {problem.message}", file=out)
            _echo(f"    fix: {problem.fix}", file=out)
