"""What the first rows of a column say about its role, beside its name.

Names alone pick a response id as the respondent or a contact's creation date as the response date. A sample
of the first rows (:data:`SAMPLE_ROWS`) settles what names cannot: a time column parses, a score holds whole
numbers from 0 to 10, a customer id repeats across rows and is filled in. Every test here is only used to
choose among columns whose names already make them candidates, or to find a score whose name is a question
(Typeform names the column after the question asked), never to take a column the name rules out.
"""

from __future__ import annotations

import polars as pl

from workbench.io.parse import choose_fast_format, parse_number, parse_time

SAMPLE_ROWS = 1_000


class Sample:
    """The first rows of a file, as read (text stays text), and the Excel date system when a workbook.

    The rows are read when first asked about (a file whose names leave no choice never reads them), and each
    answer is kept, as detection asks the same question for several roles.
    """

    def __init__(self, frame: pl.LazyFrame | pl.DataFrame, date_system: int | None = None,
                 labels: dict[str, str] | None = None):
        self._source = frame
        self._rows: pl.DataFrame | None = frame if isinstance(frame, pl.DataFrame) else None
        self.date_system = date_system
        self.labels = labels or {}
        self._answers: dict[tuple[str, str], object] = {}

    @property
    def frame(self) -> pl.DataFrame:
        if self._rows is None:
            try:
                self._rows = self._source.head(SAMPLE_ROWS).collect()
            except Exception:  # noqa: BLE001 - a malformed body is reported by the full read, with its fallbacks
                self._rows = pl.DataFrame(schema=self._source.collect_schema())
        return self._rows

    def _cached(self, question: str, col: str, answer):
        key = (question, col)
        if key not in self._answers:
            self._answers[key] = answer(col)
        return self._answers[key]

    def filled(self, col: str) -> float:
        return self._cached("filled", col, self._filled)

    def repeats(self, col: str) -> bool:
        return self._cached("repeats", col, self._repeats)

    def parses_as_time(self, col: str) -> bool:
        return self._cached("parses_as_time", col, self._parses_as_time)

    def holds_scores(self, col: str) -> bool:
        return self._cached("holds_scores", col, self._holds_scores)

    def _values(self, col: str) -> pl.Series:
        return self.frame.get_column(col).drop_nulls()

    def _filled(self, col: str) -> float:
        """The share of sample rows where the column holds a value (not null, not empty text)."""
        series = self.frame.get_column(col)
        if self.frame.height == 0:
            return 0.0
        empty = series.is_null() | ((series.cast(pl.String, strict=False).str.strip_chars() == "")
                                    if series.dtype == pl.String else series.is_null())
        return 1 - empty.sum() / self.frame.height

    def _repeats(self, col: str) -> bool:
        """Whether some value occurs on more than one row (a customer id does, a response id does not)."""
        values = self._values(col)
        return values.n_unique() < values.len()

    def _parses_as_time(self, col: str) -> bool:
        """Whether most of the column's values read as dates or times."""
        values = self._values(col)
        if values.is_empty():
            return False
        if values.dtype == pl.String and choose_fast_format(values, "UTC") is not None:
            return True
        parsed = values.to_frame(col).select(parse_time(col, values.dtype, "UTC", date_system=self.date_system))
        return parsed.to_series().is_not_null().sum() >= 0.9 * values.len()

    def _holds_scores(self, col: str) -> bool:
        """Whether every value is a whole number from 0 to 10, with at least one value."""
        values = self._values(col)
        numbers = values.to_frame(col).select(parse_number(col, values.dtype)).to_series()
        if numbers.is_empty() or numbers.null_count():
            return False
        return bool(((numbers >= 0) & (numbers <= 10) & (numbers == numbers.round(0))).all())


def read_sample(frame: pl.LazyFrame, date_system: int | None = None,
                labels: dict[str, str] | None = None) -> Sample:
    """The first rows of a scanned file, read when first needed (empty when they cannot be read: the full
    read reports why)."""
    return Sample(frame, date_system, labels)
