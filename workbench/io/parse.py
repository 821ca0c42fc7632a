"""Polars expressions that turn raw columns into typed ones, with null where a value cannot be read.

Times come out as naive ``Datetime("us")`` holding the wall-clock time in one chosen zone
(``--tz``, default UTC): offsets in the data are honoured and converted, naive values are
taken to be in that zone already, and epoch numbers are UTC instants. Periods (days, weeks,
months) are then cut in that zone's calendar, which is what an analyst in that zone expects.
"""

from __future__ import annotations

from datetime import datetime

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
    "%d %b %Y %H:%M:%S",  # 02 Oct 2023 17:44 (SurveyMonkey, Delighted): the month's name leaves no doubt
    "%d %b %Y %H:%M",
    "%d %b %Y",
    "%b %d, %Y",
    "%d.%m.%Y %H:%M:%S",  # the dotted form is day first wherever it is used
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
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


# Single formats that cover most real exports, tried on a sample of a text column so that the
# whole column can be parsed with one `to_datetime` (tens of times faster than the general
# expression below, which runs every format and three regex rewrites on every value). Rows the
# chosen format cannot read still go through the general expression (see `parse_rows._reparse_times`).
# (format, how to read it): "naive" = already wall-clock in tz, "aware" = has an offset,
# "utc" = a literal Z (or " UTC") suffix.
FAST_FORMATS: list[tuple[str, str]] = [
    ("%Y-%m-%d", "naive"),
    ("%Y-%m-%d %H:%M:%S", "naive"),
    ("%Y-%m-%dT%H:%M:%S", "naive"),
    ("%Y-%m-%d %H:%M:%S%.f", "naive"),
    ("%Y-%m-%dT%H:%M:%S%.f", "naive"),
    ("%Y-%m-%d %H:%M", "naive"),
    ("%Y-%m-%dT%H:%M", "naive"),
    ("%Y-%m-%dT%H:%M:%SZ", "utc"),
    ("%Y-%m-%dT%H:%M:%S%.fZ", "utc"),
    ("%Y-%m-%d %H:%M:%S UTC", "utc"),
    ("%Y-%m-%d %H:%M:%S%.f UTC", "utc"),
    ("%Y-%m-%dT%H:%M:%S%z", "aware"),
    ("%Y-%m-%dT%H:%M:%S%.f%z", "aware"),
    ("%Y-%m-%d %H:%M:%S%z", "aware"),
    ("%Y-%m-%d %H:%M:%S%.f%z", "aware"),
    ("%Y%m%d", "naive"),
    ("%Y/%m/%d", "naive"),
    ("%Y/%m/%d %H:%M:%S", "naive"),
    # with slashes, month first (US, Excel's CSV: 12/1/2009 7:45) or day first: `settle_day_month` decides
    # from the whole column; these are never in the general expression, so a value that does not fit the
    # column's order is reported, not read the other way round
    ("%m/%d/%Y %H:%M", "naive"),
    ("%m/%d/%Y %H:%M:%S", "naive"),
    ("%m/%d/%Y %I:%M:%S %p", "naive"),
    ("%m/%d/%Y %I:%M %p", "naive"),
    ("%m/%d/%Y", "naive"),
    ("%m/%d/%y %H:%M", "naive"),
    ("%m/%d/%y", "naive"),
    ("%d/%m/%Y %H:%M", "naive"),
    ("%d/%m/%Y %H:%M:%S", "naive"),
    ("%d/%m/%Y", "naive"),
    ("%d/%m/%y", "naive"),
    ("%d %b %Y %H:%M:%S", "naive"),
    ("%d %b %Y %H:%M", "naive"),
    ("%d %b %Y", "naive"),
    ("%d.%m.%Y %H:%M:%S", "naive"),
    ("%d.%m.%Y %H:%M", "naive"),
    ("%d.%m.%Y", "naive"),
]


def day_first(fmt: str) -> str:
    """The day-first twin of a month-first format (``%m/%d/%Y`` -> ``%d/%m/%Y``)."""
    return fmt.replace("%m/%d/", "%d/%m/", 1)


def settle_day_month(frame: pl.LazyFrame, col: str, fmt: str) -> str:
    """For a slash format chosen on a sample, month first unless some value of the whole column has a first
    number above 12 and none a second one above 12: then the column is day first (31/01/2024)."""
    if not fmt.startswith("%m/%d/"):
        return fmt
    parts = pl.col(col).str.strip_chars().str.extract_groups(r"^(\d{1,2})/(\d{1,2})/")
    counts = frame.select(
        (parts.struct.field("1").cast(pl.Int32, strict=False) > 12).sum().alias("first"),
        (parts.struct.field("2").cast(pl.Int32, strict=False) > 12).sum().alias("second"),
    ).collect().row(0)
    return day_first(fmt) if counts[0] and not counts[1] else fmt


