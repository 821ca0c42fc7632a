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

    canonical: pl.DataFrame
    extras: pl.LazyFrame | None = None
    kept: pl.Series | None = None

    def full(self) -> pl.DataFrame:
        if self.extras is None:
            return self.canonical
        others = self.extras.collect()
        if self.kept is not None:
            others = others.filter(self.kept)
        return self.canonical.hstack(others)


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
        self.kind = kind
        self.files = files if files is not None else []
        self.tz = tz
        self._parts = parts
        self._canonical: pl.DataFrame | None = None
        self._frame: pl.DataFrame | None = frame

    def __repr__(self) -> str:
        return f"Dataset(kind={self.kind!r}, files={len(self.files)}, tz={self.tz!r})"

    @property
    def canonical(self) -> pl.DataFrame:
        """The canonical columns of every file's rows, in file order."""
        if self._canonical is None:
            frames = [p.canonical for p in self._parts]
            self._canonical = pl.concat(frames, how="diagonal_relaxed") if len(frames) > 1 else frames[0]
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
        frame = self.canonical
        return "revenue" in frame.columns and frame["revenue"].null_count() < frame.height

    def lazy(self) -> pl.LazyFrame:
        return self.canonical.lazy()
