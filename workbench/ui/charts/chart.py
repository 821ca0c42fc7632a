"""One widget for every chart: give it the metrics result (``data``), the current period (``marker_index``)
and, for cohort charts, the current cohort (``current``); it draws with :func:`workbench.charts.base.draw`.

Our own small widget over plotext's figure ``build()`` rather than textual-plotext's ``PlotextPlot``:

* the figure text comes from the same pure functions as ``workbench report --chart`` (one drawing path,
  testable without Textual, ASCII mode included);
* redraw only what changed: plotext builds a figure only when the data, the cohort, the size, the palette or
  the ASCII mode change. When only the current period moves (n/p), the cached figure gets the marker drawn
  over it at the column plotext itself would use (:meth:`Canvas.column`), which takes about a millisecond
  instead of a full build. ``PlotextPlot`` rebuilds the whole figure on every ``render()`` and registers its
  themes in plotext's global theme table.

Colours: series colours come from the app theme (primary, accent, secondary, error, success, warning over the
background) and follow theme changes through ``app.theme_changed_signal``. ANSI themes get the 16 terminal
colours by name and plotext's ``clear`` theme (every chart uses it: no canvas or axis colour of its own), so
axis text is the terminal's foreground and stays legible.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace
from typing import Any

from rich.color import Color as RichColor
from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.color import Color
from textual.reactive import reactive
from textual.widget import Widget

from workbench.charts.base import (
    ANSI_PALETTE,
    Canvas,
    ChartSpec,
    Palette,
    colour_code,
    draw,
    draw_figure,
    palette_from_rgb,
)
from workbench.charts.registry import CHARTS

CACHE_SIZE = 64


BUILDERS = {name: chart.build for name, chart in CHARTS.items()}  # the registry, as the widget uses it


def theme_palette(app: App) -> Palette:
    """Series colours from the app's current theme; the terminal's own 16 colours for ANSI themes."""
    theme = app.current_theme
    if theme.ansi:
        return ANSI_PALETTE
    variables = app.get_css_variables()

    def rgb(name: str, fallback: str) -> tuple[int, int, int]:
        return Color.parse(variables.get(name) or fallback).rgb

    return palette_from_rgb(theme.name, primary=rgb("primary", "#0178D4"), secondary=rgb("secondary", "#004578"),
                            accent=rgb("accent", "#ffa62b"), warning=rgb("warning", "#ffa62b"),
                            error=rgb("error", "#ba3c5b"), success=rgb("success", "#4EBF71"),
                            foreground=rgb("foreground", "#e0e0e0"), background=rgb("background", "#1e1e1e"))


def _lru_get(cache: OrderedDict, key):
    value = cache.get(key)
    if value is not None:
        cache.move_to_end(key)
    return value


def _lru_put(cache: OrderedDict, key, value) -> None:
    cache[key] = value
    if len(cache) > CACHE_SIZE:
        cache.popitem(last=False)


def marker_style(colour) -> Style:
    """A Rich style for a palette colour (RGB tuple, 256-colour code or plotext colour name)."""
    if isinstance(colour, tuple):
        return Style(color=RichColor.from_rgb(*colour))
    code = colour if isinstance(colour, int) else colour_code(colour)
    return Style(color=RichColor.from_ansi(code)) if code is not None else Style()


def with_marker(text: Text, canvas: Canvas, column: int, style: Style, ascii: bool) -> Text:
    """``text`` with plotext's vertical line at ``column``: on the blank cells of the plot area (data stays on
    top, as plotext draws it) and as tick marks on the frame above and below."""
    lines = text.split("\n", allow_blank=True)
    bar = "|" if ascii else "│"
    ticks = {canvas.top: "+" if ascii else "┬", canvas.bottom: "+" if ascii else "┴"}
    for row in range(canvas.top, min(canvas.bottom, len(lines) - 1) + 1):
        line = lines[row]
        if len(line) <= column:
            line = line + " " * (column + 1 - len(line))
        cell = line.plain[column]
        if row in ticks:  # plotext marks a vertical line on the frame whatever tick was there
            lines[row] = line[:column] + Text(ticks[row]) + line[column + 1:]
        elif cell == " ":
            lines[row] = line[:column] + Text(bar, style) + line[column + 1:]
    return Text("\n", no_wrap=True, overflow="crop").join(lines)


class Chart(Widget):
    """A plotext chart of ``data`` (the result its ``kind`` plots) with a marker at ``marker_index``."""

    DEFAULT_CSS = """
    Chart {
        width: 1fr;
        height: 1fr;
        min-height: 8;
    }
    """

    data: reactive[Any] = reactive(None, always_update=True)
    current: reactive[int | None] = reactive(None)  # the cohort drawn bold (retention, cltv)
    marker_index: reactive[int | None] = reactive(None)  # the current period on this chart's x axis
    ascii: reactive[bool] = reactive(False)

    def __init__(self, kind: str, *, ascii: bool = False, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        if kind not in BUILDERS:
            raise ValueError(f"unknown chart {kind!r}; use one of {', '.join(BUILDERS)}")
        super().__init__(name=name, id=id, classes=classes)
        self.kind = kind
        self.set_reactive(Chart.ascii, ascii)
        self._cache: OrderedDict[tuple, Text] = OrderedDict()  # finished figures by widget state
        self._figures: OrderedDict[tuple, tuple[Text, Canvas | None]] = OrderedDict()  # figures without marker
        self._palette: Palette = ANSI_PALETTE
        self.builds = 0  # figures built (not served from the cache): the tests and benchmark read it
        self.spec: ChartSpec | None = None  # the spec of the latest figure built

    def on_mount(self) -> None:
        self._palette = theme_palette(self.app)
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme) -> None:
        palette = theme_palette(self.app)
        if palette != self._palette:
            self._palette = palette
            self.refresh()

    def watch_data(self) -> None:
        self._cache.clear()  # keyed by id(data): a new result object may reuse an old id
        self._figures.clear()

    def render(self) -> Text:
        width, height = self.content_size.width, self.content_size.height
        if width <= 0 or height <= 0:
            return Text("")
        key = (id(self.data), self.current, self.marker_index, width, height, self._palette, self.ascii)
        text = _lru_get(self._cache, key)
        if text is None:
            text = self.build(width, height)
            _lru_put(self._cache, key, text)
        return text

    def build(self, width: int, height: int) -> Text:
        """The figure for the current state: the figure without its marker comes from a cache when only the
        marker moved (the common case when stepping periods), and the marker is drawn over it."""
        spec = BUILDERS[self.kind](self.data, self.current, self.marker_index, width)
        self.spec = spec
        base_key = (replace(spec, marker_x=None), spec.marker_x is not None, width, height, self._palette,
                    self.ascii)
        figure = _lru_get(self._figures, base_key)
        if figure is None:
            self.builds += 1
            raw, canvas = draw_figure(spec, width=width, height=height, palette=self._palette, ascii=self.ascii,
                                      marker=False)
            figure = (Text.from_ansi(raw, no_wrap=True, overflow="crop"), canvas)
            _lru_put(self._figures, base_key, figure)
        text, canvas = figure
        if spec.marker_x is None:
            return text
        column = canvas.column(spec.marker_x) if canvas is not None else None
        if column is None:  # not on the plotted x range: let plotext draw it
            self.builds += 1
            raw = draw(spec, width=width, height=height, palette=self._palette, ascii=self.ascii)
            return Text.from_ansi(raw, no_wrap=True, overflow="crop")
        return with_marker(text, canvas, column, marker_style(self._palette.marker), self.ascii)

    def plain(self) -> str:
        """The chart as plain text at its current size (for tests and screen readers)."""
        return self.render().plain
