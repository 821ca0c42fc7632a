"""Retention curves: every cohort faint, the current cohort bold, the weighted average, and Kaplan-Meier.

x = periods since the cohort's start (k), y = retention % exactly as :class:`CohortTriangle` holds it.
Points that are not final yet (``complete[k]`` False) are drawn apart, as dots.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.charts.base import ChartSpec, Series, line, split_complete
from workbench.metrics import CohortTriangle


@dataclass(frozen=True)
class RetentionData:
    """What the retention chart plots: the triangle and, when available, Kaplan-Meier survival % by k of the
    ``km_kind`` customers (subscriptions when loaded, else events: see :mod:`workbench.metrics.survival`)."""

    triangle: CohortTriangle | None
    km: Sequence[float | None] | None = None
    km_kind: str = "subscriptions"

    @property
    def km_label(self) -> str:
        return km_label_for(self.triangle, self.km_kind)


def km_label_for(triangle: CohortTriangle | None, km_kind: str = "subscriptions") -> str:
    """The name of the Kaplan-Meier curve; beside cohorts of another kind it says whose survival it is."""
    return "Kaplan-Meier" if triangle is None or triangle.kind == km_kind else f"KM {km_kind}"


def retention_spec(triangle: CohortTriangle | None, *, current: int | None = None, marker_k: int | None = None,
                   km: Sequence[float | None] | None = None, km_kind: str = "subscriptions") -> ChartSpec:
    """``current`` = row index of the cohort drawn bold (default: none); ``marker_k`` = where the marker stands;
    ``km`` = Kaplan-Meier survival % by k of the ``km_kind`` customers (see :mod:`workbench.metrics.survival`),
    when available, named by :func:`km_label_for`."""
    if triangle is None or not triangle.rows:
        return ChartSpec("retention", "Retention curves", (), empty="No cohorts: load events or subscriptions.")
    noun = triangle.period.noun
    series: list[Series] = []
    for index, row in enumerate(triangle.rows):
        if index != current:
            series += split_complete(row.cohort, range(len(row.retention)), row.retention, row.complete,
                                     role="faint", legend=False)
    average = line("average", list(enumerate(triangle.average)), role="average")
    if average.x:
        series.append(average)
    if km:
        curve = line(km_label_for(triangle, km_kind), list(enumerate(km)), role="extra")
        if curve.x:
            series.append(curve)
    title = f"Retention % by {noun}s since the start"
    if current is not None and 0 <= current < len(triangle.rows):
        row = triangle.rows[current]
        series += split_complete(f"cohort {row.cohort}", range(len(row.retention)), row.retention, row.complete,
                                 role="emphasis", bold=True)
        title += f" (cohort {row.cohort} bold, dots not final)"
    width = triangle.width
    return ChartSpec("retention", title, tuple(series), xticks=tuple(range(width)),
                     xlabels=tuple(f"+{k}" for k in range(width)), ylim=(0, 100),
                     yticks=(0, 25, 50, 75, 100),
                     marker_x=marker_k if marker_k is not None and 0 <= marker_k < width else None)
