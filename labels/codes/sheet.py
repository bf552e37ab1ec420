"""A printable A4 PDF sheet of a lot's QR codes, with cut marks; framework-free (fpdf2).

Codes are drawn as vector rectangles (one per run of dark modules in a row), not as images: they stay
sharp at any printer resolution and at any zoom, no viewer smooths them, and the file is small. Each
cell holds one code (level M, quiet zone 4, :data:`QR_MM` wide) with its serial printed under it; cut
marks are ticks in the page margin along every cell edge and small crosses where inner edges meet.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
from fpdf import FPDF

from labels.codes import qr
from labels.codes.fonts import font_path

PAGE_W, PAGE_H = 210.0, 297.0  # A4, mm
MARGIN = 10.0  # cut marks live in the margin
HEADER = 8.0
CELL_W, CELL_H = 38.0, 38.0
QR_MM = 28.0
COLUMNS = int((PAGE_W - 2 * MARGIN) // CELL_W)
ROWS = int((PAGE_H - 2 * MARGIN - HEADER) // CELL_H)
PER_PAGE = COLUMNS * ROWS
MARK = 4.0  # length of a margin tick
CROSS = 1.2  # half the arm of an inner cross
LINE = 0.1  # cut marks, mm


def _ascii(text: str) -> str:
    """Latin-1 safe text for the built-in PDF font (only when no TrueType font is found)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return stripped.encode("latin-1", "replace").decode("latin-1")


def _runs(symbol: qr.QRSymbol) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules."""
    edges = np.diff(np.pad(symbol.modules, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    runs = []
    for row in range(symbol.size):
        starts = np.flatnonzero(edges[row] == 1).tolist()
        ends = np.flatnonzero(edges[row] == -1).tolist()
        runs.extend((row, s, e - s) for s, e in zip(starts, ends, strict=True))
    return runs


def _draw_code(pdf: FPDF, text: str, x: float, y: float, side: float) -> None:
    """The code with its quiet zone (white) in the square at (x, y) ``side`` mm wide."""
    symbol = qr.encode(text)
    module = side / symbol.width
    origin_x, origin_y = x + qr.QUIET_ZONE * module, y + qr.QUIET_ZONE * module
    for row, col, length in _runs(symbol):
        pdf.rect(origin_x + col * module, origin_y + row * module, length * module, module, style="F")


def _cut_marks(pdf: FPDF, columns: int, rows: int) -> None:
    left, top = MARGIN, MARGIN + HEADER
    right, bottom = left + columns * CELL_W, top + rows * CELL_H
    xs = [left + i * CELL_W for i in range(columns + 1)]
    ys = [top + j * CELL_H for j in range(rows + 1)]
    for x in xs:  # ticks above and below the grid, outside it
        pdf.line(x, top - MARK - 1, x, top - 1)
        pdf.line(x, bottom + 1, x, bottom + MARK + 1)
    for y in ys:
        pdf.line(left - MARK - 1, y, left - 1, y)
        pdf.line(right + 1, y, right + MARK + 1, y)
    for x in xs[1:-1]:
        for y in ys[1:-1]:
            pdf.line(x - CROSS, y, x + CROSS, y)
            pdf.line(x, y - CROSS, x, y + CROSS)


def lot_sheet_pdf(codes: Sequence[tuple[str, str]], title: str) -> bytes:
    """A4 pages of ``codes`` ((serial, text encoded in the QR) pairs), :data:`PER_PAGE` to a page.

    ``title`` heads each page with the page number. No codes gives one page with the title only.
    """
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN)
    pdf.set_title(title)
    pdf.set_creator("ecoreg")
    regular = font_path("regular")
    if regular:
        pdf.add_font("label", "", regular)
        family, clean = "label", str
    else:
        family, clean = "helvetica", _ascii
    pages = max(1, -(-len(codes) // PER_PAGE))
    pdf.set_draw_color(0)
    pdf.set_fill_color(0)
    pdf.set_line_width(LINE)
    for page in range(pages):
        pdf.add_page()
        chunk = codes[page * PER_PAGE : (page + 1) * PER_PAGE]
        pdf.set_font(family, size=9)
        pdf.set_xy(MARGIN, MARGIN - 6)
        pdf.cell(PAGE_W - 2 * MARGIN, 5, clean(f"{title}  ·  {page + 1}/{pages}"))
        used_rows = max(1, -(-len(chunk) // COLUMNS))
        _cut_marks(pdf, COLUMNS, used_rows)
        pdf.set_font(family, size=7)
        for i, (serial, text) in enumerate(chunk):
            x = MARGIN + (i % COLUMNS) * CELL_W
            y = MARGIN + HEADER + (i // COLUMNS) * CELL_H
            _draw_code(pdf, text, x + (CELL_W - QR_MM) / 2, y + 1.5, QR_MM)
            pdf.set_xy(x, y + 1.5 + QR_MM)
            pdf.cell(CELL_W, 4, clean(serial), align="C")
    return bytes(pdf.output())