def fast_time(expr: pl.Expr, fmt: str, how: str, tz: str) -> pl.Expr:
    """One-format parse of text ``expr`` to wall-clock Datetime('us') in tz (null where it does not fit)."""
    if how == "aware":
        parsed = expr.str.to_datetime(fmt, strict=False, time_unit="us", time_zone="UTC")
        return parsed.dt.convert_time_zone(tz).dt.replace_time_zone(None)
    parsed = expr.str.to_datetime(fmt, strict=False, time_unit="us")
    if how == "utc":
        return parsed.dt.replace_time_zone("UTC").dt.convert_time_zone(tz).dt.replace_time_zone(None)
    return parsed


def choose_fast_format(sample: pl.Series, tz: str) -> tuple[str, str] | None:
    """The single format that reads every value of a (non-empty) text sample, if there is one."""
    values = sample.drop_nulls().str.strip_chars()
    values = values.filter(values != "")
    if values.is_empty():
        return None
    frame = values.to_frame("v")
    for fmt, how in FAST_FORMATS:
        if frame.select(fast_time(pl.col("v"), fmt, how, tz).is_not_null().all()).item():
            return fmt, how
    return None


# Excel counts days from 1899-12-30 (its "1900 system", which counts a 29 February 1900 that never was, so
# from March 1900 on the days line up with this base) or from 1904-01-01 (the "1904 system" of old Mac
# workbooks, a setting of the workbook). The largest serial Excel shows is 9999-12-31.
EXCEL_EPOCHS = {1900: datetime(1899, 12, 30), 1904: datetime(1904, 1, 1)}
EXCEL_MAX_SERIAL = 2_958_465


def excel_serial(number: pl.Expr, date_system: int) -> pl.Expr:
    """Days since the workbook's base date (the fraction is the time of day) as a naive datetime."""
    micros = (number.cast(pl.Float64) * 86_400_000_000).round(0).cast(pl.Int64, strict=False)
    return pl.lit(EXCEL_EPOCHS[date_system], dtype=pl.Datetime("us")) + pl.duration(microseconds=micros)


def parse_time(col: str, dtype: pl.DataType, tz: str, fast: tuple[str, str] | None = None,
               date_system: int | None = None) -> pl.Expr:
    """Wall-clock Datetime('us') in ``tz`` for any date/time representation; null where unreadable.

    With ``fast`` (from :func:`choose_fast_format`), a text column is parsed with that one format only;
    the caller re-parses the values it missed with the general expression. ``date_system`` (1900 or 1904)
    says the column comes from an Excel sheet: there a number is a date serial (a date typed into a cell
    without a date format, or a formula's result), never epoch seconds, which would all fall in January 1970.
    """
    c = pl.col(col)
    if date_system is not None and dtype.is_numeric():
        serial = excel_serial(c, date_system)
        return pl.when((c >= 1) & (c < EXCEL_MAX_SERIAL + 1)).then(serial).otherwise(
            parse_time(col, dtype, tz, fast))
    if fast is not None and dtype == pl.String:
        return fast_time(c.str.strip_chars(), *fast, tz)
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


# a whole number written with a decimal part of zeros: "1.0", "42.00" (spreadsheets and pandas write ids so)
INTEGRAL_FLOAT = r"^([+-]?\d+)\.0+$"


def id_text(col: str, dtype: pl.DataType) -> pl.Expr:
    """Customer ids as text, with whole numbers written as floats read as integers: ``1.0`` is ``1``.

    An analyst expects the customer ``1`` of one export and ``1.0`` of another (a column that went through a
    float on the way) to be one customer; no id system tells customers apart by a trailing ``.0``.
    """
    text = as_text(col, dtype)
    if dtype == pl.String:
        return text.str.replace(INTEGRAL_FLOAT, "${1}")
    return text


def as_text(col: str, dtype: pl.DataType) -> pl.Expr:
    """Ids as strings, exactly as written (whole floats from JSON/Excel lose their '.0')."""
    c = pl.col(col)
    if dtype.is_float():
        return pl.when(c == c.round(0)).then(c.cast(pl.Int64, strict=False).cast(pl.String)) \
            .otherwise(c.cast(pl.String))
    if dtype == pl.String:
        return c.str.strip_chars()
    return c.cast(pl.String, strict=False)
