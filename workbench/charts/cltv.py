"""CLTV: realised cumulative revenue per customer by periods since acquisition, one line per cohort."""

from __future__ import annotations

from workbench.charts.base import ChartSpec, Series, split_complete
from workbench.metrics import Cltv


def cltv_spec(cltv: Cltv | None, *, current: int | None = None, marker_k: int | None = None) -> ChartSpec:
    """``current`` = index in ``cltv.cumulative`` of the cohort drawn bold."""
    if cltv is None or not cltv.cumulative:
        return ChartSpec("cltv", "Cumulative revenue per customer", (), empty="CLTV needs a revenue column.")
    series: list[Series] = []
    for index, row in enumerate(cltv.cumulative):
        if index != current:
            series += split_complete(row.cohort, range(len(row.per_customer)), row.per_customer, row.complete,
                                     role="faint", legend=False)
    title = f"Cumulative revenue per customer by {cltv.period.noun}s since acquisition"
    if current is not None and 0 <= current < len(cltv.cumulative):
        row = cltv.cumulative[current]
        series += split_complete(f"cohort {row.cohort}", range(len(row.per_customer)), row.per_customer,
                                 row.complete, role="emphasis", bold=True)
        title += f" (cohort {row.cohort} bold)"
    width = max(len(r.per_customer) for r in cltv.cumulative)
    return ChartSpec("cltv", title, tuple(series), xticks=tuple(float(k) for k in range(width)),
                     xlabels=tuple(f"+{k}" for k in range(width)),
                     marker_x=float(marker_k) if marker_k is not None and 0 <= marker_k < width else None)
