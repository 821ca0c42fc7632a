"""Where the bundled sample data lives, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

SAMPLE_FILES = ("events.csv", "subscriptions.csv", "nps.csv")


def sample_data_dir() -> Path:
    """The bundled sample data: inside the installed package, else ``sample_data/`` of the checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_sample_data", here.parent / "sample_data"):
        if all((candidate / name).is_file() for name in SAMPLE_FILES):
            return candidate
    raise FileNotFoundError("the bundled sample data is missing; run `workbench sample DIR` to make some")


def sample_paths() -> list[str]:
    folder = sample_data_dir()
    return [str(folder / name) for name in SAMPLE_FILES]
