"""Finding input files and reading them with polars' own readers.

Each supported format maps to a polars reader; lazy scans are used where polars has one
(CSV, Parquet, NDJSON, Arrow IPC) so large files are never read twice into memory. The
first bytes of a file are checked against what its extension promises, so a Parquet file
renamed to ``.csv`` (or a text file renamed to ``.parquet``) gets a clear message rather
than a reader's stack trace.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from workbench.io.excel import date_system
from workbench.io.header import duplicate_columns
from workbench.io.jsonfiles import NoRecords, flatten, no_records_problem, scan_json
from workbench.io.parquet import offset_time_zones, offset_zone_problem
from workbench.io.prelude import CsvLayout, csv_layout
from workbench.io.problems import Problem, Severity
from workbench.io.ragged import ragged_problem
from workbench.io.sheets import header_index, read_sheet, title_rows_problem

# extension (lower case, longest first) -> format name
EXTENSIONS: dict[str, str] = {
    ".csv.gz": "csv",
    ".tsv.gz": "tsv",
    ".txt.gz": "csv",
    ".json.gz": "ndjson",
    ".jsonl.gz": "ndjson",
    ".ndjson.gz": "ndjson",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "ndjson",
    ".ndjson": "ndjson",
    ".json": "ndjson",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".arrow": "ipc",
    ".ipc": "ipc",
    ".feather": "ipc",
    ".arrows": "ipc_stream",
}

FORMAT_NAMES = {
    "csv": "CSV",
    "tsv": "TSV",
    "parquet": "Parquet",
    "ndjson": "JSON lines",
    "excel": "Excel (.xlsx)",
    "ipc": "Arrow IPC",
    "ipc_stream": "Arrow IPC stream",
}


class InputError(Exception):
    """A file that cannot be read at all; carries the problem to show."""

    def __init__(self, problem: Problem):
        super().__init__(problem.describe())
        self.problem = problem


@dataclass(frozen=True)
class RawTable:
    """A file's rows as polars sees them, before any column is interpreted."""

    path: str
    format: str
    frame: pl.LazyFrame
    problems: tuple[Problem, ...] = ()  # found in the header while reading (a name written twice)
    separator: str | None = None  # CSV/TSV field separator, guessed once from the header line
    layout: CsvLayout | None = None  # CSV/TSV: encoding, lines above the header, extra header rows
    date_system: int | None = None  # Excel's 1900 or 1904 date system (numbers in a time column are serials)


def expand_paths(specs: list[str]) -> tuple[list[str], list[Problem]]:
    """Turn file names, directories and glob patterns into a sorted list of files."""
    files: list[str] = []
    problems: list[Problem] = []
    for spec in specs:
        if os.path.isfile(spec):  # a real file named "[draft] events.csv" is not a pattern
            files.append(spec)
        elif any(ch in spec for ch in "*?["):
            matched = sorted(p for p in glob.glob(spec, recursive=True) if os.path.isfile(p))
            if not matched:
                problems.append(
                    Problem("no_match", Severity.ERROR, spec, "no file matches this pattern",
                            "check the pattern, and quote it so the shell does not expand it first")
                )
            files.extend(matched)
        elif os.path.isdir(spec):
            inside = sorted(
                str(p) for p in Path(spec).iterdir() if p.is_file() and format_from_name(str(p)) is not None
            )
            if not inside:
                problems.append(
                    Problem("empty_dir", Severity.ERROR, spec, "this folder holds no data file we can read",
                            "point to CSV, TSV, Parquet, JSON lines, Excel or Arrow files")
                )
            files.extend(inside)
        elif not os.path.exists(spec):
            problems.append(
                Problem("not_found", Severity.ERROR, spec, "no such file",
                        "check the path (it is relative to the current folder)")
            )
        else:  # exists, but is a fifo, socket or device: reading it could block forever
            problems.append(
                Problem("not_a_file", Severity.ERROR, spec, "this is not a regular file",
                        "point to a data file saved on disk")
            )
    # keep order, drop repeats
    seen: set[str] = set()
    unique = [f for f in files if not (f in seen or seen.add(f))]
    return unique, problems


def format_from_name(path: str) -> str | None:
    lower = path.lower()
    for ext in sorted(EXTENSIONS, key=len, reverse=True):
        if lower.endswith(ext):
            return EXTENSIONS[ext]
    return None


