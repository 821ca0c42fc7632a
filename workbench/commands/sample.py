"""`workbench sample DIR`: PLACEHOLDER, being written (sample-data helper owns this file)."""

import click


@click.command()
@click.argument("directory")
def sample(directory: str) -> None:
    """Write a realistic, seeded sample data set into DIRECTORY."""
    raise click.ClickException("not written yet")
