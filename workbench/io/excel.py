"""What a workbook says about its own dates: Excel's 1900 or 1904 date system.

A date typed into a cell without a date format is stored, and read by calamine, as a plain number: the days
since the workbook's base date. Which base depends on a workbook setting (``<workbookPr date1904="1"/>`` in
``xl/workbook.xml``, the default of old Mac Excel), so the same number is a date four years apart in two files.
"""

from __future__ import annotations

import re
import zipfile

_DATE1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*[\"'](?:1|true)[\"']", re.IGNORECASE)


def date_system(path: str) -> int:
    """1904 when the workbook uses the 1904 date system, else 1900 (also when the setting cannot be read:
    calamine has read the sheet already, so the workbook is sound; 1900 is Excel's default)."""
    try:
        with zipfile.ZipFile(path) as book:
            head = book.read("xl/workbook.xml")[:20_000]
    except (OSError, KeyError, zipfile.BadZipFile):
        return 1900
    return 1904 if _DATE1904.search(head) else 1900