def sniff(head: bytes) -> str | None:
    """What the first bytes of a file say it is: a format name, 'gzip', 'zip', 'utf16', 'binary' or 'text'."""
    if not head:
        return None
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"ARROW1"):
        return "ipc"
    if head.startswith(b"\xff\xff\xff\xff"):
        return "ipc_stream"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"  # Excel's "Unicode text" export: text, but not in an encoding we read
    if b"\x00" in head:
        return "binary"
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"{"):
        return "json"
    return "text"


_COMPATIBLE = {
    "csv": {"text", "gzip"},
    "tsv": {"text", "gzip"},
    "ndjson": {"json", "text", "gzip"},
    "parquet": {"parquet"},
    "excel": {"zip"},
    "ipc": {"ipc", "ipc_stream"},
    "ipc_stream": {"ipc_stream", "ipc"},
}

_SNIFF_TO_FORMAT = {
    "parquet": "parquet",
    "ipc": "ipc",
    "ipc_stream": "ipc_stream",
    "zip": "excel",
    "json": "ndjson",
    "text": "csv",
}


def detect_format(path: str) -> str:
    """The format to read a file with, from its extension checked against its first bytes."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except OSError as exc:
        raise InputError(
            Problem("unreadable", Severity.ERROR, path, f"cannot open the file ({exc.strerror})",
                    "check the path and that you may read it")
        ) from None
    if size == 0:
        raise InputError(Problem("empty_file", Severity.ERROR, path, "the file is empty (0 bytes)",
                                 "export the data again; the file holds nothing"))
    by_name = format_from_name(path)
    seen = sniff(head)
    if by_name is None:
        guessed = _SNIFF_TO_FORMAT.get(seen or "")
        if guessed is None:
            raise InputError(
                Problem("unknown_format", Severity.ERROR, path,
                        "the file's type is unknown (no known extension, and its bytes are not text)",
                        "give it an extension: .csv, .tsv, .parquet, .jsonl, .xlsx or .arrow")
            )
        return guessed
    if path.lower().endswith(".gz") and seen != "gzip":
        raise InputError(
            Problem("wrong_format", Severity.ERROR, path,
                    f"the extension says gzip-compressed {FORMAT_NAMES[by_name]}, but the content is not gzip",
                    "remove the .gz from the name if the file is not compressed, or export it again")
        )
    if seen == "utf16" and path.lower().endswith((".txt", ".tsv", ".tab")):
        return by_name  # Excel's "Unicode text": UTF-16, tab-separated, saved as .txt (see prelude.py)
    if seen not in _COMPATIBLE[by_name]:
        actually = {
            "parquet": "a Parquet file", "ipc": "an Arrow IPC file", "ipc_stream": "an Arrow IPC stream",
            "zip": "a zip archive (an Excel workbook?)", "gzip": "gzip-compressed",
            "binary": "binary data", "json": "JSON text", "text": "plain text", "utf16": "UTF-16 encoded text",
        }.get(seen or "", "something else")
        fix = ("save it again as UTF-8 (in Excel: 'CSV UTF-8')" if seen == "utf16"
               else "rename the file to match its content, or export it again in the right format")
        raise InputError(
            Problem("wrong_format", Severity.ERROR, path,
                    f"the extension says {FORMAT_NAMES[by_name]}, but the content is {actually}", fix)
        )
    return by_name


def scan(path: str, fmt: str, *, separator: str | None = None, truncate_ragged_lines: bool = False,
         layout: CsvLayout | None = None, header_row: int | None = None) -> pl.LazyFrame:
    """Read one file with polars; text formats keep every value as a string (ids like 00042 stay as written).

    ``path`` is one file already found by :func:`expand_paths`, so polars must not expand it again
    (``glob=False``): a name such as ``[2024] orders.csv`` is a file, not a pattern. A CSV line with more
    fields than the header fails the read unless ``truncate_ragged_lines`` (see :func:`scan_ragged`).
    ``layout``: how a CSV is laid out (see :mod:`workbench.io.prelude`), found once by :func:`read_raw`;
    ``separator`` overrides its separator. ``header_row``: a workbook's header row, when already found.
    """
    if fmt in ("csv", "tsv"):
        layout = layout or csv_layout(path, fmt)
        return pl.scan_csv(layout.source, separator=separator or layout.separator, infer_schema=False,
                           encoding="utf8-lossy", truncate_ragged_lines=truncate_ragged_lines, glob=False,
                           skip_rows=layout.skip_rows, skip_rows_after_header=layout.skip_after_header,
                           new_columns=layout.names)
    if fmt == "parquet":  # nested records (GA4's BigQuery export, PostHog's) as dotted columns, as for JSON
        return flatten(pl.scan_parquet(path, glob=False))
    if fmt == "ndjson":
        return scan_json(path)
    if fmt == "ipc":
        return flatten(pl.scan_ipc(path, glob=False))
    if fmt == "ipc_stream":
        return flatten(pl.read_ipc_stream(path).lazy())
    if fmt == "excel":
        return read_sheet(path, header_row)
    raise ValueError(f"unknown format {fmt}")


def csv_separator(path: str, fmt: str) -> str:
    """The field separator of a CSV or TSV file."""
    return csv_layout(path, fmt).separator


def read_raw(path: str) -> RawTable:
    """Detect the format and scan the file; raise :class:`InputError` when that is impossible."""
    fmt = detect_format(path)
    if fmt == "parquet" and (zones := offset_time_zones(path)):
        raise InputError(offset_zone_problem(path, zones))
    try:
        layout = csv_layout(path, fmt) if fmt in ("csv", "tsv") else None
        separator = layout.separator if layout else None
        header_row = header_index(path) if fmt == "excel" else None
        frame = scan(path, fmt, layout=layout, header_row=header_row)
        names = frame.collect_schema().names()  # forces the header / footer to be read now
    except InputError:
        raise
    except NoRecords as exc:
        raise InputError(no_records_problem(path, exc)) from None
    except Exception as exc:  # polars raises many exception types for malformed files
        raise InputError(_reader_problem(path, fmt, exc)) from None
    problems = duplicate_columns(path, fmt, names, separator, layout)
    if fmt == "excel":
        problems = [*problems, *title_rows_problem(path, header_row or 0), *other_sheets(path)]
    return RawTable(path=path, format=fmt, frame=frame, problems=tuple(problems), separator=separator,
                    date_system=date_system(path) if fmt == "excel" else None, layout=layout)


def other_sheets(path: str) -> list[Problem]:
    """A note when a workbook has more than one sheet: only the first is read, and the analyst should know
    which one that was and that the others were not looked at."""
    import fastexcel  # polars' own Excel engine (calamine); imported only for workbooks

    try:
        names = fastexcel.read_excel(path).sheet_names
    except Exception:  # noqa: BLE001 - the read itself succeeded; a note is not worth an error
        return []
    if len(names) < 2:
        return []
    others = ", ".join(f"'{name}'" for name in names[1:6]) + (", …" if len(names) > 6 else "")
    return [Problem("other_sheets", Severity.NOTE, path,
                    f"the workbook has {len(names)} sheets; only the first, '{names[0]}', was read "
                    f"(not {others})",
                    "move the sheet you want to the first place, or save it as its own file (CSV or .xlsx)")]


def scan_ragged(raw: RawTable, n_fields: int) -> tuple[pl.LazyFrame, Problem]:
    """A CSV that polars refused for a line longer than its header, scanned again without the extra fields,
    and the warning that says so (see :mod:`workbench.io.ragged`)."""
    layout = raw.layout or csv_layout(raw.path, raw.format)
    separator = raw.separator or layout.separator
    frame = scan(raw.path, raw.format, separator=separator, truncate_ragged_lines=True, layout=layout)
    return frame, ragged_problem(raw.path, separator, n_fields, layout.source)


def _reader_problem(path: str, fmt: str, exc: Exception) -> Problem:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, pl.exceptions.NoDataError) or "empty" in text.lower():
        return Problem("empty_file", Severity.ERROR, path, "the file holds no data",
                       "export the data again; the file holds no header and no rows")
    return Problem("unreadable", Severity.ERROR, path,
                   f"polars could not read it as {FORMAT_NAMES.get(fmt, fmt)} ({text[:160]})",
                   "check that the file is complete and really is in this format")
