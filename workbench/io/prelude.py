"""What comes before a CSV's rows: its encoding, a ``sep=`` line, and header rows beyond the first.

* Excel's "Unicode text" is UTF-16, tab-separated, saved as ``.txt``: it is re-encoded to UTF-8 in memory.
* Excel writes ``sep=;`` as a first line to say which separator follows; that line is not the header.
* Survey tools write more than one header row. SurveyMonkey puts the question over its answer columns and
  ``Response`` (or the choice) under it; the names become the question, or ``question - choice``. Qualtrics
  writes short names (``Q1``), then the question text, then ``{"ImportId": ...}``; the two extra rows are
  skipped and the question text kept as the column's label (the score is found by it).
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from dataclasses import dataclass, field

SEP_LINE = re.compile(r"^\ufeff?sep=(.)\s*$")
SURVEYMONKEY_SUBHEADERS = {"response", "open-ended response"}


@dataclass(frozen=True)
class CsvLayout:
    """How to read a CSV: from where (the path, or UTF-8 bytes for a UTF-16 file), with which separator, and
    how many lines above the header and header rows under it to skip."""

    source: str | bytes
    separator: str
    skip_rows: int = 0
    skip_after_header: int = 0
    names: list[str] | None = None  # the header, when built from several rows
    labels: dict[str, str] = field(default_factory=dict)  # column -> question text (Qualtrics)

    @property
    def lines_before_rows(self) -> int:
        """File lines above the first data row (the header and whatever is skipped)."""
        return 1 + self.skip_rows + self.skip_after_header


def is_utf16(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) in (b"\xff\xfe", b"\xfe\xff")


def _first_text(source: str | bytes, size: int = 65_536) -> str:
    if isinstance(source, bytes):
        return source[:size].decode("utf-8", errors="replace")
    with open(source, "rb") as raw:
        compressed = raw.read(2) == b"\x1f\x8b"  # by content: a gzip file may be named plain .csv
    opener = gzip.open if compressed else open
    try:
        with opener(source, "rb") as fh:
            return fh.read(size).decode("utf-8", errors="replace")
    except (OSError, EOFError):
        return ""


def _guess_separator(header: str) -> str:
    """Comma unless the header line clearly uses semicolons or tabs (common in European exports)."""
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] > 0 else ","


def csv_layout(path: str, fmt: str) -> CsvLayout:
    source: str | bytes = path
    if is_utf16(path):
        with open(path, "rb") as fh:
            source = fh.read().decode("utf-16", errors="replace").encode("utf-8")
    text = _first_text(source)
    lines = text.splitlines()
    skip_rows = 0
    separator = None
    if lines and (m := SEP_LINE.match(lines[0])):
        separator, skip_rows = m.group(1), 1
    if separator is None:
        separator = "\t" if fmt == "tsv" else _guess_separator(text.split("\n", 1)[0])
    body = "\n".join(lines[skip_rows:skip_rows + 4]).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body), delimiter=separator)) if body else []
    layout = CsvLayout(source, separator, skip_rows)
    if len(rows) >= 3 and any(cell.lstrip().startswith('{"ImportId"') for cell in rows[2]):
        header, questions = rows[0], rows[1]
        labels = {name: q for name, q in zip(header, questions, strict=False) if q and q != name}
        return CsvLayout(source, separator, skip_rows, 2, None, labels)
    if len(rows) >= 2 and any(cell.strip().lower() in SURVEYMONKEY_SUBHEADERS for cell in rows[1]):
        return CsvLayout(source, separator, skip_rows, 1, _combined(rows[0], rows[1]))
    return layout


def _combined(top: list[str], under: list[str]) -> list[str]:
    """SurveyMonkey's two header rows as one name per column, made unique."""
    names: list[str] = []
    question = ""
    for number, name in enumerate(top):
        sub = under[number].strip() if number < len(under) else ""
        if name.strip():
            question = name.strip()
            full = question if not sub or sub.lower() in SURVEYMONKEY_SUBHEADERS else f"{question} - {sub}"
        else:
            full = f"{question} - {sub}" if question and sub else f"column {number + 1}"
        candidate, n = full, 1
        while candidate in names:
            n += 1
            candidate = f"{full} ({n})"
        names.append(candidate)
    return names
