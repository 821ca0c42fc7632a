"""Pure glue from an :class:`Analysis` to what each widget is given (no Textual, no arithmetic on data)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from workbench.io.text import printable
from workbench.ui.formula_panel import CellInfo, FormulaView
from workbench.ui.model import CELL_NAMES, Analysis, ViewSettings


def cell_info(analysis: Analysis, row: int | None, k: int, view: str = "percent") -> CellInfo | None:
    """The cell under the cursor as the triangle shows it in ``view`` (revenue views: with its revenue)."""
    triangle = analysis.report.cohorts
    if triangle is None or row is None or not 0 <= row < len(triangle.rows):
        return None
    cohort = triangle.rows[row]
    if not 0 <= k < len(cohort.active):
        return None
    spec = triangle.period
    money = {}
    revenue = analysis.report.revenue_cohorts
    if revenue is not None and row < len(revenue.rows) and revenue.rows[row].cohort == cohort.cohort:
        paid = revenue.rows[row]
        money = {"revenue": paid.revenue[k], "first_revenue": paid.revenue[0], "revenue_retention": paid.retention[k]}
    return CellInfo(cohort=cohort.cohort, k=k, period=spec.label_of(spec.index_of(cohort.start) + k),
                    active=cohort.active[k], size=cohort.size, retention=cohort.retention[k],
                    complete=cohort.complete[k], noun=spec.noun, ci_lower=cohort.ci_lower[k],
                    ci_upper=cohort.ci_upper[k], too_wide=cohort.too_wide[k], view=analysis.cell_view(view), **money)


def no_formula_note(analysis: Analysis) -> str:
    report = analysis.report
    if report.flow is None:
        kinds = ", ".join(report.kinds) or "nothing"
        return (f"The retention formula needs events or subscriptions (loaded: {kinds}). Load a file with a "
                "customer id and a date per purchase or visit, or subscription start and end dates.")
    return (f"The retention formula needs at least two {analysis.spec.noun}s of data; this data covers one. "
            "Press T for a shorter period.")


def formula_view(analysis: Analysis, position: int, cell: CellInfo | None) -> FormulaView:
    rows = analysis.flow_rows
    noun = analysis.spec.noun
    if not rows:
        return FormulaView(None, 0, 0, analysis.report.kind, noun, cell, no_formula_note(analysis))
    position = min(max(position, 0), len(rows) - 1)
    return FormulaView(rows[position], position, len(rows), analysis.report.kind, noun, cell)


def status_line(analysis: Analysis | None, view: str, playing: bool, settings: ViewSettings | None = None,
                note: str | None = None) -> str:
    """Kinds, period, retention mode, what the cells show, and the as-of (``set`` when chosen with @ or
    --as-of, else the data's end); ``computing`` while the analysis is not yet the one for ``settings``
    (those asked for); without an analysis, ``note`` (why there is none)."""
    if analysis is None:
        return "Retention Workbench" + (f" · {note}" if note else "")
    computing = settings is not None and analysis.settings.key() != settings.key()
    return _status(analysis, view, playing) + (f"  ·  computing by {settings.unit}…" if computing else "")


def _status(analysis: Analysis, view: str, playing: bool) -> str:
    report = analysis.report
    chosen = " (set)" if analysis.settings.as_of is not None else ""
    parts = [
        "+".join(report.kinds) or "no data",
        f"by {analysis.spec.noun}",
        report.options.retention,
        CELL_NAMES[analysis.cell_view(view)],
        f"as of {report.as_of:%Y-%m-%d}{chosen}",
    ]
    if playing:
        parts.append("▶ playing")
    return printable(" · ".join(parts), 400)


def step_for(analysis: Analysis, text: str) -> int | None:
    """The step (position n/p move through) of a typed period: its label (``2025-03``, ``2025-Q1``,
    ``2025-03-10``) or any date in it (``2025-03-14``, ``2025-03``, ``2025``); None when it has no step."""
    spec = analysis.spec
    text = text.strip()
    try:
        index = spec.index_of_label(text)
    except ValueError:
        index = None
        for form in ("%Y-%m-%d", "%Y-%m", "%Y"):
            try:
                index = spec.index_of(datetime.strptime(text, form))
                break
            except ValueError:
                continue
    if index is None or index not in analysis.period_index:
        return None
    return analysis.period_index.index(index)


def parse_as_of(text: str, tz: str = "UTC", starts: datetime | None = None) -> tuple[datetime | None, str | None]:
    """The as-of typed at ``@``: (the moment, None), (None, None) for empty (the data's end), or (None, why not).

    Written as ``--as-of`` takes it (``2025-03-31``, ``2025-03-31T12:00``; an offset is converted to ``tz``,
    the zone the data is read in). ``starts``: the first period's start; a date before it would leave
    nothing to count, so it is refused too."""
    text = text.strip()
    if not text:
        return None, None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None, (f"'{printable(text, 40)}' is not a date: write it as 2025-03-31 or 2025-03-31T12:00 "
                      "(empty: the data's end). Nothing changed.")
    if when.tzinfo is not None:
        when = when.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    if starts is not None and when < starts:
        return None, (f"The data starts on {starts:%Y-%m-%d}: as of {when:%Y-%m-%d} there is nothing to count. "
                      "Nothing changed.")
    return when, None


def cell_text(cell: CellInfo) -> str:
    """The cell under the cursor as one line of plain text (what ``y`` copies)."""
    value = "–" if cell.retention is None else f"{cell.retention:.1f} %"
    tail = "" if cell.complete else " (not over yet)"
    if cell.about_revenue:
        return f"Cohort {cell.cohort} +{cell.k} {cell.noun}s ({cell.period}): {cell.revenue_words()}{tail}"
    return (f"Cohort {cell.cohort} +{cell.k} {cell.noun}s ({cell.period}): {cell.active:,} active / "
            f"{cell.size:,} in the cohort = {value}{tail}")


def at_ends(position: int, count: int) -> tuple[bool, bool]:
    """Whether ``position`` is the first and the last of ``count`` periods (the footer dims p and n there)."""
    return position <= 0, position >= count - 1
