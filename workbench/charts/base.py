"""What every chart shares: the series model, the palette, and the one plotext drawing step.

A chart is built in two pure steps:

1. *data → series*: each chart module turns a metrics result into a :class:`ChartSpec` (titles, ticks and
   :class:`Series` of x/y values copied from the result, never computed here);
2. *series → text*: :func:`draw` lays a spec out with plotext on a fresh figure object (plotext's module-level
   functions share one global figure; a figure of our own never clashes with another chart) and returns the
   built text, with ANSI colour codes.

``ascii=True`` draws with plain characters only (markers such as ``*``, ``.`` and ``#``, and plotext's frame
and tick characters translated), so the result has no character above 127 for old terminals and CI logs.
No Textual here: the widgets and the command line both call :func:`draw`.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from plotext._figure import _figure_class as _Figure

RGB = tuple[int, int, int]
ColorValue = str | int | RGB  # a plotext colour name ("blue+"), a 256-colour code, or an RGB tuple

# ---------------------------------------------------------------- palette


@dataclass(frozen=True)
class Palette:
    """Series colours by role. The app fills it from its theme; the command line uses :data:`ANSI_PALETTE`."""

    name: str
    emphasis: ColorValue  # the current cohort, the main line of a chart
    faint: ColorValue  # every other cohort
    average: ColorValue  # the weighted average, a second line
    extra: ColorValue  # Kaplan-Meier, a third line
    marker: ColorValue  # the vertical current-period marker
    good: ColorValue  # promoters, customers gained
    neutral: ColorValue  # passives
    bad: ColorValue  # detractors, churned customers
    muted: ColorValue  # error bands, starting customers

    def color(self, role: str) -> ColorValue:
        return getattr(self, role)


# The 16 terminal colours by name: the terminal's own palette decides the shades, so any terminal theme reads.
ANSI_PALETTE = Palette(name="ansi", emphasis="blue+", faint="gray", average="orange", extra="magenta+",
                       marker="red+", good="green", neutral="orange", bad="red", muted="cyan")


def blend(color: RGB, background: RGB, amount: float) -> RGB:
    """``amount`` of ``color`` over ``background`` (0 = background, 1 = color): a faint shade of a theme colour."""
    return tuple(round(c * amount + b * (1 - amount)) for c, b in zip(color, background, strict=True))  # type: ignore[return-value]


def palette_from_rgb(name: str, *, primary: RGB, secondary: RGB, accent: RGB, warning: RGB, error: RGB,
                     success: RGB, foreground: RGB, background: RGB) -> Palette:
    """A palette from theme colours (RGB): faint cohorts are the primary colour blended into the background."""
    return Palette(name=name, emphasis=primary, faint=blend(primary, background, 0.45), average=accent,
                   extra=secondary, marker=error, good=success, neutral=warning, bad=error,
                   muted=blend(foreground, background, 0.55))


# ---------------------------------------------------------------- the series model


@dataclass(frozen=True)
class Series:
    """One thing drawn: ``kind`` line | points | bar, coloured by palette ``role``.

    ``x``/``y`` are the plotted numbers exactly as the metrics result holds them (tests compare them).
    ``yside`` right puts the series on the right-hand axis (flow: percentages beside counts).
    """

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    role: str = "emphasis"
    kind: str = "line"
    yside: str = "left"
    bold: bool = False
    group: int = 0  # bars of the same group index are drawn side by side (multiple bars)
    legend: bool = True  # False: drawn without a legend entry (the faint cohorts)


@dataclass(frozen=True)
class ChartSpec:
    """Everything a chart draws, before sizes and characters are chosen."""

    name: str
    title: str
    series: tuple[Series, ...]
    xticks: tuple[float, ...] = ()
    xlabels: tuple[str, ...] = ()
    xlabel: str = ""
    ylabel: str = ""
    ylabel_right: str = ""
    marker_x: float | None = None
    ylim: tuple[float, float] | None = None
    ylim_right: tuple[float, float] | None = None
    empty: str = ""  # when set, there is nothing to plot: this sentence is shown instead

    def by_label(self, label: str) -> Series:
        return next(s for s in self.series if s.label == label)

    def labels(self) -> list[str]:
        return [s.label for s in self.series]


def line(label: str, points: Sequence[tuple[float, float | None]], **kwargs) -> Series:
    """A series from (x, y) pairs, leaving out the points whose y is None (an empty cohort, no CS, ...)."""
    kept = [(x, y) for x, y in points if y is not None]
    return Series(label, tuple(x for x, _ in kept), tuple(y for _, y in kept), **kwargs)


def split_complete(label: str, xs: Sequence[float], ys: Sequence[float | None], complete: Sequence[bool],
                   **kwargs) -> list[Series]:
    """A line of the complete points and, apart, the points not final yet (drawn as separate dots)."""
    done = line(label, [(x, y) for x, y, c in zip(xs, ys, complete, strict=True) if c], **kwargs)
    kwargs = {**kwargs, "kind": "points"}
    open_ = line(f"{label} (not over)", [(x, y) for x, y, c in zip(xs, ys, complete, strict=True) if not c],
                 **kwargs)
    return [s for s in (done, open_) if s.x]


# ---------------------------------------------------------------- drawing

_LINE_MARKERS = {"faint": ".", "emphasis": "*", "average": "#", "extra": "+", "muted": ":"}
_BOX_TO_ASCII = str.maketrans({"─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "┼": "+", "┬": "+",
                               "┴": "+", "├": "+", "┤": "+", "•": "o", "█": "#", "–": "-", "—": "-", "−": "-",
                               "±": "+/-", "⅃": "R", "…": "...", "×": "x", "·": "."})
_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def to_ascii(text: str) -> str:
    """Box-drawing and other known characters as ASCII; anything else above 127 becomes '?'."""
    text = text.translate(_BOX_TO_ASCII)
    return text.encode("ascii", "replace").decode("ascii")


def strip_colors(text: str) -> str:
    return _ESCAPE.sub("", text)


def _marker(series: Series, ascii: bool) -> str:
    if series.kind == "bar":
        return "#" if ascii else "sd"
    if series.kind == "points":
        return "o" if ascii else "dot"
    if ascii:
        return "@" if series.bold else _LINE_MARKERS.get(series.role, "*")
    return "braille"


def thin_ticks(ticks: Sequence[float], labels: Sequence[str], room: int) -> tuple[list[float], list[str]]:
    """Every n-th tick so that the labels fit in ``room`` columns (the first and the marker-independent last kept)."""
    if not ticks:
        return [], []
    widest = max(len(label) for label in labels) + 2
    fit = max(1, room // widest)
    step = max(1, -(-len(ticks) // fit))
    keep = list(range(0, len(ticks), step))
    return [ticks[i] for i in keep], [labels[i] for i in keep]


def draw(spec: ChartSpec, *, width: int, height: int, palette: Palette = ANSI_PALETTE, ascii: bool = False,
         color: bool = True) -> str:
    """The chart as text ``width`` × ``height`` cells (ANSI colour codes unless ``color`` is False)."""
    width, height = max(int(width), 20), max(int(height), 6)
    if spec.empty:
        text = _centered([spec.title, "", spec.empty], width, height)
        return to_ascii(text) if ascii else text
    fig = _Figure()
    fig.plot_size(width, height)
    fig._set_size(width, height)
    fig.theme("clear")
    fig.title(spec.title)
    bars = [s for s in spec.series if s.kind == "bar"]
    if bars:
        _draw_bars(fig, bars, palette, ascii)
    for s in spec.series:
        if s.kind == "bar" or not s.x:
            continue
        marker = _marker(s, ascii)
        colour = palette.color(s.role)
        kwargs = {"marker": marker, "color": colour, "yside": s.yside, "label": (s.label or None) if s.legend else None}
        if s.bold and not ascii:
            kwargs["style"] = "bold"
        if s.kind == "points":
            fig.scatter(list(s.x), list(s.y), **kwargs)
        else:
            fig.plot(list(s.x), list(s.y), **kwargs)
    if spec.marker_x is not None:
        fig.vertical_line(spec.marker_x, color=palette.marker)
    if spec.xticks:
        ticks, labels = thin_ticks(spec.xticks, spec.xlabels, max(10, width - 14))
        fig.xticks(ticks, labels)
    if spec.xlabel:
        fig.xlabel(spec.xlabel)
    if spec.ylabel:
        fig.ylabel(spec.ylabel)
    if spec.ylabel_right:
        fig.ylabel(spec.ylabel_right, yside="right")
    if spec.ylim:
        fig.ylim(*spec.ylim)
    if spec.ylim_right:
        fig.ylim(*spec.ylim_right, yside="right")
    text = fig.build().rstrip("\n")
    if not color:
        text = strip_colors(text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return to_ascii(text) if ascii else text


_BAR_MARKERS = {True: "#=+%", False: ("sd", "▓", "▒", "░")}


def _draw_bars(fig: _Figure, bars: list[Series], palette: Palette, ascii: bool) -> None:
    """Bars of one group index side by side around each x (plotext's multiple_bar misplaces them), each series
    with its own fill so that they differ without colour too."""
    groups: dict[int, list[Series]] = {}
    for s in bars:
        groups.setdefault(s.group, []).append(s)
    for members in groups.values():
        share = 0.8 / len(members)
        for j, s in enumerate(members):
            offset = (j - (len(members) - 1) / 2) * share
            fills = _BAR_MARKERS[ascii]
            marker = fills[j % len(fills)] if len(members) > 1 else _marker(s, ascii)
            fig.bar([x + offset for x in s.x], list(s.y), marker=marker, color=palette.color(s.role),
                    label=s.label or None, width=share, yside=s.yside)


def _centered(lines: list[str], width: int, height: int) -> str:
    wrapped = [part for text in lines for part in (textwrap.wrap(text, width) or [""])]
    out = [text.center(width).rstrip() for text in wrapped]
    top = max(0, (height - len(out)) // 2)
    return "\n".join([""] * top + out)

