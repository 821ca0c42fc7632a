"""Cell colours for the cohort triangle, taken from the current theme.

A value in 0..1 falls in one of :data:`STEPS` buckets. In a true-colour theme a bucket is a background
blended from ``$surface`` (low) to ``$primary`` (high) with a text colour picked for contrast; in an ANSI
theme (plain terminals over SSH) the terminal's own background is kept and only the text is coloured,
from ``$error`` (low) through ``$warning`` and ``$foreground`` to ``$success`` (high), which every
terminal palette keeps legible. The legend shows the same buckets, so the ramp is never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual.color import Color

STEPS = 5


@dataclass(frozen=True)
class Ramp:
    """One rich Style per bucket, from low to high."""

    styles: tuple[Style, ...]

    def bucket(self, fraction: float | None) -> int | None:
        if fraction is None or fraction != fraction:  # None or NaN
            return None
        clamped = min(max(fraction, 0.0), 1.0)
        return min(int(clamped * STEPS), STEPS - 1)

    def style(self, fraction: float | None) -> Style:
        index = self.bucket(fraction)
        return Style() if index is None else self.styles[index]


def _color(variables: dict[str, str], name: str, fallback: str) -> Color:
    try:
        return Color.parse(variables.get(name) or fallback)
    except Exception:  # a theme without this variable: fall back rather than fail to draw
        return Color.parse(fallback)


def build_ramp(variables: dict[str, str], ansi: bool) -> Ramp:
    """The ramp for a theme, given its CSS variables (``App.get_css_variables()``)."""
    if ansi:
        names = [("error", "ansi_red"), ("warning", "ansi_yellow"), ("foreground", "ansi_default"),
                 ("success", "ansi_green"), ("success", "ansi_bright_green")]
        styles = []
        for index, (name, fallback) in enumerate(names):
            color = _color(variables, name, fallback)
            styles.append(Style(color=color.rich_color, bold=index == STEPS - 1))
        return Ramp(tuple(styles))
    low = _color(variables, "surface", "#1e1e1e")
    high = _color(variables, "primary", "#0178d4")
    styles = []
    for index in range(STEPS):
        background = low.blend(high, index / (STEPS - 1))
        text = background.get_contrast_text(1.0)
        styles.append(Style(bgcolor=background.rich_color, color=text.rich_color))
    return Ramp(tuple(styles))


def legend(ramp: Ramp, revenue: bool) -> Text:
    """The line under the triangle: each step of the ramp with its lower bound, and what ~ and underlines mean."""
    text = Text()
    text.append("% of +0 revenue" if revenue else "%")
    for index in range(STEPS):
        text.append(f" {index * 100 // STEPS}+ ", style=ramp.styles[index])
    text.append(" · ~ not over · underlined: current period")
    return text
