"""`workbench report`: PLACEHOLDER, being written (metrics helper owns this file)."""

import click


@click.command()
@click.argument("paths", nargs=-1, required=True)
def report(paths) -> None:
    """Print the numbers."""
    raise click.ClickException("not written yet")
