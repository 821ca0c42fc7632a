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

import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

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
    width: float = 0.8  # bars: the bar width in x units
    offset: float = 0.0  # bars: drawn this far right of x (bars side by side); x itself stays the period
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
    yticks: tuple[float, ...] = ()  # round ticks for a fixed range (plotext's own would be 83.3, 66.7, ...)
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

_LINE_MARKERS = {"faint": ".", "emphasis": "*", "average": "@", "extra": "&", "muted": ":"}
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


def thin_ticks(ticks: Sequence[float], labels: Sequence[str], room: int) -> tuple[list[float], list[str]]:
    """Every n-th tick so that the labels fit in ``room`` columns (the first and the marker-independent last kept)."""
    if not ticks:
        return [], []
    widest = max(len(label) for label in labels) + 2
    fit = max(1, room // widest)
    step = max(1, -(-len(ticks) // fit))
    keep = list(range(0, len(ticks), step))
    return [ticks[i] for i in keep], [labels[i] for i in keep]


def fit_ticks(ticks: Sequence[float], rows: int) -> list[float]:
    """Every other tick (the ends kept) until each has a row of its own: when two share a row, which label
    plotext writes there changes from run to run."""
    ticks = list(ticks)
    while len(ticks) > max(rows, 2):
        ticks = ticks[::2] if len(ticks) % 2 else [*ticks[:-1:2], ticks[-1]]
    return ticks


@dataclass(frozen=True)
class Canvas:
    """Where the plot area lies in a built figure: enough to place the vertical marker without a rebuild.

    ``top``/``bottom`` are the rows of the frame above and below the plot area, ``left`` its first column and
    ``width`` its number of columns, ``xlim`` the x range plotext mapped onto those columns."""

    top: int
    bottom: int
    left: int
    width: int
    xlim: tuple[float, float]

    def column(self, x: float) -> int | None:
        """The text column plotext draws a vertical line at ``x`` in (its own formula), None if outside."""
        lo, hi = self.xlim
        if hi <= lo or not lo <= x <= hi or self.width < 1:
            return None
        return self.left + math.floor(round(0.5 + (self.width - 1) * (x - lo) / (hi - lo), 8))


def draw(spec: ChartSpec, *, width: int, height: int, palette: Palette = ANSI_PALETTE, ascii: bool = False,
         color: bool = True) -> str:
    """The chart as text ``width`` × ``height`` cells (ANSI colour codes unless ``color`` is False).

    The legend is one line under the plot (plotext's own legend box would hide the data at the top left)."""
    return draw_figure(spec, width=width, height=height, palette=palette, ascii=ascii, color=color)[0]


def draw_figure(spec: ChartSpec, *, width: int, height: int, palette: Palette = ANSI_PALETTE, ascii: bool = False,
                color: bool = True, marker: bool = True) -> tuple[str, Canvas | None]:
    """:func:`draw`, and the :class:`Canvas` of the figure. ``marker=False`` leaves the vertical line out (the
    legend still names it): the widgets draw it over a cached figure with :meth:`Canvas.column`."""
    width, height = max(int(width), 20), max(int(height), 6)
    if spec.empty:
        text = _centered([spec.title, "", spec.empty], width, height)
        return (to_ascii(text) if ascii else text), None
    # imported here, with the first chart drawn: the app's start (a chart hidden at first) does not wait for it
    from plotext._figure import _figure_class

    glyphs = _glyphs(spec, ascii)
    legend = _legend(spec, glyphs, palette, width, ascii)
    fig = _figure_class()
    plot_height = height - 1 if legend else height
    fig.plot_size(width, plot_height)
    fig._set_size(width, plot_height)
    fig.theme("clear")
    right = any(s.yside == "right" for s in spec.series)
    # plotext drops a title wider than the plot: leave room for the tick labels on each side
    fig.title(fit_title(spec.title, width - 9 - (8 if right else 0)))
    for index, s in enumerate(spec.series):
        if s.kind == "bar" and s.x:
            fig.bar([x + s.offset for x in s.x], list(s.y), marker=glyphs[index][0], color=palette.color(s.role), width=s.width,
                    yside=s.yside)
    for index, s in enumerate(spec.series):
        if s.kind == "bar" or not s.x:
            continue
        kwargs = {"marker": glyphs[index][0], "color": palette.color(s.role), "yside": s.yside}
        if s.bold and not ascii:
            kwargs["style"] = "bold"
        if s.kind == "points":
            fig.scatter(list(s.x), list(s.y), **kwargs)
        else:
            fig.plot(list(s.x), list(s.y), **kwargs)
    if spec.marker_x is not None and marker:
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
    rows = max(2, min(6, (plot_height - 3) // 2 + 1))
    if spec.ylim:
        fig.ylim(*spec.ylim)
    if spec.yticks and plot_height >= 8:
        tick_rows = plot_height - 2 - bool(spec.title) - bool(spec.xticks) - bool(spec.xlabel)
        ticks = fit_ticks(spec.yticks, tick_rows)  # ticks that would share a row: plotext writes either label
        fig.yticks(ticks, [tick_label(t) for t in ticks])
    elif not spec.ylim:
        _nice_axis(fig, [s for s in spec.series if s.yside != "right"], rows, None, "left")
    if right:
        _nice_axis(fig, [s for s in spec.series if s.yside == "right"], rows, spec.ylim_right, "right")
    text = fig.build().rstrip("\n")
    canvas = _canvas(strip_colors(text), fig.monitor.xlim[0])
    if legend:
        text += "\n" + legend
    if not color:
        text = strip_colors(text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return (to_ascii(text) if ascii else text), canvas


def tick_label(value: float) -> str:
    """A tick as written on an axis: ``548``, ``2.5``, ``0`` (never ``548.0``)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _floor_step(q: float) -> int:
    """floor, except that a value a rounding error away from a whole step is that step."""
    return round(q) if abs(q - round(q)) < 1e-12 else math.floor(q)


def _ceil_step(q: float) -> int:
    return round(q) if abs(q - round(q)) < 1e-12 else math.ceil(q)


def nice_ticks(low: float, high: float, count: int, integer: bool = False) -> list[float]:
    """About ``count`` evenly spaced round ticks (steps of 1, 2, 2.5 or 5 × 10^n) covering low..high; whole
    steps when the values are counts."""
    if high < low:
        low, high = high, low
    span = high - low or abs(high) or 1.0
    raw = span / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw * (1 - 1e-9))
    if integer:
        step = max(1.0, float(math.ceil(step)))
    first, last = _floor_step(low / step), _ceil_step(high / step)
    if first == last:
        last += 1
    return [round(i * step, 10) for i in range(first, last + 1)]


def _nice_axis(fig, series: Sequence[Series], count: int, fixed: tuple[float, float] | None, side: str) -> None:
    """Even, round ticks on one y axis, covering every value (a fixed range only grows to fit the data: a CRR
    above 100 % is drawn, not clipped)."""
    values = [v for s in series for v in s.y if v is not None and math.isfinite(v)]
    if not values and fixed is None:
        return
    low = min(values + ([fixed[0]] if fixed else []))
    high = max(values + ([fixed[1]] if fixed else []))
    if any(s.kind == "bar" for s in series):
        low = min(low, 0.0)
    integer = all(float(v).is_integer() for v in values) and fixed is None
    ticks = nice_ticks(low, high, count, integer)
    fig.ylim(ticks[0], ticks[-1], yside=side)
    fig.yticks(ticks, [tick_label(t) for t in ticks], yside=side)


def _canvas(plain: str, xlim) -> Canvas | None:
    """The plot area of a built (unicode, colourless) figure: between the frame corners."""
    lines = plain.split("\n")
    top = next((i for i, line in enumerate(lines) if "┌" in line), None)
    bottom = next((i for i, line in enumerate(lines) if "└" in line), None)
    if top is None or bottom is None or None in xlim or "┐" not in lines[top]:
        return None
    left = lines[top].index("┌") + 1
    return Canvas(top=top, bottom=bottom, left=left, width=lines[top].index("┐") - left,
                  xlim=(float(xlim[0]), float(xlim[1])))


def _glyphs(spec: ChartSpec, ascii: bool) -> list[tuple[str, str]]:
    """(plotext marker, legend glyph) per series; side-by-side bars each get their own fill."""
    out: list[tuple[str, str]] = []
    bars = 0
    for s in spec.series:
        if s.kind == "bar":
            fill = _BAR_FILLS[ascii][bars % len(_BAR_FILLS[ascii])]  # distinct without colour too
            bars += 1
            out.append((fill, "█" if fill == "sd" else fill))
        elif s.kind == "points":
            out.append(("o", "o") if ascii else ("dot", "•"))
        elif ascii:
            char = _LINE_MARKERS.get(s.role, "*")
            out.append((char, char * 2))
        else:
            out.append(("braille", "━━" if s.bold else "──"))
    return out


def _legend(spec: ChartSpec, glyphs: list[tuple[str, str]], palette: Palette, width: int, ascii: bool) -> str:
    """One line: a coloured glyph and the label of every series with a legend (dots 'not over' once)."""
    items: list[tuple[str, ColorValue, str]] = []
    seen_open = False
    for s, (_, glyph) in zip(spec.series, glyphs, strict=True):
        if not s.label or not s.x:
            continue
        if s.label.endswith("(not over)"):  # once, even for the faint cohorts
            if seen_open:
                continue
            seen_open = True
            items.append((glyph, palette.color(s.role), "not over"))
        elif s.legend:
            items.append((glyph, palette.color(s.role), s.label))
    if spec.marker_x is not None:
        items.append(("|" if ascii else "│", palette.marker, "now"))
    room = width - 1  # one blank column, so two charts side by side never run their legends together
    for labels, gap in (([label for _, _, label in items], "  "), ([_short(label) for _, _, label in items], "  "),
                        ([_short(label) for _, _, label in items], " ")):
        if sum(len(label) + 2 for label in labels) + len(gap) * (len(labels) - 1) <= room:
            break
    out, used = "", 0
    for (glyph, colour, _), label in zip(items, labels, strict=True):
        piece = f"{glyph} {label}"
        if used + len(piece) + (len(gap) if used else 0) > room:
            break
        out += (gap if used else "") + _ansi(colour) + glyph + "\x1b[0m " + label
        used += len(piece) + (len(gap) if used else 0)
    return out


def _short(label: str) -> str:
    """A legend label without its trailing range or detail, for a narrow chart: 'promoters 9-10' → 'promoters',
    'too few answers' → 'too few', '95% margin' → 'margin'."""
    label = re.sub(r"\s+\d+\s*[-–]\s*\d+$", "", label)
    label = re.sub(r"\s*\(.*\)$", "", label)
    label = re.sub(r"^\d+%\s+", "", label)
    return re.sub(r"\s+answers$", "", label)


def _ansi(colour: ColorValue) -> str:
    if isinstance(colour, tuple):
        return "\x1b[38;2;{};{};{}m".format(*colour)
    if isinstance(colour, int):
        return f"\x1b[38;5;{colour}m"
    code = colour_code(colour)
    return f"\x1b[38;5;{code}m" if code is not None else ""


def colour_code(name: str) -> int | None:
    """The 256-colour code of a plotext colour name (``"blue+"``), None when plotext has no such name."""
    from plotext._dict import color_codes  # on first use, not at import (see draw_figure)

    return color_codes.get(name)


_BAR_FILLS = {True: "#=+%", False: ("sd", "▓", "▒", "░")}


def fit_title(title: str, room: int) -> str:
    """The title, without its bracketed detail if it does not fit, cut with '...' if it still does not."""
    if len(title) > room and " (" in title:
        title = title[:title.index(" (")]
    if len(title) > room and ", " in title:  # 'Scores 0-10, 2024-10: 2 answers, NPS 100' → '2024-10: ...'
        title = title.split(", ", 1)[1]
    return title if len(title) <= room else title[:max(room - 3, 0)] + "..."


def _centered(lines: list[str], width: int, height: int) -> str:
    wrapped = [part for text in lines for part in (textwrap.wrap(text, width) or [""])]
    out = [text.center(width).rstrip() for text in wrapped]
    top = max(0, (height - len(out)) // 2)
    return "\n".join([""] * top + out)

