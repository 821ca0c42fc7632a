"""The loaded rows of one kind: the checked canonical columns the metrics read, and the rest on demand.

A file's other columns (an event log's properties) are not needed by any metric, so they are not held with
the rows: :attr:`Dataset.frame` reads them again from the source when it is asked for, while
:meth:`Dataset.lazy` (what the reductions use) holds only the canonical columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from workbench.io.problems import FileReport


@dataclass
class Rows:
    """One file's checked rows: ``canonical`` columns, and a plan for its ``extras`` with the mask of the rows
    ``kept`` (None: all) to align them."""

    canonical: pl.DataFrame | pl.LazyFrame  # lazy: a scan of the file, read again by each reduction
    extras: pl.LazyFrame | None = None
    kept: pl.Series | None = None
    revenue: bool | None = None  # some kept row has revenue (None: look at the rows)

    def rows(self) -> pl.DataFrame:
        return self.canonical.collect() if isinstance(self.canonical, pl.LazyFrame) else self.canonical

    def full(self) -> pl.DataFrame:
        if self.extras is None:
            return self.rows()
        others = self.extras.collect()
        if self.kept is not None:
            others = others.filter(self.kept)
        return self.rows().hstack(others)

    def has_revenue(self) -> bool:
        if self.revenue is not None:
            return self.revenue
        rows = self.rows()
        return "revenue" in rows.columns and rows["revenue"].null_count() < rows.height


class Dataset:
    """All loaded rows of one kind, in canonical columns (see :mod:`workbench.io.load`).

    ``Dataset(kind, frame, files, tz)`` wraps rows already in canonical columns (tests, benchmarks); the
    loader gives ``parts``, one per file.
    """

    def __init__(self, kind: str, frame: pl.DataFrame | None = None, files: list[FileReport] | None = None,
                 tz: str = "UTC", parts: list[Rows] | None = None):
        if parts is None:
            if frame is None:
                raise ValueError("a Dataset needs a frame or parts")
            parts = [Rows(frame)]
        if frame is None and len(parts) == 1 and parts[0].extras is None \
                and isinstance(parts[0].canonical, pl.DataFrame):
            frame = parts[0].canonical
        self.kind = kind
        self.files = files if files is not None else []
        self.tz = tz
        self._parts = parts
        self._canonical: pl.DataFrame | None = None
        self._frame: pl.DataFrame | None = frame

    def __repr__(self) -> str:
        return f"Dataset(kind={self.kind!r}, files={len(self.files)}, tz={self.tz!r})"

    @property
    def canonical(self) -> pl.DataFrame | pl.LazyFrame:
        """The canonical columns of every file's rows, in file order: a LazyFrame when some file is read again
        for each use (see :func:`workbench.io.load.load_file`), else a DataFrame."""
        if self._canonical is None:
            frames = [p.canonical for p in self._parts]
            if len(frames) == 1:
                self._canonical = frames[0]
            elif any(isinstance(f, pl.LazyFrame) for f in frames):
                self._canonical = pl.concat([f.lazy() for f in frames], how="diagonal_relaxed")
            else:
                self._canonical = pl.concat(frames, how="diagonal_relaxed")
        return self._canonical

    @property
    def frame(self) -> pl.DataFrame:
        """The canonical columns and, for events, the file's other columns unchanged (read again for this)."""
        if self._frame is None:
            frames = [p.full() for p in self._parts]
            self._frame = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
        return self._frame

    @property
    def has_revenue(self) -> bool:
        return any(p.has_revenue() for p in self._parts)

    def lazy(self) -> pl.LazyFrame:
        return self.canonical.lazy()

    def rows_where(self, predicate: pl.Expr) -> pl.DataFrame:
        """The rows whose canonical columns match ``predicate``, with the file's other columns too, read again
        for those rows only (one customer's rows for a timeline, without holding every column of the log)."""
        frames = []
        for part in self._parts:
            rows = part.canonical.lazy().with_row_index("__row").filter(predicate).collect()
            if part.extras is not None and rows.height:
                # canonical row i is the i-th row the checks kept
                raw = rows["__row"] if part.kept is None else part.kept.arg_true().gather(rows["__row"])
                others = (part.extras.with_row_index("__raw").filter(pl.col("__raw").is_in(raw.implode()))
                          .collect().drop("__raw"))
                rows = rows.hstack(others)
            frames.append(rows.drop("__row"))
        return pl.concat(frames, how="diagonal_relaxed") if frames else self.canonical.lazy().head(0).collect()
