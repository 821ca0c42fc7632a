"""Chart widgets: plotext figures of the metrics results (see :mod:`workbench.charts`), themed and cached."""

from workbench.ui.charts.chart import Chart, RetentionData, theme_palette

__all__ = ["Chart", "RetentionData", "theme_palette"]
