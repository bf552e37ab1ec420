"""The lot sheet: A4 pages of vector QR codes with their serials, with or without a system font."""

from __future__ import annotations

import re

from labels.codes import sheet
from labels.codes.sheet import COLUMNS, PER_PAGE, ROWS, lot_sheet_pdf

PAGE = re.compile(rb"/Type\s*/Page\b")


def codes(count: int) -> list[tuple[str, str]]:
    return [(f"S{n:011d}", f"https://id.ecoreg.example/01/09506000134352/21/S{n:011d}") for n in range(count)]


def test_the_grid_fits_a4_inside_the_margins():
    assert (COLUMNS, ROWS) == (5, 7)
    assert sheet.MARGIN + sheet.HEADER + ROWS * sheet.CELL_H + sheet.MARK + 1 <= sheet.PAGE_H
    assert 2 * sheet.MARGIN + COLUMNS * sheet.CELL_W <= sheet.PAGE_W
    assert sheet.QR_MM >= 20


def test_pages_follow_the_number_of_codes():
    for count, pages in ((0, 1), (1, 1), (PER_PAGE, 1), (PER_PAGE + 1, 2), (3 * PER_PAGE, 3)):
        pdf = lot_sheet_pdf(codes(count), "Lô thử nghiệm")
        assert pdf.startswith(b"%PDF-") and len(PAGE.findall(pdf)) == pages, count


def test_without_a_system_font_the_title_is_written_without_diacritics(monkeypatch):
    monkeypatch.setattr(sheet, "font_path", lambda weight="regular": None)
    pdf = lot_sheet_pdf(codes(2), "Bánh pía Đồng Nai · lô/lot 2611A")
    assert pdf.startswith(b"%PDF-") and b"/Helvetica" in pdf
    assert sheet._ascii("Bánh pía Đồng Nai") == "Banh pia Dong Nai"
