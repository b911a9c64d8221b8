"""Cells of a CSV that people open in a spreadsheet.

Spreadsheets run a cell that starts with one of FORMULA_STARTS as a formula, so a persona named
"=HYPERLINK(...)" could act on the reader's machine (CSV injection, OWASP). Every CSV the studio
writes (the gallery's ZIP manifest, the Costs page's export) passes its text through `safe_cell`:
a leading apostrophe makes the spreadsheet show the text as text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value
