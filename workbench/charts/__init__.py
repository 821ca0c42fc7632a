"""ASCII charts of the metrics results with plotext, shared by the app's chart widgets and ``report --chart``.

Pure rendering: a metrics result goes in, plotext figure text comes out; no Textual, and no metric is
computed here (every plotted number is read from :mod:`workbench.metrics` results). Each chart module has a
``*_spec`` function (data → :class:`ChartSpec`, whose series tests compare with the metrics) and
:func:`workbench.charts.base.draw` turns any spec into text.

Command line use::

    text = render_chart(report, "retention", width=100, height=30, ascii=True)
"""

from __future__ import annotations

import importlib

from workbench.charts.registry import CHARTS, COMMANDS

CHART_NAMES = tuple(COMMANDS)  # what `report --chart` takes

# Imported on first use (PEP 562), so that `from workbench.charts import CHART_NAMES` does not load plotext:
# the command line declares its options with it and should start fast.
_LAZY = {
    "ANSI_PALETTE": "base", "Canvas": "base", "ChartSpec": "base", "Palette": "base", "Series": "base",
    "draw": "base", "draw_figure": "base", "strip_colors": "base", "to_ascii": "base",
    "churn_spec": "churn", "revenue_spec": "churn", "cltv_spec": "cltv", "flow_spec": "flow",
    "nps_distribution_spec": "nps", "nps_trend_spec": "nps", "retention_spec": "retention",
    "RetentionData": "retention", "survival_spec": "survival", "segments_spec": "survival",
    "ChartUnavailable": "render", "chart_specs": "render", "render_chart": "render", "wants_ascii": "render",
}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"workbench.charts.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'workbench.charts' has no attribute {name!r}")


__all__ = ["CHARTS", "CHART_NAMES", "COMMANDS", *_LAZY]
