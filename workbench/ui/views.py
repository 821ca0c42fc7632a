"""Pure glue from an :class:`Analysis` to what each widget is given (no Textual, no arithmetic on data)."""

from __future__ import annotations

from workbench.io.text import printable
from workbench.ui.formula_panel import CellInfo, FormulaView
from workbench.ui.model import Analysis


def cell_info(analysis: Analysis, row: int | None, k: int) -> CellInfo | None:
    triangle = analysis.report.cohorts
    if triangle is None or row is None or not 0 <= row < len(triangle.rows):
        return None
    cohort = triangle.rows[row]
    if not 0 <= k < len(cohort.active):
        return None
    spec = triangle.period
    return CellInfo(cohort=cohort.cohort, k=k, period=spec.label_of(spec.index_of(cohort.start) + k),
                    active=cohort.active[k], size=cohort.size, retention=cohort.retention[k],
                    complete=cohort.complete[k], noun=spec.noun)


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


def status_line(analysis: Analysis | None, percent: bool, playing: bool) -> str:
    if analysis is None:
        return "Retention Workbench"
    report = analysis.report
    parts = [
        "+".join(report.kinds) or "no data",
        f"by {analysis.spec.noun}",
        report.options.retention,
        "percent" if percent else "counts",
        f"as of {report.as_of:%Y-%m-%d}",
    ]
    if playing:
        parts.append("▶ playing")
    return printable(" · ".join(parts), 400)
