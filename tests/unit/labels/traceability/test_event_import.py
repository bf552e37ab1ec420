"""Spreadsheet rows into EPCIS events: each syntax a person may type, and each problem told by row and
column, without a database."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from labels.errors import InvalidInput
from labels.gs1.identifiers import make_gln, make_gtin, make_sscc
from labels.registry.product_import import ImportRefused, RowError
from labels.traceability.event_cells import CellError, parse_event_time, parse_quantity, parse_row
from labels.traceability.event_columns import (
    COLUMN_NAMES,
    COLUMNS,
    template_csv,
    template_rows,
    template_xlsx,
)
from labels.traceability.event_import import build_events, epcis_document, map_headers, read_event_rows
from labels.traceability.events import event_time
from labels.traceability.validation import validate_capture_document

PREFIX = "9521234"
YARN, FABRIC = make_gtin(PREFIX, 1), make_gtin(PREFIX, 2)
MILL = make_gln(PREFIX, 1)
PALLET = make_sscc(PREFIX, 7)
DL = "https://id.gs1.org"


def resolve(number: str) -> str:
    if number != "DN-GRN-2026-000001":
        raise CellError("exists", f"no label is numbered {number}")
    return f"https://registry.example/catalogue/{number}"


def row(**cells) -> dict[str, str]:
    base = {"event_type": "object", "event_time": "2026-10-02 07:30", "biz_step": "commissioning"}
    return {name: "" for name in COLUMN_NAMES} | base | {"location_gln": MILL} | cells


def event(**cells) -> dict:
    made, errors = parse_row(2, row(**cells), resolve)
    assert errors == [], errors
    return made


def errors(**cells) -> list[tuple[str, str]]:
    made, found = parse_row(7, row(**cells), resolve)
    assert made is None
    assert {e.row for e in found} == {7}
    return [(e.field, e.rule) for e in found]


# --- times ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-10-02 07:30", "2026-10-02T07:30:00.000+07:00"),
        ("2026-10-02 07:30:15", "2026-10-02T07:30:15.000+07:00"),
        ("02/10/2026 07:30", "2026-10-02T07:30:00.000+07:00"),  # Vietnam writes the day first
        ("2026-10-02T07:30", "2026-10-02T07:30:00.000+07:00"),
        ("2026-10-02 07:30:00", "2026-10-02T07:30:00.000+07:00"),  # an Excel date cell, read as text
        ("2026-10-02T00:30:00Z", "2026-10-02T00:30:00.000+00:00"),
        ("2026-10-02T09:30:00+09:00", "2026-10-02T09:30:00.000+09:00"),
    ],
)
def test_a_time_without_offset_is_vietnam_time_and_an_offset_is_kept(text, expected):
    stamp, offset = parse_event_time(text)
    assert stamp == expected
    assert offset == expected[-6:]


def test_local_time_becomes_the_right_instant_in_utc():
    made = event(event_time="2026-10-02 07:30", lots=f"{YARN}:L1")
    assert made["eventTime"] == "2026-10-02T07:30:00.000+07:00"
    assert made["eventTimeZoneOffset"] == "+07:00"
    assert event_time(made).isoformat() == "2026-10-02T00:30:00+00:00"


@pytest.mark.parametrize("text", ["2026-10-02", "02/10/2026", "2026-13-01 07:00", "hôm qua"])
def test_a_date_without_a_time_or_a_malformed_time_is_refused(text):
    assert errors(event_time=text, lots=f"{YARN}:L1") == [("event_time", "format")]


def test_a_year_that_is_a_typing_mistake_is_refused():
    assert errors(event_time="0001-01-01 00:00", lots=f"{YARN}:L1") == [("event_time", "range")]
    assert errors(event_time="20266-10-02 07:30", lots=f"{YARN}:L1") == [("event_time", "format")]


# --- event types, actions, CBV words -------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["object", "Object", "ObjectEvent", "object event", "Đối tượng", "doi tuong"]
)
def test_event_types_are_read_in_several_spellings(text):
    assert event(event_type=text, lots=f"{YARN}:L1")["type"] == "ObjectEvent"


def test_the_action_defaults_by_type_and_business_step():
    assert event(lots=f"{YARN}:L1")["action"] == "ADD"  # commissioning
    assert event(lots=f"{YARN}:L1", biz_step="shipping")["action"] == "OBSERVE"
    assert event(lots=f"{YARN}:L1", biz_step="destroying")["action"] == "DELETE"
    packing = event(event_type="aggregation", biz_step="packing", parent=PALLET, lots=f"{YARN}:L1")
    assert packing["action"] == "ADD"
    unpacking = event(event_type="aggregation", biz_step="unpacking", parent=PALLET, items=f"{YARN}:S1")
    assert unpacking["action"] == "DELETE"
    assert event(lots=f"{YARN}:L1", action="observe")["action"] == "OBSERVE"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("shipping", "shipping"),
        ("Retail selling", "retail_selling"),
        ("retail-selling", "retail_selling"),
        ("Xuất hàng", "shipping"),
        ("cbv:BizStep-shipping", "cbv:BizStep-shipping"),
        ("https://ref.gs1.org/cbv/BizStep-receiving", "https://ref.gs1.org/cbv/BizStep-receiving"),
    ],
)
def test_business_steps_are_cbv_words_vietnamese_words_or_uris(text, expected):
    assert event(lots=f"{YARN}:L1", biz_step=text)["bizStep"] == expected


def test_an_unknown_business_step_suggests_the_nearest_cbv_word():
    made, found = parse_row(4, row(lots=f"{YARN}:L1", biz_step="shiping"), resolve)
    assert found == [
        RowError(4, "biz_step", "enum", "'shiping' is not a CBV business step; did you mean shipping?")
    ]


def test_dispositions_are_cbv_words():
    assert event(lots=f"{YARN}:L1", disposition="In transit")["disposition"] == "in_transit"
    assert errors(lots=f"{YARN}:L1", disposition="lost") == [("disposition", "enum")]


# --- identifiers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f"{YARN}:S1",
        f"{YARN[1:]}:S1",  # GTIN-13, as printed under the barcode
        f"(01){YARN}(21)S1",
        f"{DL}/01/{YARN}/21/S1",
        f"https://example.com/01/{YARN}/21/S1?linkType=gs1:pip",
        f"urn:epc:id:sgtin:{PREFIX}.0{YARN[8:13]}.S1",
    ],
)
def test_an_item_is_read_in_every_spelling_as_one_digital_link(text):
    assert event(items=text)["epcList"] == [f"{DL}/01/{YARN}/21/S1"]


def test_an_sscc_is_an_item_too():
    assert event(items=PALLET, biz_step="shipping")["epcList"] == [f"{DL}/00/{PALLET}"]
    assert event(items=f"(00){PALLET}", biz_step="shipping")["epcList"] == [f"{DL}/00/{PALLET}"]


def test_several_items_are_separated_by_semicolons_or_new_lines():
    made = event(items=f"{YARN}:S1; {YARN}:S2\n{YARN}:S3\r\n\n")
    assert made["epcList"] == [f"{DL}/01/{YARN}/21/S{n}" for n in (1, 2, 3)]


@pytest.mark.parametrize(
    "text, quantity",
    [
        (f"{YARN}:SC2610-07=1200 KGM", {"quantity": 1200, "uom": "KGM"}),
        (f"{YARN}:SC2610-07 = 1.5 kg", {"quantity": 1.5, "uom": "KGM"}),
        (f"{YARN}:SC2610-07=20m²", {"quantity": 20, "uom": "MTK"}),
        (f"{YARN}:SC2610-07=40", {"quantity": 40}),
        (f"{YARN}:SC2610-07", {}),
        (f"(01){YARN}(10)SC2610-07(17)261231=3 tấn", {"quantity": 3, "uom": "TNE"}),
        (f"urn:epc:class:lgtin:{PREFIX}.0{YARN[8:13]}.SC2610-07=5 H87", {"quantity": 5, "uom": "H87"}),
    ],
)
def test_a_lot_is_read_with_an_optional_quantity_and_unit(text, quantity):
    [element] = event(lots=text)["quantityList"]
    assert element == {"epcClass": f"{DL}/01/{YARN}/10/SC2610-07"} | quantity


def test_a_digital_link_query_is_not_mistaken_for_a_quantity():
    [element] = event(lots=f"{DL}/01/{YARN}/10/L1?17=261231")["quantityList"]
    assert element == {"epcClass": f"{DL}/01/{YARN}/10/L1"}
    [element] = event(lots=f"{DL}/01/{YARN}/10/L1?17=261231=7 KGM")["quantityList"]
    assert element == {"epcClass": f"{DL}/01/{YARN}/10/L1", "quantity": 7, "uom": "KGM"}


def test_a_bare_gtin_is_the_product_class():
    [element] = event(lots=f"{YARN}=12 H87", biz_step="receiving")["quantityList"]
    assert element == {"epcClass": f"{DL}/01/{YARN}", "quantity": 12, "uom": "H87"}


@pytest.mark.parametrize(
    "text, rule",
    [
        ("1.200", "ambiguous-number"),
        ("1,5", "number"),
        ("0", "positive"),
        ("5 kilograms", "unit"),
        ("many", "quantity"),
    ],
)
def test_quantities_that_could_be_misread_are_refused(text, rule):
    with pytest.raises(CellError) as refused:
        parse_quantity(text)
    assert refused.value.rule == rule


def test_every_bad_identifier_of_a_cell_is_reported():
    found = errors(items=f"{YARN}:S1;8.93505E+12;{YARN[:-1]}9:S2;{YARN}:L1=5 KGM;{YARN}:S1;nothing")
    assert found == [
        ("items", "scientific-notation"),
        ("items", "check-digit"),
        ("items", "quantity"),
        ("items", "unique"),
        ("items", "format"),
    ]


def test_lots_and_items_go_in_their_own_columns():
    assert errors(items=f"{YARN}") == [("items", "kind")]
    assert errors(lots=f"(01){YARN}(21)S1") == [("lots", "kind")]


# --- the three event types -----------------------------------------------------------------------


def test_an_aggregation_packs_items_and_lots_onto_its_parent():
    made = event(
        event_type="aggregation",
        biz_step="packing",
        parent=PALLET,
        items=f"{FABRIC}:R1",
        lots=f"{FABRIC}:VT2610-12=5400 MTR",
    )
    assert made["parentID"] == f"{DL}/00/{PALLET}"
    assert made["childEPCs"] == [f"{DL}/01/{FABRIC}/21/R1"]
    assert made["childQuantityList"] == [
        {"epcClass": f"{DL}/01/{FABRIC}/10/VT2610-12", "quantity": 5400, "uom": "MTR"}
    ]


def test_a_transformation_sorts_its_inputs_and_outputs_into_lots_and_items():
    made = event(
        event_type="transformation",
        inputs=f"{YARN}:SC2610-07=1150 KGM",
        outputs=f"{FABRIC}:VT2610-12=5400 MTR; (01){FABRIC}(21)R1",
    )
    assert "action" not in made
    assert made["inputQuantityList"] == [
        {"epcClass": f"{DL}/01/{YARN}/10/SC2610-07", "quantity": 1150, "uom": "KGM"}
    ]
    assert made["outputQuantityList"][0]["epcClass"] == f"{DL}/01/{FABRIC}/10/VT2610-12"
    assert made["outputEPCList"] == [f"{DL}/01/{FABRIC}/21/R1"]


def test_each_type_names_the_columns_it_needs_and_refuses_those_it_has_no_place_for():
    assert errors() == [("items", "required")]
    assert errors(lots=f"{YARN}:L1", parent=PALLET) == [("parent", "not-allowed")]
    assert errors(event_type="aggregation", items=f"{YARN}:S1") == [("parent", "required")]
    assert errors(event_type="aggregation", parent=PALLET) == [("items", "required")]
    assert event(event_type="aggregation", action="DELETE", parent=PALLET)["parentID"]
    assert sorted(errors(event_type="transformation", lots=f"{YARN}:L1", action="ADD")) == [
        ("action", "not-allowed"),
        ("inputs", "required"),
        ("lots", "not-allowed"),
        ("outputs", "required"),
    ]


def test_the_parent_is_one_sscc():
    assert errors(event_type="aggregation", parent="123", items=f"{YARN}:S1") == [("parent", "length")]
    assert errors(event_type="aggregation", parent=f"{PALLET};{PALLET}", items=f"{YARN}:S1") == [
        ("parent", "single")
    ]
    assert errors(event_type="aggregation", parent=f"{YARN}:L1", items=f"{YARN}:S1") == [("parent", "kind")]


def test_required_columns_and_a_bad_gln_are_all_reported_at_once():
    made, found = parse_row(
        9, row(event_type="", event_time="", biz_step="", location_gln=f"{MILL[:-1]}0"), resolve
    )
    assert made is None
    assert [(e.field, e.rule) for e in found] == [
        ("location_gln", "check-digit"),
        ("event_type", "required"),
        ("event_time", "required"),
        ("biz_step", "required"),
    ]
    assert all(e.row == 9 for e in found)


def test_a_gln_is_thirteen_digits_or_its_digital_link():
    assert event(lots=f"{YARN}:L1")["bizLocation"] == {"id": f"{DL}/414/{MILL}"}
    assert event(lots=f"{YARN}:L1", location_gln=f"{DL}/414/{MILL}")["readPoint"] == {
        "id": f"{DL}/414/{MILL}"
    }
    assert errors(lots=f"{YARN}:L1", location_gln="9.52123E+12") == [("location_gln", "scientific-notation")]
    assert errors(lots=f"{YARN}:L1", location_gln=YARN) == [("location_gln", "length")]


def test_a_label_number_becomes_the_labels_page_and_an_unknown_one_is_refused():
    made = event(lots=f"{YARN}:L1", certification="dn-grn-2026-000001")
    assert made["certificationInfo"] == "https://registry.example/catalogue/DN-GRN-2026-000001"
    both = event(lots=f"{YARN}:L1", certification="DN-GRN-2026-000001; https://cert.example/42")
    assert both["certificationInfo"] == [
        "https://registry.example/catalogue/DN-GRN-2026-000001",
        "https://cert.example/42",
    ]
    assert errors(lots=f"{YARN}:L1", certification="DN-GRN-2026-000002") == [("certification", "exists")]
    assert errors(lots=f"{YARN}:L1", certification="nhãn xanh") == [("certification", "format")]


# --- headers, files and the template -------------------------------------------------------------


def test_headers_may_be_vietnamese_with_or_without_diacritics_and_notes_are_ignored():
    columns, found = map_headers(
        ["Loại sự kiện", "THOI GIAN", "bước nghiệp vụ", "GLN địa điểm", "Lô hàng", "Ghi chú"]
    )
    assert found == []
    assert list(columns.values()) == ["event_type", "event_time", "biz_step", "location_gln", "lots"]


def test_unknown_repeated_and_missing_headers_are_row_one_problems():
    _, found = map_headers(["event_type", "Loại sự kiện", "event_time", "bizstep", "location_gln"])
    assert [(e.row, e.field, e.rule) for e in found] == [
        (1, "event_type", "duplicate-column"),
        (1, "bizstep", "unknown-column"),
        (1, "biz_step", "missing-column"),
    ]


def test_a_file_with_bad_headers_is_refused_before_any_row():
    content = b"event_type,event_time,bizstep,location_gln\nobject,2026-10-02 07:30,shipping,1\n"
    with pytest.raises(ImportRefused) as refused:
        read_event_rows("e.csv", content)
    assert {e.rule for e in refused.value.report.errors} == {"unknown-column", "missing-column"}


def test_a_csv_file_the_csv_reader_cannot_read_is_refused_as_input():
    with pytest.raises(InvalidInput) as refused:
        read_event_rows("e.csv", b"event_type\n" + b"x" * 200_000)
    assert refused.value.issues[0].rule == "csv"


def test_a_file_with_only_a_header_is_refused():
    with pytest.raises(InvalidInput):
        read_event_rows("e.csv", ",".join(COLUMN_NAMES).encode())


def test_row_numbers_are_the_spreadsheets_and_only_good_rows_make_events():
    content = template_csv().decode("utf-8-sig").replace("\r\n\r\n", "\r\n")
    lines = content.splitlines()
    lines.insert(2, "")  # a blank row keeps its number
    lines.insert(3, lines[1].replace("commissioning", "comissioning"))
    rows = read_event_rows("e.csv", "\n".join(lines).encode())
    events, numbers, found = build_events(rows, resolve)
    assert numbers == [2, 5, 6, 7]
    assert [(e.row, e.field, e.rule) for e in found] == [(4, "biz_step", "enum")]
    assert len(events) == 4


def test_the_template_examples_are_valid_epcis_events():
    rows = [(number, example) for number, example in enumerate(template_rows(), start=2)]
    events, _, found = build_events(rows, resolve)
    assert found == []
    validate_capture_document(epcis_document(events))
    assert [e["type"] for e in events] == [
        "ObjectEvent",
        "TransformationEvent",
        "AggregationEvent",
        "ObjectEvent",
    ]


def test_the_csv_and_xlsx_templates_have_the_same_header_and_examples():
    lines = list(csv.reader(io.StringIO(template_csv().decode("utf-8-sig"))))
    assert tuple(lines[0]) == COLUMN_NAMES
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    sheet = workbook.worksheets[0]
    cells = [["" if v is None else str(v) for v in values] for values in sheet.iter_rows(values_only=True)]
    assert cells == lines
    help_rows = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert [r[0] for r in help_rows[1:]] == [c.name for c in COLUMNS]
    assert sheet["F2"].number_format == "@"  # a GLN stays digits in Excel
