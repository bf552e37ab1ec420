"""Reading rows from the CSV and Excel files that small enterprises fill in by hand."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from labels.errors import InvalidInput


def read_rows(filename: str, content: bytes) -> Iterator[tuple[int, dict[str, str]]]:
    """``(row number, {column: text})`` for every non-empty data row; row 1 is the header."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(content)
    elif suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(content)
    else:
        raise InvalidInput.one("file", "file-type", "upload a .csv or .xlsx file")
    header: list[str] | None = None
    for number, cells in enumerate(rows, start=1):
        if header is None:
            header = [c.strip().lower() for c in cells]
            continue
        if not any(c.strip() for c in cells):
            continue
        yield (
            number,
            {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header) if name},
        )
    if header is None:
        raise InvalidInput.one("file", "header", "the file is empty; the first row names the columns")


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    try:
        # utf-8-sig: Excel writes a byte-order mark in front of "CSV UTF-8" files.
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput.one("file", "encoding", "save the CSV file as UTF-8") from None
    return csv.reader(io.StringIO(text))


def _xlsx_rows(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # imported here: only Excel imports pay for it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many unrelated types for a damaged file
        raise InvalidInput.one("file", "file-type", "the file is not a readable .xlsx workbook") from None
    sheet = workbook.worksheets[0]
    for row in sheet.iter_rows(values_only=True):
        yield ["" if v is None else _cell_text(v) for v in row]


def _cell_text(value: object) -> str:
    # Excel stores a GTIN typed into a cell as a number; 8935049500018.0 must read as digits.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
