"""The columns of the traceability spreadsheet and the template that shows them to enterprises.

One row is one EPCIS 2.0 event (see :mod:`labels.traceability.event_import`). Each column has an
English name, a Vietnamese header and help in both languages; the template is a CSV or a workbook
with example rows (identifiers under GS1's example prefix) and a help sheet.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass

from labels.gs1.identifiers import (
    make_gln,
    make_gtin,
    make_sscc,
)

ID_HOST = "https://id.gs1.org"
#: GS1 reserves prefix 952 for examples: the template's identifiers can never name a real product.
EXAMPLE_PREFIX = "9521234"


@dataclass(frozen=True)
class Column:
    name: str
    header_vi: str
    required: bool
    help_en: str
    help_vi: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "event_type",
        "Loại sự kiện",
        True,
        "object, aggregation or transformation (or ObjectEvent, AggregationEvent, TransformationEvent)",
        "object (đối tượng), aggregation (đóng gộp) hoặc transformation (chế biến)",
    ),
    Column(
        "event_time",
        "Thời gian",
        True,
        "2026-10-02 07:30 or 02/10/2026 07:30 (Vietnam time), or ISO 8601 with an offset",
        "2026-10-02 07:30 hoặc 02/10/2026 07:30 (giờ Việt Nam), hoặc ISO 8601 có múi giờ",
    ),
    Column(
        "action",
        "Hành động",
        False,
        "ADD, OBSERVE or DELETE; blank: ADD for commissioning and packing, DELETE for "
        "decommissioning and unpacking, else OBSERVE; always blank for a transformation",
        "ADD, OBSERVE hoặc DELETE; để trống thì tự chọn theo bước nghiệp vụ; sự kiện chế biến để trống",
    ),
    Column(
        "biz_step",
        "Bước nghiệp vụ",
        True,
        "a CBV business step: commissioning, packing, shipping, receiving, retail_selling, ...",
        "bước nghiệp vụ CBV: commissioning (sản xuất), packing (đóng gói), shipping (xuất hàng), ...",
    ),
    Column(
        "disposition",
        "Tình trạng",
        False,
        "optional CBV disposition: active, in_transit, in_progress, retail_sold, ...",
        "tình trạng CBV (không bắt buộc): active, in_transit, in_progress, retail_sold, ...",
    ),
    Column(
        "location_gln",
        "GLN địa điểm",
        True,
        "the 13-digit GLN of the place where it happened (format the column as Text in Excel)",
        "mã GLN 13 số của nơi diễn ra (định dạng cột là Text trong Excel)",
    ),
    Column(
        "items",
        "Mã từng sản phẩm",
        False,
        "serialised items, separated by ; or new lines: gtin:serial, (01)gtin(21)serial, an SSCC, "
        "a Digital Link or an EPC URN",
        "các sản phẩm có số sê-ri, cách nhau bởi ; hoặc xuống dòng: gtin:sê-ri, (01)gtin(21)sê-ri, SSCC, ...",
    ),
    Column(
        "lots",
        "Lô hàng",
        False,
        "lots, separated by ; or new lines: gtin:lot, optionally =quantity unit (gtin:lot=1200 KGM)",
        "các lô hàng, cách nhau bởi ; hoặc xuống dòng: gtin:số lô, có thể thêm =số lượng đơn vị",
    ),
    Column(
        "parent",
        "Bao bì chứa",
        False,
        "for an aggregation: the pallet or carton, an 18-digit SSCC or a Digital Link",
        "với sự kiện đóng gộp: pallet hoặc thùng, mã SSCC 18 số hoặc Digital Link",
    ),
    Column(
        "inputs",
        "Đầu vào",
        False,
        "for a transformation: what went in; gtin:lot=quantity unit, or items as (01)gtin(21)serial",
        "với sự kiện chế biến: nguyên liệu đầu vào; gtin:số lô=số lượng đơn vị",
    ),
    Column(
        "outputs",
        "Đầu ra",
        False,
        "for a transformation: what came out, written like inputs",
        "với sự kiện chế biến: sản phẩm đầu ra, viết như đầu vào",
    ),
    Column(
        "certification",
        "Nhãn sinh thái",
        False,
        "optional: the registry's label number (DN-GRN-2026-000001) or a certificate URL",
        "không bắt buộc: số nhãn sinh thái trên hệ thống (DN-GRN-2026-000001) hoặc đường dẫn chứng nhận",
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
#: Columns a person may add for their own notes; they are never imported.
NOTE_COLUMNS = ("note", "notes", "ghi_chu")


# --- the template --------------------------------------------------------------------------------


def template_rows() -> list[dict[str, str]]:
    """Example rows: yarn spun at a Biên Hòa mill, woven into fabric, palletised and shipped."""
    yarn, fabric = make_gtin(EXAMPLE_PREFIX, 1), make_gtin(EXAMPLE_PREFIX, 2)
    spinning, weaving = make_gln(EXAMPLE_PREFIX, 1), make_gln(EXAMPLE_PREFIX, 2)
    pallet = make_sscc(EXAMPLE_PREFIX, 1)
    return [
        {
            "event_type": "object",
            "event_time": "2026-10-02 07:30",
            "action": "ADD",
            "biz_step": "commissioning",
            "disposition": "active",
            "location_gln": spinning,
            "lots": f"{yarn}:SC2610-07=1200 KGM",
        },
        {
            "event_type": "transformation",
            "event_time": "2026-10-05T08:00:00+07:00",
            "biz_step": "commissioning",
            "disposition": "in_progress",
            "location_gln": weaving,
            "inputs": f"{yarn}:SC2610-07=1150 KGM",
            "outputs": f"{fabric}:VT2610-12=5400 MTR",
        },
        {
            "event_type": "aggregation",
            "event_time": "06/10/2026 16:00",
            "biz_step": "packing",
            "location_gln": weaving,
            "lots": f"{fabric}:VT2610-12=5400 MTR",
            "parent": pallet,
        },
        {
            "event_type": "object",
            "event_time": "2026-10-07 09:30",
            "action": "OBSERVE",
            "biz_step": "shipping",
            "disposition": "in_transit",
            "location_gln": weaving,
            "items": pallet,
        },
    ]


def template_csv() -> bytes:
    """The template as CSV; UTF-8 with a byte-order mark so that Excel shows Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    for example in template_rows():
        writer.writerow([example.get(name, "") for name in COLUMN_NAMES])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    """The template as a workbook: events on the first sheet (the one imported), help on the second."""
    from openpyxl import Workbook  # imported here: only Excel templates pay for it
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "events"
    sheet.append(list(COLUMN_NAMES))
    for example in template_rows():
        sheet.append([example.get(name, "") for name in COLUMN_NAMES])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        # Text, so that Excel keeps a GLN's or GTIN's digits instead of writing 9.52123E+12.
        sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = (
            34 if column.name in ("items", "lots", "inputs", "outputs") else 20
        )
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        header.fill = PatternFill("solid", fgColor="DDEBDB" if column.required else "F2F2F2")
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("Hướng dẫn - Help")
    help_sheet.append(["column", "Tiêu đề tiếng Việt", "required / bắt buộc", "English", "Tiếng Việt"])
    for column in COLUMNS:
        required = "yes / có" if column.required else ""
        help_sheet.append([column.name, column.header_vi, required, column.help_en, column.help_vi])
    for letter, width in zip("ABCDE", (16, 20, 12, 70, 70), strict=True):
        help_sheet.column_dimensions[letter].width = width
    for cells in help_sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain_key(text: str) -> str:
    """A header or word as people type it, reduced to compare: no case, no diacritics, ``_`` between.

    Many Vietnamese type without diacritics; ``Thời gian``, ``thoi gian`` and ``THOI_GIAN`` meet.
    """
    decomposed = unicodedata.normalize("NFD", text.strip().lower().replace("đ", "d"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\s_\-/]+", "_", plain).strip("_")
