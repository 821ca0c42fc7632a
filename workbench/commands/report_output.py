"""The report's tables as terminal tables, Markdown and CSV (``workbench report --format table|markdown|csv``).

The tables themselves come from :mod:`workbench.present`; this module only lays them out. Tables and
Markdown are for reading: long histories (daily periods) are cut to the latest cohorts and periods, with a
note; CSV and JSON always hold everything.
"""

from __future__ import annotations

import csv
import io

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from workbench.metrics import Report
from workbench.present.sections import cohort_table, report_tables, revenue_cohort_table
from workbench.present.table import Table, display_rows, displayed_columns, latest
from workbench.present.writers import csv_value, md_cell

MAX_COHORTS = 24
MAX_K = 24
MAX_PERIODS = 36
WIDE = ("cohorts", "cohort_counts", "cumulative_revenue", "revenue_retention", "revenue_cohorts")


def header_lines(report: Report) -> list[str]:
    spec = report.options.period
    unit = spec.unit + (f" (weeks start on {spec.week_start.capitalize()})" if spec.unit == "week" else "")
    title = f"Retention report: {', '.join(report.kinds)}"
    if report.cohorts and report.cohorts.kind == "cohorts":
        title += " (a ready-made cohort table)"
    elif report.cohorts:
        title += f" (cohorts from {report.cohorts.kind})"
    return [title, f"period: {unit}; as of {report.as_of:%Y-%m-%d %H:%M}", *report.notes]


def readable_tables(report: Report) -> list[Table]:
    """The tables cut for reading, their notes saying what was left out."""
    out = []
    noun = report.options.period.noun
    for table in report_tables(report):
        if table.name in WIDE:
            cut, notes = latest(table, MAX_COHORTS, MAX_K, what=f"cohorts ({noun}s)")
        else:
            cut, notes = latest(table, MAX_PERIODS, what=f"periods ({noun}s)", first=table.name == "survival")
        out.append(Table(**{**cut.__dict__, "notes": (*cut.notes, *notes)}))
    return out


def _split(table: Table, rows: list[list[str]], width: int) -> list[list[int]]:
    """Groups of shown-column positions that fit ``width``, each repeating the key columns."""
    shown = displayed_columns(table)
    names = [table.columns[i].name for i in shown]
    widths = [max([len(names[j])] + [len(r[j]) for r in rows]) + 3 for j in range(len(shown))]
    keys = list(range(min(table.key_columns, len(shown))))
    base = sum(widths[j] for j in keys) + 1
    groups, current, used = [], [], base
    for j in range(len(keys), len(shown)):
        if current and used + widths[j] > width:
            groups.append(keys + current)
            current, used = [], base
        current.append(j)
        used += widths[j]
    groups.append(keys + current)
    return groups


def render_table(report: Report, console: Console) -> None:
    for line in header_lines(report):
        console.print(Text(line))
    for table in readable_tables(report):
        rows = display_rows(table)
        shown = displayed_columns(table)
        groups = _split(table, rows, console.width)
        for part, group in enumerate(groups):
            title = table.title + (f" ({part + 1}/{len(groups)})" if len(groups) > 1 else "")
            out = RichTable(title=Text(title), title_justify="left", show_edge=False, pad_edge=False)
            for j in group:
                column = table.columns[shown[j]]
                left = column.kind == "text" and j < table.key_columns
                out.add_column(Text(column.name), justify="left" if left else "right", overflow="fold")
            for row in rows:
                out.add_row(*[Text(row[j]) for j in group])
            console.print()
            console.print(out)
        for note in table.notes:
            console.print(Text(note))


def render_markdown(report: Report) -> str:
    lines = header_lines(report)
    out = [f"# {md_cell(lines[0])}", ""] + [f"- {md_cell(line)}" for line in lines[1:]]
    for table in readable_tables(report):
        shown = displayed_columns(table)
        out += ["", f"## {md_cell(table.title)}", ""]
        out.append("| " + " | ".join(md_cell(table.columns[i].name) for i in shown) + " |")
        out.append("|" + "|".join(":---" if table.columns[i].kind == "text" and j < table.key_columns else "---:"
                                  for j, i in enumerate(shown)) + "|")
        out += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in display_rows(table)]
        if table.notes:
            out.append("")
            out += [md_cell(n) for n in table.notes]
    return "\n".join(out) + "\n"


def csv_tables(report: Report) -> list[Table]:
    """Every table, uncut, with the triangle both as retention % and as active customers, and the revenue
    triangle both as revenue retention % and as revenue."""
    tables = report_tables(report)
    counts = cohort_table(report, percent=False)
    if counts is not None:
        tables.insert(1, counts)
    money = revenue_cohort_table(report, percent=False)
    if money is not None:
        at = next(i for i, t in enumerate(tables) if t.name == "revenue_retention")
        tables.insert(at + 1, money)
    return tables


def render_csv(report: Report) -> str:
    """Every table as a CSV block under a ``# name`` line; raw numbers, completeness in its own column."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    spec = report.options.period
    writer.writerow(["# report", f"kinds={'+'.join(report.kinds)}", f"period={spec.unit}",
                     f"week_start={spec.week_start}", f"as_of={report.as_of.isoformat()}"])
    for table in csv_tables(report):
        buffer.write("\n")
        writer.writerow([f"# {table.name}"])
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([csv_value(v) for v in row])
    return buffer.getvalue()
