"""Parquet files polars cannot open without crashing, found before it tries.

A time zone written as an offset (``+05:30``, as pandas and pyarrow write ``datetime.timezone(timedelta(...))``)
is legal Arrow but not a zone polars knows: reading the schema makes it panic (a Rust panic, a long traceback
on stderr, and an exception ``except Exception`` does not catch). The zone is written in the Arrow schema kept
in the file's key-value metadata, which polars reads without interpreting, so it is looked for there first.
"""

from __future__ import annotations

import base64
import re

import polars as pl

from workbench.io.problems import Problem, Severity

# in the flatbuffer, a string is its length (4 bytes, little-endian), its bytes, then a NUL
_OFFSET_ZONE = re.compile(rb"([\x05\x06])\x00\x00\x00([+-]\d{2}:?\d{2})\x00")


def offset_time_zones(path: str) -> list[str]:
    """The offset time zones (``+05:30``) of the file's Arrow schema, if any."""
    try:
        encoded = pl.read_parquet_metadata(path).get("ARROW:schema")
        schema = base64.b64decode(encoded) if encoded else b""
    except Exception:  # noqa: BLE001 - the scan that follows reports a damaged file
        return []
    found = [m.group(2).decode() for m in _OFFSET_ZONE.finditer(schema) if int(m.group(1)[0]) == len(m.group(2))]
    return list(dict.fromkeys(found))


def offset_zone_problem(path: str, zones: list[str]) -> Problem:
    shown = ", ".join(f"'{zone}'" for zone in zones)
    return Problem(
        "offset_time_zone", Severity.ERROR, path,
        f"a time column's time zone is written as an offset ({shown}), which polars cannot read",
        "write the times in UTC or with a zone name (Asia/Kolkata): in pandas "
        "df[col] = df[col].dt.tz_convert('UTC') before to_parquet; or export as CSV with the offsets in the text")

