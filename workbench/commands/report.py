"""`workbench report PATH...`: every number the data supports, as a table, CSV, Markdown or JSON.

The numbers come from :func:`workbench.metrics.analyze`; this module only lays them out. Load problems go to
stderr (as ``validate`` prints them) and the exit status is validate's: 0 clean, 1 problems found but the data
is usable, 2 unusable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click
from rich.console import Console

from workbench.charts import CHART_NAMES
from workbench.cli_options import analysis_options, data_options, source_options
from workbench.commands.problems_output import print_reports
from workbench.commands.report_output import render_csv, render_markdown, render_table
from workbench.io import LoadOptions
from workbench.metrics import AnalysisOptions, Report, analyze
from workbench.metrics.engines.sources import EngineError, SourceChoice, load_source
from workbench.present.report_json import report_json
from workbench.resources import sample_paths

FORMATS = ("table", "csv", "markdown", "json")


# ---------------------------------------------------------------- the command


def _print_chart(rep: Report, name: str, width: int | None, height: int | None, ascii_only: bool | None) -> int:
    """Print one chart; 0 when drawn, 2 (with the reason on stderr) when the data has nothing for it."""
    from workbench.charts import ChartUnavailable, render_chart

    try:
        text = render_chart(rep, name, width=width, height=height, ascii=ascii_only or None)
    except ChartUnavailable as exc:
        click.echo(f"Unusable: {exc}", file=sys.stderr)
        return 2
    click.echo(text, nl=False)
    return 0


@click.command()
@click.argument("paths", nargs=-1, required=False)
@data_options
@source_options
@analysis_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--chart", type=click.Choice(CHART_NAMES),
              help="Draw this chart instead of printing the tables (sized to the terminal).")
@click.option("--width", type=click.IntRange(min=30), help="Chart width in columns (default: the terminal's).")
@click.option("--height", type=click.IntRange(min=8), help="Chart height in lines (default: the terminal's).")
@click.option("--ascii", "ascii_only", is_flag=True, default=None,
              help="Plain-ASCII charts (automatic when the terminal's encoding is not UTF-8).")
def report(paths: tuple[str, ...], load_options: LoadOptions, source: SourceChoice,
           analysis: Callable[[str], AnalysisOptions],
           fmt: str, chart: str | None, width: int | None, height: int | None, ascii_only: bool | None) -> None:
    """Print cohorts, the retention formula per period, NPS and CLTV: everything the data supports.

    \b
    Exit status: 0 clean, 1 problems found (data still usable), 2 unusable.
    """

    try:  # no PATH: the bundled sample, as the app
        result = load_source(list(paths) or sample_paths(), load_options, source)
    except EngineError as exc:
        click.echo(f"Unusable: {exc}", err=True)
        sys.exit(2)
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
    except (ValueError, EngineError) as exc:
        click.echo(f"Unusable: {exc}.", file=err)
        sys.exit(2)
    out = sys.stdout
    if chart is not None:
        sys.exit(max(status, _print_chart(rep, chart, width, height, ascii_only)))
    if fmt == "json":
        click.echo(report_json(rep), file=out)
    elif fmt == "csv":
        click.echo(render_csv(rep), file=out, nl=False)
    elif fmt == "markdown":
        click.echo(render_markdown(rep), file=out, nl=False)
    else:
        render_table(rep, Console(file=out, highlight=False, markup=False, emoji=False, soft_wrap=False))
    sys.exit(status)
