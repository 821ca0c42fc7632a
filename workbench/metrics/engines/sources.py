"""Where the rows come from: files read by polars (the default), or a source an engine reduces where it lives.

``report``, ``validate`` and the app take the same ``--engine``, ``--table`` and ``--spark-master`` options
(:func:`workbench.cli_options.source_options`) and get a :class:`~workbench.io.LoadResult` either way: for the
polars engine the files are loaded and checked by :mod:`workbench.io`; for the others the datasets are handles
on the engine (:class:`~workbench.metrics.engines.dataset.EngineDataset`) and the reports are the engine's
checks, with the same codes and wording.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workbench.io import LoadOptions, LoadResult, load
from workbench.metrics.engines import Engine, EngineError, open_engine, source_engine
from workbench.metrics.engines.dataset import engine_datasets

__all__ = ["EngineError", "SourceChoice", "load_source"]


@dataclass(frozen=True)
class SourceChoice:
    """``--engine`` (None: polars, or what a URL says), ``--table`` and ``--spark-master``."""

    engine: str | None = None
    table: str | None = None
    spark_master: str | None = None

    def embedded(self, paths: list[str]) -> bool:
        """True when polars reads the files (no other engine asked for, no database URL, no table)."""
        return self.table is None and source_engine(paths, self.engine) == "polars"


def load_source(paths: list[str], options: LoadOptions, choice: SourceChoice | None = None,
                opened: Callable[[Engine], None] | None = None) -> LoadResult:
    """The rows of ``paths`` as datasets and reports. Raises :class:`EngineError` (one line, no password)
    when the engine cannot reach the data. ``opened(engine)`` is called before the engine checks the rows
    (the app keeps it, to cancel those queries)."""
    choice = choice or SourceChoice()
    if choice.embedded(paths):
        return load(paths, options)
    engine = open_engine(paths, options, choice.engine, choice.table, choice.spark_master)
    if opened is not None:
        opened(engine)
    return LoadResult(datasets=engine_datasets(engine), reports=engine.file_reports())
