"""Chart widgets: plotext figures of the metrics results (see :mod:`workbench.charts`), themed and cached."""

from workbench.charts.retention import RetentionData
from workbench.ui.charts.boxes import (
    CHART_BOXES,
    ChartBox,
    ChurnCharts,
    CltvCharts,
    FlowCharts,
    NpsCharts,
    RetentionCharts,
    SurvivalCharts,
)
from workbench.ui.charts.chart import Chart, theme_palette

__all__ = ["CHART_BOXES", "Chart", "ChartBox", "ChurnCharts", "CltvCharts", "FlowCharts", "NpsCharts",
           "RetentionCharts", "RetentionData", "SurvivalCharts", "theme_palette"]
