"""What the app's loading worker does, apart from the worker itself: read the files, then compute the
analysis, reporting progress and stopping early when the worker is cancelled (escape, or a reload).

Kept out of :mod:`workbench.ui.app` so the app only wires the result to the screen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workbench.io import LoadOptions
from workbench.io.load import LoadResult, load
from workbench.metrics.engines.sources import SourceChoice, load_source
from workbench.resources import sample_paths
from workbench.ui.model import Analysis, ViewSettings, compute

# Reading is most of the time; computing takes the rest of the bar.
READ_SHARE = 0.7
COMPUTING = "computing cohorts, the formula, churn, NPS and CLTV"


@dataclass(frozen=True)
class Loaded:
    """A finished load: what the files held, the analysis when any file was usable, and why not otherwise."""

    result: LoadResult
    analysis: Analysis | None
    error: str | None
    cache: dict  # the reductions of ``result`` computed so far (see :func:`workbench.metrics.analyze`)


def load_and_compute(paths: list[str] | None, options: LoadOptions, settings: ViewSettings,
                     progress: Callable[[str, float], None],
                     cancelled: Callable[[], bool], source: SourceChoice | None = None) -> Loaded | None:
    """Load ``paths`` (none: the bundled sample data) and compute; None when cancelled on the way.

    Raises FileNotFoundError when the bundled sample data is missing from the installation."""
    files = paths or sample_paths()
    if source is not None and not source.embedded(files):
        progress(f"asking the {source.engine or 'database'} engine", 0.1)
        result = load_source(files, options, source)  # EngineError: the caller says it in one line
    else:
        result = load(files, options, progress=lambda message, fraction: progress(message, fraction * READ_SHARE))
    if cancelled():
        return None
    progress(COMPUTING, READ_SHARE + 0.05)
    analysis, error, cache = None, None, {}
    if result.datasets:
        try:
            analysis = compute(result, settings, cache)
        except Exception as exc:  # noqa: BLE001 - shown to the analyst, never a traceback
            error = f"{type(exc).__name__}: {exc}"
    return None if cancelled() else Loaded(result, analysis, error, cache)
