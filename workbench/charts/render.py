"""The command line's entry point: :func:`render_chart` draws a named chart of a whole report."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping

from workbench.charts.base import ANSI_PALETTE, ChartSpec, Palette, draw
from workbench.charts.registry import CHARTS, COMMANDS
from workbench.metrics import Report


class ChartUnavailable(ValueError):
    """The data has nothing for this chart (e.g. an NPS chart without NPS data); the message says why."""


_PLAIN_LOCALES = ("C", "POSIX")  # the locales of plain ASCII


def wants_ascii(stream=None, environ: Mapping[str, str] | None = None) -> bool:
    """True when ``stream`` (default stdout) cannot take UTF-8, or the locale names another codeset
    (``LANG=en_US.ISO-8859-1``) or is the plain C/POSIX locale (``LANG=C``, ``LC_ALL=POSIX``): old terminals
    over SSH. The locale is checked as well because Python writes UTF-8 whatever the terminal does when the
    locale it finds is not installed, or is C or POSIX (it coerces its own ``LC_CTYPE`` to ``C.UTF-8`` and
    turns on its UTF-8 mode, PEP 538 and 540)."""
    encoding = getattr(stream if stream is not None else sys.stdout, "encoding", None) or ""
    if _normal(encoding) not in ("utf8", "utf8sig"):
        return True
    env = os.environ if environ is None else environ
    values = {var: env.get(var) or "" for var in ("LC_ALL", "LC_CTYPE", "LANG")}
    for value in values.values():
        if "." in value and _normal(value.split(".", 1)[1].split("@", 1)[0]) != "utf8":
            return True
    lang = values["LANG"]
    if not values["LC_ALL"] and "." not in lang and _bare(lang) in _PLAIN_LOCALES and _bare(values["LC_CTYPE"]) in ("C", ""):
        return True  # LANG=C, with LC_CTYPE unset or Python's own coercion to C.UTF-8
    effective = next((v for v in values.values() if v), "")
    return "." not in effective and _bare(effective) in _PLAIN_LOCALES


def _bare(locale_name: str) -> str:
    """The locale's name without its codeset and modifier: ``C.UTF-8`` → ``C``."""
    return locale_name.split("@", 1)[0].split(".", 1)[0]


def _normal(encoding: str) -> str:
    return encoding.lower().replace("-", "").replace("_", "")


def chart_specs(report: Report, name: str, width: int = 80) -> list[ChartSpec]:
    """The specs the command line prints for ``name`` (see :data:`workbench.charts.registry.COMMANDS`: churn
    adds revenue retention when there is revenue; nps adds the score distribution of all responses)."""
    if name not in COMMANDS:
        raise ChartUnavailable(f"unknown chart {name!r}; use one of {', '.join(COMMANDS)}")
    charts = [CHARTS[member] for member in COMMANDS[name]]
    specs = [c.build(c.data(report), c.cli_current, None, width) for i, c in enumerate(charts)
             if i == 0 or c.shown(report)]
    if specs and specs[0].empty:
        raise ChartUnavailable(f"no {name} chart for this data: {specs[0].empty}")
    return specs


def render_chart(report: Report, name: str, width: int | None = None, height: int | None = None,
                 ascii: bool | None = None, color: bool = False, palette: Palette = ANSI_PALETTE) -> str:
    """The chart ``name`` as text: sized to the terminal unless ``width``/``height`` are given; plain ASCII
    when ``ascii`` is True, or (None) when stdout's encoding is not UTF-8. Raises :class:`ChartUnavailable`."""
    size = shutil.get_terminal_size((80, 24))
    width = width or size.columns
    height = height or max(size.lines - 1, 10)
    if ascii is None:
        ascii = wants_ascii()
    specs = chart_specs(report, name, width=width)
    each = max(height // len(specs), 8)
    return "\n\n".join(draw(spec, width=width, height=each, palette=palette, ascii=ascii, color=color)
                       for spec in specs) + "\n"
