"""The chart widget in a tiny app: every chart in a dark, a light and an ANSI theme at 80×24 and 120×40,
the marker following the period, theme changes, the cache, and the plain-ASCII mode."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult

from workbench.charts import strip_colors
from workbench.charts.base import ANSI_PALETTE
from workbench.charts.retention import RetentionData
from workbench.io import load
from workbench.metrics import AnalysisOptions, analyze, survival_of
from workbench.resources import sample_paths
from workbench.ui.charts import Chart

THEMES = ("textual-dark", "textual-light", "ansi-dark")
SIZES = ((80, 24), (120, 40))
KINDS = ("retention", "flow", "churn", "revenue", "nps", "nps_distribution", "cltv")


@pytest.fixture(scope="module")
def data():
    loaded = load(sample_paths())
    report = analyze(loaded.datasets, AnalysisOptions())
    km = survival_of(loaded.datasets["subscriptions"], report.options.period, report.as_of).curve
    return {"retention": RetentionData(report.cohorts, km), "flow": report.flow, "churn": report.flow,
            "revenue": report.flow, "nps": report.nps, "nps_distribution": report.nps.by_period[5],
            "cltv": report.cltv}


class ChartApp(App[None]):
    """One chart filling the screen."""

    def __init__(self, kind: str, data, theme: str = "textual-dark", marker: int | None = 3,
                 current: int | None = 2, ascii: bool = False) -> None:
        super().__init__()
        self.kind, self.chart_data, self.start_theme = kind, data, theme
        self.start_marker, self.start_current, self.start_ascii = marker, current, ascii

    def compose(self) -> ComposeResult:
        yield Chart(self.kind, ascii=self.start_ascii, id="chart")

    def on_mount(self) -> None:
        self.theme = self.start_theme
        chart = self.query_one(Chart)
        chart.data = self.chart_data
        chart.current = self.start_current
        chart.marker_index = self.start_marker


def run(coro):
    return asyncio.run(coro)


def marker_column(text: str) -> int:
    counts: dict[int, int] = {}
    for line in text.split("\n"):
        bars = [i for i, ch in enumerate(line) if ch in "|│"]
        for i in bars[1:-1]:
            counts[i] = counts.get(i, 0) + 1
    return max(counts, key=counts.get)


# ---------------------------------------------------------------- pilot


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("kind", KINDS)
def test_every_chart_renders_in_every_theme(data, kind, theme):
    async def scenario():
        app = ChartApp(kind, data[kind], theme=theme)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            chart = app.query_one(Chart)
            text = chart.plain()
            assert chart.spec is not None and not chart.spec.empty
            assert chart.spec.title.split(" (")[0][:30] in text
            assert chart.builds >= 1
            lines = text.split("\n")
            assert len(lines) <= 24 and max(len(line) for line in lines) <= 80
            if theme.startswith("ansi"):
                assert chart._palette == ANSI_PALETTE
            else:
                assert chart._palette.name == theme
    run(scenario())


@pytest.mark.parametrize("kind", ("retention", "flow", "churn", "nps", "cltv"))
def test_marker_moves_with_the_period(data, kind):
    async def scenario():
        app = ChartApp(kind, data[kind], marker=2, ascii=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            chart = app.query_one(Chart)
            columns = [marker_column(chart.plain())]
            assert chart.spec.marker_x == 2
            for step in (5, 9):
                chart.marker_index = step
                await pilot.pause()
                assert chart.spec.marker_x == step
                columns.append(marker_column(chart.plain()))
            assert columns == sorted(columns) and len(set(columns)) == 3
    run(scenario())


def test_redraws_only_what_changed(data):
    async def scenario():
        app = ChartApp("retention", data["retention"], marker=1)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            chart = app.query_one(Chart)
            chart.plain()
            built = chart.builds
            chart.refresh()
            await pilot.pause()
            chart.plain()
            assert chart.builds == built  # a repaint without a change: served from the cache
            before = chart.plain()
            for step in (2, 3, 4, 1):  # stepping periods: the marker is drawn over the cached figure
                chart.marker_index = step
                await pilot.pause()
                assert chart.plain() != before
                before = chart.plain()
                assert chart.builds == built
            chart.current = 5  # another cohort in bold: a new figure
            await pilot.pause()
            chart.plain()
            assert chart.builds == built + 1
            chart.current = 2  # back: cached
            await pilot.pause()
            chart.plain()
            assert chart.builds == built + 1
            chart.data = data["retention"]  # new data: caches dropped
            await pilot.pause()
            chart.plain()
            assert chart.builds == built + 2
    run(scenario())


def test_colours_follow_theme_changes(data):
    async def scenario():
        app = ChartApp("churn", data["churn"], theme="textual-dark")
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            chart = app.query_one(Chart)
            dark = chart._palette
            app.theme = "textual-light"
            await pilot.pause()
            assert chart._palette != dark and chart._palette.name == "textual-light"
            app.theme = "ansi-light"
            await pilot.pause()
            assert chart._palette == ANSI_PALETTE
            styles = {str(span.style) for span in chart.render().spans}
            assert not any("#" in s for s in styles)  # only the terminal's named colours in ANSI themes
    run(scenario())


def test_ascii_mode_has_no_character_above_127(data):
    async def scenario():
        for kind in KINDS:
            app = ChartApp(kind, data[kind], ascii=True)
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()
                text = app.query_one(Chart).plain()
                assert text.strip() and max(map(ord, text)) <= 127, kind
    run(scenario())


def test_plotted_values_are_the_metrics(data):
    """The widget plots the spec of the pure chart functions, whose series tests/test_charts.py checks."""
    async def scenario():
        app = ChartApp("churn", data["churn"], marker=4)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            spec = app.query_one(Chart).spec
            rows = data["churn"].rows
            line = spec.by_label("churn %")
            assert list(line.y) == [r.churn_rate for r in rows if r.complete and r.churn_rate is not None]
            top = strip_colors(app.query_one(Chart).plain()).split("\n")
            # the y axis reaches the largest value, with even, round ticks (issue 13: no 548.0, no 83.3)
            ticks = [float(row.split("┤")[0].replace(",", "")) for row in top if "┤" in row.split("│")[0]]
            assert max(ticks) >= max(line.y)
            steps = {round(a - b, 6) for a, b in zip(ticks, ticks[1:], strict=False)}
            assert len(steps) == 1 and all(t == int(t) for t in ticks)
    run(scenario())


# ---------------------------------------------------------------- snapshots


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("kind", KINDS)
def test_snapshot(snap_compare, data, kind, theme, size):
    assert snap_compare(ChartApp(kind, data[kind], theme=theme), terminal_size=size)


def cells(text) -> list[list[tuple[str, str]]]:
    """Every cell of a Rich Text as (character, style), trailing blanks left out."""
    from rich.console import Console

    console = Console()
    return [[(line.plain[j], str(line.get_style_at_offset(console, j))) for j in range(len(line.plain.rstrip()))]
            for line in text.split("\n", allow_blank=True)]


@pytest.mark.parametrize("ascii", (False, True))
@pytest.mark.parametrize("kind", ("retention", "flow", "churn", "revenue", "nps", "cltv"))
def test_marker_over_a_cached_figure_is_what_plotext_draws(data, kind, ascii):
    """The fast path (marker drawn over the figure built without it) gives plotext's own picture, cell for cell
    and colour for colour."""
    from rich.text import Text

    from workbench.charts import draw
    from workbench.ui.charts.chart import BUILDERS

    async def scenario():
        app = ChartApp(kind, data[kind], marker=0, ascii=ascii)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            chart = app.query_one(Chart)
            width, height = chart.content_size.width, chart.content_size.height
            for step in (0, 1, 4, 7, 12):
                chart.marker_index = step
                await pilot.pause()
                spec = BUILDERS[kind](data[kind], chart.current, step, width)
                full = Text.from_ansi(draw(spec, width=width, height=height, palette=chart._palette, ascii=ascii))
                assert cells(chart.render()) == cells(full), (kind, step)
    run(scenario())
