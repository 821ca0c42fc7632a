"""JSON as the tools export it: JSON lines, one array, or records wrapped in an object; gzip-compressed or not;
nested objects flattened to dotted names.

* Mixpanel and PostHog write JSON lines with the event's fields nested under ``properties``: a nested object
  becomes one column per field, ``properties.time``, ``properties.distinct_id`` (so the column detection, which
  also matches a name's last dotted part, finds them).
* Amplitude's Export API gives hourly ``*.json.gz`` files of JSON lines.
* Paddle's API wraps its records in an object (``{"success": true, "response": [...]}``), as many APIs do
  (``data``, ``results``, ``items``): the list of records inside is read.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl

from workbench.io.problems import Problem, Severity

# keys under which APIs put their records, tried first; otherwise the longest list of objects is taken
RECORD_KEYS = ("response", "data", "results", "records", "items", "rows", "events", "survey_responses",
               "subscriptions", "responses")


class NoRecords(ValueError):
    """A JSON document with no list of records in it."""


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(2) == b"\x1f\x8b"


def scan_json(path: str) -> pl.LazyFrame:
    """Any of the JSON shapes above as a flat frame (nested objects as dotted columns)."""
    compressed = _is_gzip(path)
    data = gzip.decompress(Path(path).read_bytes()) if compressed else None
    head = (data[:65_536] if data is not None else _head(path)).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"["):
        frame = pl.read_json(data if data is not None else path, infer_schema_length=None).lazy()
    elif head.startswith(b"{") and not _first_line_is_a_record(head):
        frame = _wrapped(data if data is not None else Path(path).read_bytes())
    else:
        # scan_ndjson has no glob=False: hand it the bytes when the name looks like a pattern
        source = data if data is not None else (Path(path).read_bytes() if any(ch in path for ch in "*?[") else path)
        # the whole file decides the types: an id that turns from number to text on line 10,001 must not fail
        frame = pl.scan_ndjson(source, infer_schema_length=None)
    return flatten(frame)


def _head(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(65_536)


def _first_line_is_a_record(head: bytes) -> bool:
    """JSON lines: the first line is a whole object. A pretty-printed object is not; nor is an object alone
    on its line that holds a list of objects (an API response saved as it came: the records are inside)."""
    line, _, rest = head.partition(b"\n")
    try:
        first = json.loads(line)
    except ValueError:
        return False
    if not isinstance(first, dict):
        return False
    wraps = any(isinstance(v, list) and v and all(isinstance(x, dict) for x in v) for v in first.values())
    return not (wraps and not rest.strip())


def _wrapped(data: bytes) -> pl.LazyFrame:
    document = json.loads(data)
    records = records_in(document)
    return pl.read_json(json.dumps(records).encode(), infer_schema_length=None).lazy()


def records_in(document: object) -> list[dict]:
    """The list of records in a JSON document: itself, under a known key, or the longest list of objects."""
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise NoRecords("the JSON holds a single value, not records")
    lists = {key: value for key, value in document.items()
             if isinstance(value, list) and value and all(isinstance(v, dict) for v in value)}
    for key in RECORD_KEYS:
        if key in lists:
            return lists[key]
    if lists:
        return max(lists.values(), key=len)
    if all(not isinstance(v, (list, dict)) for v in document.values()):
        return [document]  # one record on its own
    raise NoRecords("the JSON object holds no list of records")


def no_records_problem(path: str, exc: NoRecords) -> Problem:
    return Problem("no_records", Severity.ERROR, path, f"{exc}",
                   "export the records as a JSON array or JSON lines (one object per line)")


def flatten(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Nested objects as one column per field, named with dots (``properties.time``); empty objects dropped."""
    schema = frame.collect_schema()
    if not any(isinstance(dtype, pl.Struct) for dtype in schema.dtypes()):
        return frame
    exprs: list[pl.Expr] = []
    seen: set[str] = set()
    for name, dtype in schema.items():
        for alias, expr in _leaves(pl.col(name), name, dtype):
            if alias not in seen:
                seen.add(alias)
                exprs.append(expr.alias(alias))
    return frame.select(exprs)


def _leaves(expr: pl.Expr, name: str, dtype: pl.DataType):
    if isinstance(dtype, pl.Struct):
        for fld in dtype.fields:
            yield from _leaves(expr.struct.field(fld.name), f"{name}.{fld.name}", fld.dtype)
    else:
        yield name, expr
