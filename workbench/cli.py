"""The `workbench` command: open the app, or validate / report / make sample data from the shell.

``workbench [PATH...]`` opens the app (on the bundled sample data when no PATH is given);
``workbench validate|report|sample ...`` are scriptable commands whose exit status a CI job
can use: 0 clean, 1 problems found but the data is usable, 2 unusable.
"""

from __future__ import annotations

import json
import sys

import click

from workbench import __version__
from workbench.cli_options import analysis_options, data_options, source_options
from workbench.commands.problems_output import print_reports
from workbench.io import LoadOptions
from workbench.io.problems import rows_dropped
from workbench.resources import sample_paths
from workbench.settings_file import CONFIG_ENV, SettingsFileError, read_settings

SUBCOMMANDS = ("validate", "report", "sample", "sql", "open")


# Imported only when used, so `workbench validate` does not pay for numpy, rich tables or textual.
LAZY_COMMANDS = {
    "report": ("workbench.commands.report", "report"),
    "sample": ("workbench.commands.sample", "sample"),
    "sql": ("workbench.commands.sql", "sql"),
}


class DefaultToOpen(click.Group):
    """A group whose first argument may be a data path: then it means ``workbench open PATH...``.

    The heavier subcommands are imported on first use (see :data:`LAZY_COMMANDS`).
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS and name not in self.commands:
            import importlib

            module, attr = LAZY_COMMANDS[name]
            self.add_command(getattr(importlib.import_module(module), attr), name)
        return super().get_command(ctx, name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known = {*self.commands, *LAZY_COMMANDS, "--help", "-h", "--version"}
        if not args or args[0] not in known:
            args = ["open", *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultToOpen, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workbench")
def cli() -> None:
    """Retention Workbench: cohorts, the retention formula broken down, churn, NPS and CLTV.

    \b
    workbench [PATH...]          open the app (no PATH: the bundled sample data)
    workbench validate [PATH...] check files and list every problem (no PATH: the sample)
    workbench report [PATH...]   print the numbers as a table, CSV, Markdown or JSON
    workbench sample DIR         write a realistic, seeded sample data set
    workbench sql --dialect D --kind K   print the reduction as SQL for a warehouse

    Exit status: 0 clean, 1 problems found (data still usable), 2 unusable (or a bad settings file).
    """


@cli.command()
@click.argument("paths", nargs=-1, required=False)
@data_options
@source_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: {\"files\": [{\"path\", \"kind\", \"format\", \"columns\", \"rows_read\", "
                   "\"rows_kept\", \"problems\": [{\"code\", \"severity\", \"column\", \"row\", \"message\", "
                   "\"fix\", ...}]}], \"exit_status\"}, for scripts.")
def validate(paths: tuple[str, ...], load_options: LoadOptions, source, fmt: str) -> None:
    """Check data files: rows read and kept, and each problem with its file, column, row and fix.

    With no PATH, the bundled sample data (what `workbench` opens with no PATH).
    """
    try:
        files = list(paths) or sample_paths()
    except FileNotFoundError as exc:  # the bundled sample data is missing from the installation
        click.echo(f"Unusable: {exc}", err=True)
        sys.exit(2)
    from workbench.metrics.engines.sources import EngineError, load_source

    try:
        result = load_source(files, load_options, source)
    except EngineError as exc:
        click.echo(f"Unusable: {exc}", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps({"files": [r.to_dict() for r in result.reports],
                               "exit_status": result.exit_status}, indent=2))
    else:
        print_reports(result.reports)
        status = result.exit_status
        dropped = rows_dropped(result.reports)
        kept = ("nothing was dropped; the data is usable" if not dropped else
                f"{dropped:,} row{'' if dropped == 1 else 's'} dropped (see above); the rest is usable")
        verdicts = {0: "OK: no problems found.", 1: f"Problems found; {kept}.",
                    2: "Unusable: fix the errors above."}
        if status == 0 and any(r.problems for r in result.reports):
            verdicts[0] = "OK: nothing dropped (see the notes above)."
        click.echo(verdicts[status])
    sys.exit(result.exit_status)


@cli.command(name="open")
@click.argument("paths", nargs=-1)
@data_options
@source_options
@analysis_options
@click.option("--ascii/--unicode", "ascii_only", default=None,
              help="Draw charts with plain ASCII, or with braille and box characters. "
                   "Default: ASCII when the terminal's encoding (or the locale) is not UTF-8.")
@click.option("--config", "config_path", metavar="PATH", envvar=CONFIG_ENV, show_envvar=True,
              help="Settings file: theme, keys, default options (see README, 'Settings file'). "
                   "Default: $XDG_CONFIG_HOME/retention-workbench/config.toml, when it exists.")
def open_app(paths: tuple[str, ...], load_options: LoadOptions, source, analysis, ascii_only: bool | None,
             config_path: str | None) -> None:
    """Open the app on PATH... (default: the bundled sample data).

    Options given here win over the settings file's [defaults].
    """
    from workbench.ui.app import run_app

    try:
        file = read_settings(config_path, _app_names)
    except SettingsFileError as exc:  # the app cannot start as asked: say what to fix, no traceback
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    if ascii_only is None:
        ascii_only = file.defaults.ascii_charts
    status = run_app(list(paths), load_options, analysis(load_options.tz, file.defaults), ascii_charts=ascii_only,
                     source=source, keymap=file.keymap(), theme=file.theme)
    if status:  # the app stopped on an error (its traceback is printed): the shell must know
        sys.exit(status)


def _app_names():
    """What a settings file may name in the app, asked only when there is a file: knowing every binding
    imports every screen, which the app's start otherwise leaves for when each opens."""
    from workbench.ui.keymap import app_names

    return app_names()


def main() -> None:
    cli(prog_name="workbench")


if __name__ == "__main__":
    main()
