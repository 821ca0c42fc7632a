"""Reading customer data: find files, detect their kind and columns, parse, and check every row.

This package never imports Textual: it is used by the command line and by the app alike.
"""

from workbench.io.load import Dataset, LoadOptions, LoadResult, load
from workbench.io.problems import FileReport, Problem, Severity, exit_status

__all__ = ["Dataset", "FileReport", "LoadOptions", "LoadResult", "Problem", "Severity", "exit_status", "load"]
