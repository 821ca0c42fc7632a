"""Presentation without Textual: a report as named tables of raw values, and the writers of every format.

``io`` → ``metrics`` → ``present`` → ``ui`` and ``cli``: the app's tables, its ctrl+s exports and the command
line's table, CSV, Markdown and JSON outputs are all built here, so they use the same names and marks.
"""

from workbench.present.report_json import report_dict, report_json
from workbench.present.sections import report_tables
from workbench.present.table import EMPTY, INCOMPLETE, Column, Table, display_rows
from workbench.present.writers import to_csv, to_markdown, write_table

__all__ = ["EMPTY", "INCOMPLETE", "Column", "Table", "display_rows", "report_dict", "report_json", "report_tables",
           "to_csv", "to_markdown", "write_table"]
