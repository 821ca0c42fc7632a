"""Polars expressions that turn raw columns into typed ones, with null where a value cannot be read.

Times come out as naive ``Datetime("us")`` holding the wall-clock time in one chosen zone
(``--tz``, default UTC): offsets in the data are honoured and converted, naive values are
taken to be in that zone already, and epoch numbers are UTC instants. Periods (days, weeks,
months) are then cut in that zone's calendar, which is what an analyst in that zone expects.
"""

from __future__ import annotations

import polars as pl

# tried in order after normalising "YYYY-MM-DD HH:MM" to "YYYY-MM-DDTHH:MM" and "Z" / " UTC" to "+00:00"
AWARE_FORMATS = ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]
NAIVE_FORMATS = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y%m%d",
]


def _epoch_to_local(number: pl.Expr, tz: str) -> pl.Expr:
    """Epoch seconds, milliseconds or microseconds (told apart by magnitude) as wall-clock time in tz."""
    magnitude = number.abs()
    micros = (
        pl.when(magnitude < 1e11).then(number * 1_000_000)
        .when(magnitude < 1e14).then(number * 1_000)
        .otherwise(number)
    ).cast(pl.Int64, strict=False)
    return pl.from_epoch(micros, time_unit="us").dt.replace_time_zone("UTC").dt.convert_time_zone(tz) \
        .dt.replace_time_zone(None)


def parse_time(col: str, dtype: pl.DataType, tz: str) -> pl.Expr:
    """Wall-clock Datetime('us') in ``tz`` for any date/time representation; null where unreadable."""
    c = pl.col(col)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone:
            return c.dt.convert_time_zone(tz).dt.replace_time_zone(None).dt.cast_time_unit("us")
        return c.dt.cast_time_unit("us")
    if dtype == pl.Date:
        return c.cast(pl.Datetime("us"))
    if dtype.is_integer():
        # 8-digit integers such as 19970101 are dates written without separators
        yyyymmdd = c.cast(pl.String).str.to_datetime("%Y%m%d", strict=False, time_unit="us")
        return pl.when(c.is_between(19_000_101, 21_001_231)).then(yyyymmdd).otherwise(
            _epoch_to_local(c.cast(pl.Float64), tz))
    if dtype.is_float():
        return _epoch_to_local(c, tz)
    if dtype == pl.String:
        text = (
            c.str.strip_chars()
            .str.replace(r"\s*(?:[Zz]|UTC|GMT)$", "+00:00")  # "...Z", and BigQuery's "... UTC"
            .str.replace(r"^(\d{4}-\d{2}-\d{2}) (\d)", "${1}T${2}")
            .str.replace(r"(T[0-9:.]+[+-]\d{2})$", "${1}:00")  # "+02" -> "+02:00"
        )
        aware = pl.coalesce(
            [text.str.to_datetime(f, strict=False, time_unit="us", time_zone="UTC") for f in AWARE_FORMATS]
        ).dt.convert_time_zone(tz).dt.replace_time_zone(None)
        naive = pl.coalesce([text.str.to_datetime(f, strict=False, time_unit="us") for f in NAIVE_FORMATS])
        digits = text.str.contains(r"^\d{9,16}(\.\d+)?$")
        epoch = pl.when(digits & (text.str.len_chars() != 8)).then(
            _epoch_to_local(text.cast(pl.Float64, strict=False), tz))
        return pl.coalesce([aware, naive, epoch])
    # anything else (booleans, lists, ...) cannot be a time
    return pl.lit(None, dtype=pl.Datetime("us"))


def parse_number(col: str, dtype: pl.DataType) -> pl.Expr:
    """Float64, accepting a leading currency sign and surrounding spaces in text."""
    c = pl.col(col)
    if dtype.is_numeric():
        return c.cast(pl.Float64)
    if dtype == pl.String:
        return c.str.strip_chars().str.replace(r"^[$€£¥]\s*", "").cast(pl.Float64, strict=False)
    return pl.lit(None, dtype=pl.Float64)


def as_text(col: str, dtype: pl.DataType) -> pl.Expr:
    """Ids as strings, exactly as written (whole floats from JSON/Excel lose their '.0')."""
    c = pl.col(col)
    if dtype.is_float():
        return pl.when(c == c.round(0)).then(c.cast(pl.Int64, strict=False).cast(pl.String)) \
            .otherwise(c.cast(pl.String))
    if dtype == pl.String:
        return c.str.strip_chars()
    return c.cast(pl.String, strict=False)
