"""`workbench report PATH...`: every number the data supports, as a table, CSV, Markdown or JSON.

The numbers come from :func:`workbench.metrics.analyze`; this module only lays them out. Load problems go to
stderr (as ``validate`` prints them) and the exit status is validate's: 0 clean, 1 problems found but the data
is usable, 2 unusable.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from workbench.charts import CHART_NAMES
from workbench.cli_options import analysis_options, data_options
from workbench.commands.problems_output import print_reports
from workbench.io import LoadOptions, load
from workbench.metrics import AnalysisOptions, Report, analyze
from workbench.resources import sample_paths

FORMATS = ("table", "csv", "markdown", "json")
# Tables and Markdown are for reading: long histories (daily periods) are cut to the latest cohorts and periods,
# with a note; CSV and JSON always hold everything.
MAX_COHORTS = 24
MAX_K = 24
MAX_PERIODS = 36


def _latest(items: list | tuple, limit: int, noun: str, what: str, notes: list[str]) -> list:
    if len(items) <= limit:
        return list(items)
    notes.append(f"showing the latest {limit} of {len(items):,} {what} ({noun}s); "
                 "--format csv or json has them all.")
    return list(items[-limit:])


# ---------------------------------------------------------------- sections: one table each, raw values


def _num(v, digits: int) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int):
        return f"{v:,}"
    if isinstance(v, float):
        text = f"{v:,.{digits}f}"
        return text[1:] if text.startswith("-") and not text.strip("-0.,") else text  # no "-0.0"
    return str(v)


FORMATTERS: dict[str, Callable] = {
    "text": lambda v: "" if v is None else str(v),
    "int": lambda v: _num(v, 0),
    "pct": lambda v: _num(v, 1),
    "money": lambda v: _num(v, 2),
    "ratio": lambda v: _num(v, 2),
    "bool": lambda v: _num(v, 0),
}


@dataclass
class Section:
    """One table: a title, typed columns, raw rows (CSV gets them unrounded) and lines printed after it."""

    title: str
    columns: list[tuple[str, str]]  # (header, formatter kind)
    name: str = ""  # machine name (CSV section title)
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key_columns: int = 1  # columns repeated when a wide table is split to fit the screen

    def display_rows(self) -> list[list[str]]:
        return [[FORMATTERS[kind](v) for (_, kind), v in zip(self.columns, row, strict=True)] for row in self.rows]


def _cohort_sections(report: Report) -> list[Section]:
    t = report.cohorts
    if t is None:
        return []
    mode = "active in period cohort+k or later" if t.retention_mode == "unbounded" else "active in period cohort+k"
    notes: list[str] = []
    shown = _latest(t.rows, MAX_COHORTS, t.period.noun, "cohorts", notes)
    width = min(max((len(r.active) for r in shown), default=0), MAX_K)
    if t.width > width:
        notes.append(f"showing k = 0 to {width - 1} of {t.width - 1}.")
    section = Section(f"Cohort retention % by {t.period.noun} since the first "
                      f"{'event' if t.kind == 'events' else 'start'} ({mode})",
                      [("cohort", "text"), ("size", "int")] + [(f"+{k}", "text") for k in range(width)],
                      key_columns=2)
    incomplete = False
    for r in shown:
        cells = []
        for k in range(width):
            if k >= len(r.active):
                cells.append("")
                continue
            mark = "" if r.complete[k] else "*"
            incomplete |= not r.complete[k]
            cells.append(_num(r.retention[k], 1) + mark)
        section.rows.append([r.cohort, r.size, *cells])
    section.rows.append(["average", None, *[_num(a, 1) if a is not None else "" for a in t.average[:width]]])
    if incomplete:
        end = "has not ended" if t.kind == "events" else "has not begun"
        section.notes.append(f"* not final: the period {end} by {report.as_of:%Y-%m-%d %H:%M} (as of).")
    section.notes.append("average: size-weighted over complete cells only, all cohorts.")
    section.notes += notes
    return [section]


def _cohort_csv(report: Report) -> list[Section]:
    t = report.cohorts
    if t is None:
        return []
    section = Section("cohorts", name="cohorts", columns=[
        ("cohort", "text"), ("size", "int"), ("k", "int"), ("active", "int"), ("retention", "pct"),
        ("complete", "bool")])
    for r in t.rows:
        for k in range(len(r.active)):
            section.rows.append([r.cohort, r.size, k, r.active[k], r.retention[k], r.complete[k]])
    return [section]


def _flow_sections(report: Report) -> list[Section]:
    f = report.flow
    if f is None or not f.rows:
        return []
    events = f.kind == "events"
    extra = [("resurrected", "int")] if events else [("new lost", "int")]
    columns = [("period", "text"), ("CS", "int"), ("CN", "int"), ("CE", "int"), ("retained", "int"),
               ("churned", "int"), *extra, ("CRR %", "pct"), ("churn %", "pct"), ("kept %", "pct")]
    if events:
        columns.append(("quick ratio", "ratio"))
    section = Section(f"The retention formula per {f.period.noun} (CRR = (CE − CN) / CS × 100)", columns)
    cut: list[str] = []
    rows = _latest(f.rows, MAX_PERIODS, f.period.noun, "periods", cut)
    for r in rows:
        label = r.period + ("" if r.complete else "*")
        row = [label, r.CS, r.CN, r.CE, r.retained, r.churned, r.resurrected if events else r.new_lost,
               r.crr, r.churn_rate, r.starting_retention]
        if events:
            row.append(r.quick_ratio)
        section.rows.append(row)
    section.notes.append("kept % = retained / CS × 100, the retention of the starting customers. "
                         "* = period not complete.")
    section.notes += cut + [f"{r.period}: {r.explanation}" for r in rows if r.explanation]
    sections = [section]
    if f.has_revenue:
        rev = Section(f"Revenue per {f.period.noun}" + (" (MRR at the end of the period)" if not events else ""),
                      [("period", "text"), ("revenue", "money"), ("NRR %", "pct"), ("GRR %", "pct")])
        rev.rows = [[r.period + ("" if r.complete else "*"), r.revenue, r.nrr, r.grr] for r in rows]
        rev.notes.append("NRR/GRR: revenue in the period from the customers of CS, over their revenue in the "
                         "previous period (GRR caps each customer at that previous revenue).")
        sections.append(rev)
    return sections


def _flow_csv(report: Report) -> list[Section]:
    f = report.flow
    if f is None:
        return []
    events = f.kind == "events"
    names = ["CS", "CN", "CE", "retained", "churned", "crr", "churn_rate", "starting_retention"]
    names += ["resurrected", "quick_ratio"] if events else ["new_lost"]
    if f.has_revenue:
        names += ["revenue", "nrr", "grr"]
    section = Section("flow", name="flow", columns=[("period", "text")] + [(n, "text") for n in names]
                      + [("complete", "bool"), ("explanation", "text")])
    for r in f.rows:
        section.rows.append([r.period, *[getattr(r, n) for n in names], r.complete, r.explanation])
    return [section]


def _nps_sections(report: Report, machine: bool = False) -> list[Section]:
    n = report.nps
    if n is None:
        return []
    o = n.overall
    names = (["period", "responses", "promoters", "passives", "detractors", "nps", "moe95", "wald_low",
              "wald_high", "change"] if machine else
             ["period", "responses", "promoters", "passives", "detractors", "NPS", "± 95%", "Wald low",
              "Wald high", "change"])
    kinds = ["text", "int", "int", "int", "int", "pct", "pct", "pct", "pct", "pct"]
    section = Section(f"NPS per {n.period.noun} (promoters 9–10, detractors 0–6)",
                      list(zip(names, kinds, strict=True)), name="nps")
    periods = list(n.by_period) if machine else _latest(n.by_period, MAX_PERIODS, n.period.noun, "periods",
                                                         section.notes)
    for s in (*periods, o):
        label = s.label + ("" if s.complete else "*")
        section.rows.append([label, s.responses, s.promoters, s.passives, s.detractors, s.nps, s.moe95,
                             s.wald_low, s.wald_high, s.change])
    section.notes.append(f"trend: {n.trend_text}. ± 95% = margin of error; Wald = adjusted-Wald 95% interval.")
    section.notes += [s.warning for s in periods if s.warning]
    dist = Section("NPS score distribution (all responses)", [("score", "text")]
                   + [(str(k), "int") for k in range(11)], name="nps_distribution")
    dist.rows.append(["responses", *o.distribution])
    return [section, dist]


def _cltv_sections(report: Report, wide: bool) -> list[Section]:
    c = report.cltv
    if c is None:
        return []
    noun = c.period.noun
    head = Section(f"CLTV (per {noun})", [("piece", "text"), ("value", "text")], name="cltv")
    head.rows = [["ARPU per " + noun, _num(c.arpu, 2)], ["gross margin", f"{c.margin:.0%}"
                                                         + (" (default)" if c.margin_is_default else "")],
                 [f"churn rate per {noun}", _num(c.churn_rate * 100 if c.churn_rate is not None else None, 2)
                  + ("%" if c.churn_rate is not None else "")],
                 ["CLTV", _num(c.cltv, 2)]]
    head.notes.append(c.note)
    arpu = Section(f"ARPU per {noun}", [("period", "text"), ("revenue", "money"), ("customers", "int"),
                                        ("arpu", "money")], name="arpu")
    arpu.rows = [[r.period + ("" if r.complete else "*"), r.revenue, r.customers, r.arpu]
                 for r in _latest(c.by_period, MAX_PERIODS, noun, "periods", arpu.notes)]
    if not wide:  # CSV: raw values, completeness as a column
        head.rows = [["arpu", c.arpu], ["margin", c.margin], ["churn_rate", c.churn_rate],
                     ["churn_period", noun], ["cltv", c.cltv], ["note", c.note]]
        arpu.columns.append(("complete", "bool"))
        arpu.rows = [[r.period, r.revenue, r.customers, r.arpu, r.complete] for r in c.by_period]
    if wide:
        notes: list[str] = []
        shown = _latest(c.cumulative, MAX_COHORTS, noun, "cohorts", notes)
        width = min(max((len(r.per_customer) for r in shown), default=0), MAX_K)
        cum = Section(f"Realised cumulative revenue per customer, by {noun} since acquisition",
                      [("cohort", "text"), ("size", "int")] + [(f"+{k}", "text") for k in range(width)],
                      key_columns=2, notes=notes)
        for r in shown:
            cells = [_num(v, 2) + ("" if done else "*")
                     for v, done in zip(r.per_customer[:width], r.complete[:width], strict=True)]
            cum.rows.append([r.cohort, r.size, *cells, *[""] * (width - len(cells))])
    else:
        cum = Section("cumulative revenue per customer", name="cumulative_revenue_per_customer", columns=[("cohort", "text"), ("size", "int"), ("k", "int"),
                                                          ("per_customer", "money"), ("complete", "bool")])
        for r in c.cumulative:
            cum.rows += [[r.cohort, r.size, k, v, done]
                         for k, (v, done) in enumerate(zip(r.per_customer, r.complete, strict=True))]
    return [head, arpu, cum]


def sections(report: Report, machine: bool = False) -> list[Section]:
    """Every table of the report; ``machine`` = long, unrounded layouts for CSV."""
    if machine:
        return (_cohort_csv(report) + _flow_csv(report) + _nps_sections(report, True)
                + _cltv_sections(report, False))
    return (_cohort_sections(report) + _flow_sections(report) + _nps_sections(report)
            + _cltv_sections(report, True))


def _header(report: Report) -> list[str]:
    spec = report.options.period
    unit = spec.unit + (f" (weeks start on {spec.week_start.capitalize()})" if spec.unit == "week" else "")
    return [f"Retention report: {', '.join(report.kinds)} (cohorts from {report.cohorts.kind})"
            if report.cohorts else f"Retention report: {', '.join(report.kinds)}",
            f"period: {unit}; as of {report.as_of:%Y-%m-%d %H:%M}", *report.notes]


# ---------------------------------------------------------------- renderers


def _split(section: Section, width: int) -> list[list[int]]:
    """Column index groups that fit ``width``, each repeating the key columns."""
    rows = section.display_rows()
    widths = [max([len(h)] + [len(r[i]) for r in rows]) + 3 for i, (h, _) in enumerate(section.columns)]
    keys = list(range(section.key_columns))
    base = sum(widths[i] for i in keys) + 1
    groups, current, used = [], [], base
    for i in range(section.key_columns, len(section.columns)):
        if current and used + widths[i] > width:
            groups.append(keys + current)
            current, used = [], base
        current.append(i)
        used += widths[i]
    groups.append(keys + current)
    return groups


def render_table(report: Report, console: Console) -> None:
    for line in _header(report):
        console.print(Text(line))
    for section in sections(report):
        rows = section.display_rows()
        groups = _split(section, console.width)
        for part, group in enumerate(groups):
            title = section.title + (f" ({part + 1}/{len(groups)})" if len(groups) > 1 else "")
            table = Table(title=Text(title), title_justify="left", show_edge=False, pad_edge=False)
            for i in group:
                name, kind = section.columns[i]
                table.add_column(Text(name), justify="left" if kind == "text" and i < section.key_columns
                                 else "right", overflow="fold")
            for row in rows:
                table.add_row(*[Text(row[i]) for i in group])
            console.print()
            console.print(table)
        for note in section.notes:
            console.print(Text(note))


def _md_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_markdown(report: Report) -> str:
    out = [f"# {_md_cell(_header(report)[0])}", ""] + [f"- {_md_cell(line)}" for line in _header(report)[1:]]
    for section in sections(report):
        out += ["", f"## {_md_cell(section.title)}", ""]
        out.append("| " + " | ".join(_md_cell(h) for h, _ in section.columns) + " |")
        out.append("|" + "|".join(":---" if k == "text" and i < section.key_columns else "---:"
                                  for i, (_, k) in enumerate(section.columns)) + "|")
        out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in section.display_rows()]
        if section.notes:
            out.append("")
            out += [_md_cell(n).replace("*", "\\*", 1) if n.startswith("*") else _md_cell(n)
                    for n in section.notes]
    return "\n".join(out) + "\n"


def render_csv(report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    spec = report.options.period
    writer.writerow(["# report", f"kinds={'+'.join(report.kinds)}", f"period={spec.unit}",
                     f"week_start={spec.week_start}", f"as_of={report.as_of.isoformat()}"])
    for section in sections(report, machine=True):
        buffer.write("\n")
        writer.writerow([f"# {section.name or section.title}"])
        writer.writerow([h for h, _ in section.columns])
        for row in section.rows:
            writer.writerow(["" if v is None else v for v in row])
    return buffer.getvalue()


# ---------------------------------------------------------------- the command


def _print_chart(rep: Report, datasets: dict, name: str, width: int | None, height: int | None,
                 ascii_only: bool | None) -> int:
    """Print one chart; 0 when drawn, 2 (with the reason on stderr) when the data has nothing for it."""
    from workbench.charts import ChartUnavailable, render_chart
    from workbench.metrics.survival import kaplan_meier

    km = None
    if name == "retention" and "subscriptions" in datasets:
        km = kaplan_meier(datasets["subscriptions"], rep.options.period, rep.as_of)
    try:
        text = render_chart(rep, name, width=width, height=height, ascii=ascii_only or None, km=km)
    except ChartUnavailable as exc:
        click.echo(f"Unusable: {exc}", file=sys.stderr)
        return 2
    click.echo(text, nl=False)
    return 0


@click.command()
@click.argument("paths", nargs=-1, required=False)
@data_options
@analysis_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--chart", type=click.Choice(CHART_NAMES),
              help="Draw this chart instead of printing the tables (sized to the terminal).")
@click.option("--width", type=click.IntRange(min=30), help="Chart width in columns (default: the terminal's).")
@click.option("--height", type=click.IntRange(min=8), help="Chart height in lines (default: the terminal's).")
@click.option("--ascii", "ascii_only", is_flag=True, default=None,
              help="Plain-ASCII charts (automatic when the terminal's encoding is not UTF-8).")
def report(paths: tuple[str, ...], load_options: LoadOptions, analysis: Callable[[str], AnalysisOptions],
           fmt: str, chart: str | None, width: int | None, height: int | None, ascii_only: bool | None) -> None:
    """Print cohorts, the retention formula per period, NPS and CLTV: everything the data supports.

    \b
    Exit status: 0 clean, 1 problems found (data still usable), 2 unusable.
    """

    result = load(list(paths) or sample_paths(), load_options)  # no PATH: the bundled sample, as the app
    err = sys.stderr
    if result.exit_status or any(r.problems for r in result.reports):
        print_reports([r for r in result.reports if r.problems or not r.kind], out=err)
    status = result.exit_status
    if not result.datasets:
        click.echo("Unusable: no file could be read; fix the errors above.", file=err)
        sys.exit(2)
    options = analysis(load_options.tz)
    try:
        rep = analyze(result.datasets, options)
    except ValueError as exc:
        click.echo(f"Unusable: {exc}.", file=err)
        sys.exit(2)
    out = sys.stdout
    if chart is not None:
        sys.exit(max(status, _print_chart(rep, result.datasets, chart, width, height, ascii_only)))
    if fmt == "json":
        click.echo(rep.to_json(), file=out)
    elif fmt == "csv":
        click.echo(render_csv(rep), file=out, nl=False)
    elif fmt == "markdown":
        click.echo(render_markdown(rep), file=out, nl=False)
    else:
        render_table(rep, Console(file=out, highlight=False, markup=False, emoji=False, soft_wrap=False))
    sys.exit(status)
