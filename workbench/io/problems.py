"""What can be wrong with an input file, said so that an analyst can fix it.

Every check in :mod:`workbench.io` reports a :class:`Problem` instead of raising: the
command line prints them and the app shows them, and neither ever prints a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class Severity(IntEnum):
    """How bad a problem is; the numeric value is the exit status it leads to."""

    NOTE = 0  # worth knowing, nothing dropped (e.g. repeated identical purchases)
    WARNING = 1  # some rows were dropped, the rest is usable
    ERROR = 2  # the file cannot be used at all


@dataclass(frozen=True)
class Problem:
    """One finding about one file (and column, and example row, where known)."""

    code: str
    severity: Severity
    file: str
    message: str
    fix: str
    column: str | None = None
    row: int | None = None  # 1-based data row (header not counted) of a first example
    rows_affected: int | None = None
    line: int | None = None  # the file line where that row starts, set only when it is not row + 1 (a quoted
    # value spanning several lines above it): an editor shows lines, not rows

    def location(self) -> str:
        parts = [self.file]
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        if self.row is not None:
            parts.append(f"row {self.row:,}")
        if self.line is not None:
            parts.append(f"line {self.line:,} of the file")
        return ", ".join(parts)

    def describe(self) -> str:
        """One line: where, what, and the fix."""
        return f"{self.location()}: {self.message}. Fix: {self.fix}"

    def to_dict(self) -> dict:
        """For ``validate --format json``; ``line`` only where it is set (it differs from row + 1)."""
        out = {
            "code": self.code,
            "severity": self.severity.name.lower(),
            "file": self.file,
            "column": self.column,
            "row": self.row,
            "rows_affected": self.rows_affected,
            "message": self.message,
            "fix": self.fix,
        }
        if self.line is not None:
            out["line"] = self.line
        return out


@dataclass
class FileReport:
    """What reading one file gave: rows read and kept, and each problem found."""

    path: str
    kind: str | None = None
    format: str | None = None
    rows_read: int = 0
    rows_kept: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # role -> source column
    problems: list[Problem] = field(default_factory=list)

    @property
    def severity(self) -> Severity:
        return max((p.severity for p in self.problems), default=Severity.NOTE)

    @property
    def usable(self) -> bool:
        return self.severity < Severity.ERROR

    @property
    def rows_dropped(self) -> int:
        return self.rows_read - self.rows_kept

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "kind": self.kind,
            "format": self.format,
            "rows_read": self.rows_read,
            "rows_kept": self.rows_kept,
            "rows_dropped": self.rows_dropped,
            "columns": self.columns,
            "problems": [p.to_dict() for p in self.problems],
        }


def rows_dropped(reports: list[FileReport]) -> int:
    """Rows dropped over every file that could be read (``validate``'s verdict, the app's problems panel)."""
    return sum(r.rows_dropped for r in reports if r.kind)


def exit_status(reports: list[FileReport]) -> int:
    """0 clean, 1 problems found but data usable, 2 something unusable."""
    return int(max((r.severity for r in reports), default=Severity.NOTE))
