"""Traceability events from a spreadsheet, for enterprises that have no EPCIS system of their own.

One row is one EPCIS 2.0 event. The rows are read with :mod:`labels.tabular` (CSV or XLSX, row 1
names the columns), turned into one ``EPCISDocument`` and captured with
:func:`labels.capture.capture` in ``rollback`` mode, so every event is validated, hashed, signed and
logged exactly as a capture over the EPCIS interface would be, in one transaction.

All or nothing, and every problem at once: a row that cannot be read, an event the EPCIS schema
refuses and an event captured before are all reported together, each with its spreadsheet row
number and column, as :class:`labels.product_import.ImportRefused`; then nothing is kept.

The columns (:data:`COLUMNS`) are what a person can type in Excel: ``gtin:serial`` and
``gtin:lot=1200 KGM`` besides Digital Link URIs and EPC URNs, a local Vietnamese time such as
``2026-10-02 07:30``, a CBV word such as ``shipping``. Headers may be the English column names or
their Vietnamese equivalents, with or without diacritics.
"""

from __future__ import annotations

import csv
import difflib
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels import audit
from labels.capture import capture
from labels.digital_link import DigitalLink
from labels.epc import canonical_id, identity_key
from labels.epcis_events import cbv_uri, cbv_word
from labels.epcis_hash import event_hash_id
from labels.epcis_validation import EPCIS_CONTEXT, official_schema, validate_event
from labels.errors import Conflict, FieldIssue, InvalidEpcisDocument, InvalidInput, PayloadTooLarge
from labels.gs1 import InvalidIdentifier, make_gln, make_gtin, make_sscc, normalise_gln, normalise_sscc
from labels.notary import notary_of
from labels.permissions import Principal, require_event_capturer
from labels.product_import import ImportRefused, ImportReport, RowError
from labels.tabular import read_rows
from models import CaptureJob, EpcisEvent, Label, Organisation

#: Vietnam has kept UTC+07:00 all year since 1975, so a fixed offset is Asia/Ho_Chi_Minh exactly
#: and needs no tz database on the server.
VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
ID_HOST = "https://id.gs1.org"
#: GS1 reserves prefix 952 for examples: the template's identifiers can never name a real product.
EXAMPLE_PREFIX = "9521234"
HEADER_ROW = 1
#: A year outside these is a typing mistake (0226 for 2026); year 1 cannot even be told in UTC.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
ROW_WIDE = "row"  # the "column" of a problem that belongs to the whole row

EVENT_TYPES = {
    "object": "ObjectEvent",
    "aggregation": "AggregationEvent",
    "transformation": "TransformationEvent",
}
ACTIONS = ("ADD", "OBSERVE", "DELETE")


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

#: What a bare action means, by event type and CBV business step; anything else is OBSERVE.
_DEFAULT_ACTIONS = {
    "ObjectEvent": {
        "commissioning": "ADD",
        "creating_class_instance": "ADD",
        "decommissioning": "DELETE",
        "destroying": "DELETE",
    },
    "AggregationEvent": {
        "packing": "ADD",
        "loading": "ADD",
        "assembling": "ADD",
        "unpacking": "DELETE",
        "unloading": "DELETE",
        "disassembling": "DELETE",
    },
}

#: Vietnamese words people use for the event types and the common business steps (keys without
#: diacritics, see :func:`_key`).
_TYPE_WORDS = {
    "doi_tuong": "object",
    "dong_gop": "aggregation",
    "tong_hop": "aggregation",
    "che_bien": "transformation",
}
_BIZ_STEP_WORDS = {
    "san_xuat": "commissioning",
    "dong_goi": "packing",
    "mo_goi": "unpacking",
    "xuat_hang": "shipping",
    "giao_hang": "shipping",
    "nhan_hang": "receiving",
    "van_chuyen": "transporting",
    "kiem_tra": "inspecting",
    "ban_le": "retail_selling",
    "tieu_huy": "destroying",
}
_UNITS = {
    "KG": "KGM",
    "G": "GRM",
    "T": "TNE",
    "TAN": "TNE",
    "L": "LTR",
    "LIT": "LTR",
    "M": "MTR",
    "M2": "MTK",
    "PCS": "H87",
    "CAI": "H87",
    "CHIEC": "H87",
}

_LIST_SEPARATOR = re.compile(r"[;\r\n]+")
_SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?E\+?\d+", re.IGNORECASE)
_HRI = re.compile(r"\((\d{2,4})\)([^()]+)")
_SHORTHAND = re.compile(r"(\d{8}|\d{12,14})\s*:\s*(\S.*)")
_QUANTITY = re.compile(r"(?P<amount>[0-9][0-9.,]*)\s*(?P<unit>\S*)")
_UNIT = re.compile(r"[A-Z0-9]{2,3}")
#: 1.200 is one thousand two hundred to a Vietnamese reader and 1.2 to an English one.
_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_LABEL_NUMBER = re.compile(r"DN-[A-Z0-9]{2,8}-\d{4}-\d{6}")
_LOCAL_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S")
_EVENT_FIELD = re.compile(r"epcisBody\.eventList\[(\d+)\](?:\.([A-Za-z@]+))?")
_EVENT_LABEL = re.compile(r"^Event \d+(?: \(eventID .*?\))?: ")
#: Where an EPCIS field came from in the spreadsheet, to name the column of a schema problem.
_COLUMN_OF_FIELD = {
    "type": "event_type",
    "eventTime": "event_time",
    "eventTimeZoneOffset": "event_time",
    "action": "action",
    "bizStep": "biz_step",
    "disposition": "disposition",
    "readPoint": "location_gln",
    "bizLocation": "location_gln",
    "epcList": "items",
    "childEPCs": "items",
    "quantityList": "lots",
    "childQuantityList": "lots",
    "parentID": "parent",
    "inputEPCList": "inputs",
    "inputQuantityList": "inputs",
    "outputEPCList": "outputs",
    "outputQuantityList": "outputs",
    "certificationInfo": "certification",
}

LabelResolver = Callable[[str], str]


class CellError(Exception):
    """One broken rule in one cell."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule
        self.message = message


class CellErrors(Exception):
    """Several broken rules in one cell (a list with more than one bad identifier)."""

    def __init__(self, errors: list[CellError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Entry:
    """One identifier of an id column: an item (EPC) or a class (lot, product) with its quantity."""

    uri: str
    is_item: bool
    quantity: int | float | None = None
    unit: str | None = None

    def quantity_element(self) -> dict:
        element: dict = {"epcClass": self.uri}
        if self.quantity is not None:
            element["quantity"] = self.quantity
        if self.unit:
            element["uom"] = self.unit
        return element


# --- the import ----------------------------------------------------------------------------------


def import_events(
    session: Session,
    actor: Principal,
    organisation: Organisation,
    filename: str,
    content: bytes,
    limit: int = 10_000,
) -> CaptureJob:
    """Capture one event per row for ``organisation``, all or none; never commits.

    Raises :class:`ImportRefused` listing every problem of every row; ``InvalidInput`` for a file
    that cannot be read at all; ``PayloadTooLarge`` past ``limit`` rows.
    """
    require_event_capturer(actor, organisation.id)
    rows = read_event_rows(filename, content)
    if len(rows) > limit:
        raise PayloadTooLarge(
            f"an import takes at most {limit} rows (GS1-EPCIS-Capture-Limit); split the file", "file", limit
        )
    report = ImportReport(rows=len(rows))
    events, row_numbers, report.errors = build_events(rows, label_resolver(session))
    document = epcis_document(events)
    report.errors += check_events(session, document, row_numbers)
    _refuse_if_wrong(report)
    try:
        job = capture(session, actor, organisation, document, "rollback", limit=limit)
    except (InvalidEpcisDocument, Conflict) as exc:  # what only capture knows, such as a race
        report.errors += _capture_errors(exc, row_numbers)
        _refuse_if_wrong(report)
        raise
    audit.record(
        session,
        actor,
        "epcis.import",
        "capture_job",
        job.id,
        organisation.id,
        filename=filename,
        rows=len(rows),
    )
    return job


def read_event_rows(filename: str, content: bytes) -> list[tuple[int, dict[str, str]]]:
    """``(row number, {column name: text})`` per non-empty row, headers mapped to :data:`COLUMNS`."""
    try:
        rows = list(read_rows(filename, content))
    except csv.Error as exc:  # a field past the csv module's size limit, a broken quote
        raise InvalidInput.one("file", "csv", f"the CSV file cannot be read: {exc}") from None
    if not rows:
        raise InvalidInput.one("file", "rows", "the file has a header but no event rows")
    columns, errors = map_headers(rows[0][1].keys())
    if errors:
        raise ImportRefused(ImportReport(rows=len(rows), errors=errors))
    return [
        (number, {name: row.get(header, "") for header, name in columns.items()} | _blank_columns(columns))
        for number, row in rows
    ]


def _blank_columns(columns: dict[str, str]) -> dict[str, str]:
    present = set(columns.values())
    return {name: "" for name in COLUMN_NAMES if name not in present}


def map_headers(headers: Iterable[str]) -> tuple[dict[str, str], list[RowError]]:
    """``{header as written: column name}``, and the problems of row 1 (unknown, repeated, missing)."""
    known = _header_keys()
    columns: dict[str, str] = {}
    errors: list[RowError] = []
    for header in headers:
        key = _key(header)
        if key in NOTE_COLUMNS:
            continue
        name = known.get(key)
        if name is None:
            message = (
                f"unknown column '{header}'; the columns are {', '.join(COLUMN_NAMES)} (or a note column)"
            )
            errors.append(RowError(HEADER_ROW, header, "unknown-column", message))
        elif name in columns.values():
            errors.append(RowError(HEADER_ROW, name, "duplicate-column", f"the column {name} appears twice"))
        else:
            columns[header] = name
    for column in COLUMNS:
        if column.required and column.name not in columns.values():
            errors.append(
                RowError(HEADER_ROW, column.name, "missing-column", f"the file needs a {column.name} column")
            )
    return columns, errors


@functools.cache
def _header_keys() -> dict[str, str]:
    keys = {}
    for column in COLUMNS:
        keys[_key(column.name)] = column.name
        keys[_key(column.header_vi)] = column.name
    keys |= {"trang_thai": "disposition", "cong_doan": "biz_step", "chung_nhan": "certification"}
    return keys


def _key(text: str) -> str:
    """A header or word as people type it, reduced to compare: no case, no diacritics, ``_`` between.

    Many Vietnamese type without diacritics; ``Thời gian``, ``thoi gian`` and ``THOI_GIAN`` meet.
    """
    decomposed = unicodedata.normalize("NFD", text.strip().lower().replace("đ", "d"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\s_\-/]+", "_", plain).strip("_")


def build_events(
    rows: list[tuple[int, Mapping[str, str]]], resolve_label: LabelResolver
) -> tuple[list[dict], list[int], list[RowError]]:
    """The events of the rows that read well, the row number of each event, and every row's problems."""
    events: list[dict] = []
    numbers: list[int] = []
    errors: list[RowError] = []
    for number, row in rows:
        event, problems = parse_row(number, row, resolve_label)
        errors += problems
        if event is not None:
            events.append(event)
            numbers.append(number)
    return events, numbers, errors


def epcis_document(events: list[dict]) -> dict:
    return {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": datetime.now(VIETNAM).isoformat(timespec="milliseconds"),
        "epcisBody": {"eventList": events},
    }


def check_events(session: Session, document: dict, row_numbers: list[int]) -> list[RowError]:
    """What capture would refuse, for every event at once: schema problems and duplicates.

    Capture in rollback mode stops at the first duplicate; a person fixing a spreadsheet wants the
    whole list, so the same checks run here first, with the same validator and hash.
    """
    errors: list[RowError] = []
    hashes: dict[str, int] = {}
    context = document["@context"]
    for index, event in enumerate(document["epcisBody"]["eventList"]):
        issues = validate_event(event, index)
        errors += [_row_error(issue, row_numbers) for issue in issues]
        if issues:
            continue
        try:
            digest = event_hash_id(event, context)
        except ValueError as exc:  # valid to the schema, yet not hashable: told like capture tells it
            errors.append(RowError(row_numbers[index], ROW_WIDE, "hash", f"cannot compute its hash: {exc}"))
            continue
        if digest in hashes:
            first = row_numbers[hashes[digest]]
            errors.append(
                RowError(row_numbers[index], ROW_WIDE, "duplicate", f"the same event as row {first}")
            )
        else:
            hashes[digest] = index
    known = session.scalars(select(EpcisEvent.event_hash).where(EpcisEvent.event_hash.in_(list(hashes))))
    for digest in known:
        message = f"this event has been captured before ({digest})"
        errors.append(RowError(row_numbers[hashes[digest]], ROW_WIDE, "duplicate", message))
    return errors


def label_resolver(session: Session) -> LabelResolver:
    """Label number -> the label's public page, which the consumer's journey links to."""
    base_url = notary_of(session).base_url

    @functools.cache  # a file cites the same few labels on many rows
    def resolve(number: str) -> str:
        if session.scalar(select(Label.id).where(Label.label_number == number)) is None:
            raise CellError("exists", f"no label is numbered {number}")
        return f"{base_url}/catalogue/{number}"

    return resolve


def _refuse_if_wrong(report: ImportReport) -> None:
    if report.errors:
        order = {name: i for i, name in enumerate((*COLUMN_NAMES, ROW_WIDE))}
        report.errors.sort(key=lambda e: (e.row, order.get(e.field, len(order)), e.rule))
        raise ImportRefused(report)


def _capture_errors(exc: InvalidEpcisDocument | Conflict, row_numbers: list[int]) -> list[RowError]:
    if isinstance(exc, InvalidEpcisDocument):
        return [_row_error(issue, row_numbers) for issue in exc.issues]
    return [_row_error(FieldIssue(exc.field or "", exc.rule or "conflict", exc.detail), row_numbers)]


def _row_error(issue: FieldIssue, row_numbers: list[int]) -> RowError:
    """A problem of ``epcisBody.eventList[i].field``, told as the row and column that made it."""
    match = _EVENT_FIELD.match(issue.field)
    if match is None or int(match[1]) >= len(row_numbers):
        return RowError(HEADER_ROW, "file", issue.rule, issue.message)
    column = _COLUMN_OF_FIELD.get(match[2] or "", ROW_WIDE)
    return RowError(row_numbers[int(match[1])], column, issue.rule, _EVENT_LABEL.sub("", issue.message))


# --- one row -------------------------------------------------------------------------------------


def parse_row(
    number: int, row: Mapping[str, str], resolve_label: LabelResolver
) -> tuple[dict | None, list[RowError]]:
    """The EPCIS event a row describes, or ``None`` and every problem of the row."""
    problems: list[tuple[str, CellError]] = []

    def cell(column: str, parse: Callable, *args):
        text = (row.get(column) or "").strip()
        try:
            return parse(text, *args)
        except CellError as exc:
            problems.append((column, exc))
        except CellErrors as exc:
            problems.extend((column, error) for error in exc.errors)
        return None

    kind = cell("event_type", parse_event_type)
    time = cell("event_time", parse_event_time)
    biz_step = cell("biz_step", parse_cbv_word, "bizStep")
    disposition = cell("disposition", parse_cbv_word, "disposition")
    gln = cell("location_gln", parse_location)
    action = cell("action", parse_action)
    items = cell("items", parse_entries, "items")
    lots = cell("lots", parse_entries, "lots")
    parent = cell("parent", parse_parent)
    inputs = cell("inputs", parse_entries, "inputs")
    outputs = cell("outputs", parse_entries, "outputs")
    certification = cell("certification", parse_certification, resolve_label)
    for column in ("event_type", "event_time", "biz_step", "location_gln"):
        if not (row.get(column) or "").strip():
            problems.append((column, CellError("required", "this column is required")))
    if kind:
        given = {name: bool((row.get(name) or "").strip()) for name in COLUMN_NAMES}
        problems += _shape_problems(kind, given, action)
    if problems:
        return None, [RowError(number, column, e.rule, e.message) for column, e in problems]
    event = {"type": kind, "eventTime": time[0], "eventTimeZoneOffset": time[1]}
    if kind != "TransformationEvent":
        event["action"] = action or default_action(kind, biz_step)
    event |= _what(kind, items or [], lots or [], parent, inputs or [], outputs or [])
    event["bizStep"] = biz_step
    if disposition:
        event["disposition"] = disposition
    event["readPoint"] = {"id": gln}
    event["bizLocation"] = {"id": gln}
    if certification:
        event["certificationInfo"] = certification[0] if len(certification) == 1 else certification
    return event, []


def _shape_problems(kind: str, given: dict[str, bool], action: str | None) -> list[tuple[str, CellError]]:
    """The columns each event type needs, and those it has no place for."""
    problems = []

    def needs(column: str, message: str):
        if not given[column]:
            problems.append((column, CellError("required", message)))

    def refuses(columns: tuple[str, ...], message: str):
        problems.extend((c, CellError("not-allowed", message)) for c in columns if given[c])

    if kind == "ObjectEvent":
        if not (given["items"] or given["lots"]):
            problems.append(("items", CellError("required", "name the items or the lots of this event")))
        refuses(("parent", "inputs", "outputs"), "an object event has no parent, inputs or outputs")
    elif kind == "AggregationEvent":
        if action != "DELETE":
            needs("parent", "an aggregation names its parent: the pallet or carton (SSCC)")
            if not (given["items"] or given["lots"]):
                problems.append(("items", CellError("required", "name what is packed: items or lots")))
        refuses(("inputs", "outputs"), "an aggregation has no inputs or outputs; use items or lots")
    else:
        needs("inputs", "a transformation names what went in")
        needs("outputs", "a transformation names what came out")
        refuses(("items", "lots", "parent"), "a transformation lists its goods under inputs and outputs")
        refuses(("action",), "a transformation has no action: leave it blank")
    return problems


def _what(kind: str, items, lots, parent, inputs, outputs) -> dict:
    """The identifier fields of the event, in the lists its type has."""
    if kind == "ObjectEvent":
        fields = {"epcList": [e.uri for e in items]}
        return fields | ({"quantityList": [e.quantity_element() for e in lots]} if lots else {})
    if kind == "AggregationEvent":
        fields = {"parentID": parent} if parent else {}
        if items:
            fields["childEPCs"] = [e.uri for e in items]
        if lots:
            fields["childQuantityList"] = [e.quantity_element() for e in lots]
        return fields
    fields = {}
    for side, entries in (("input", inputs), ("output", outputs)):
        epcs = [e.uri for e in entries if e.is_item]
        classes = [e.quantity_element() for e in entries if not e.is_item]
        if epcs:
            fields[f"{side}EPCList"] = epcs
        if classes:
            fields[f"{side}QuantityList"] = classes
    return fields


def default_action(kind: str, biz_step: str | None) -> str:
    """ADD when things come into being or are packed, DELETE when they end or are unpacked."""
    return _DEFAULT_ACTIONS.get(kind, {}).get(cbv_word(cbv_uri(biz_step, "bizStep")) or "", "OBSERVE")


# --- cells ---------------------------------------------------------------------------------------


def parse_event_type(text: str) -> str | None:
    if not text:
        return None
    key = _key(text)
    key = _TYPE_WORDS.get(key, key).removesuffix("event").rstrip("_")
    if key not in EVENT_TYPES:
        raise CellError(
            "enum", f"'{text}' is not an event type we import: object, aggregation or transformation"
        )
    return EVENT_TYPES[key]


def parse_event_time(text: str) -> tuple[str, str] | None:
    """``(eventTime, eventTimeZoneOffset)``; a time without an offset is Vietnam's (+07:00)."""
    if not text:
        return None
    if len(text) <= len("02/10/2026") and ":" not in text:
        raise CellError("format", f"'{text}' has no time of day; write 2026-10-02 07:30")
    value = _local_time(text)
    if value is None:
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise CellError(
                "format", f"'{text}' is not a date and time; write 2026-10-02 07:30 or 02/10/2026 07:30"
            ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=VIETNAM)
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise CellError("range", f"'{text}': the year is between {EARLIEST_YEAR} and {LATEST_YEAR}")
    stamp = value.isoformat(timespec="milliseconds")
    return stamp, stamp[-6:]


def _local_time(text: str) -> datetime | None:
    for pattern in _LOCAL_FORMATS:
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=VIETNAM)
        except ValueError:
            continue
    return None


def parse_action(text: str) -> str | None:
    if not text:
        return None
    if text.upper() not in ACTIONS:
        raise CellError("enum", f"'{text}' is not an action: ADD, OBSERVE or DELETE")
    return text.upper()


def parse_cbv_word(text: str, field: str) -> str | None:
    """A CBV word (``shipping``, ``Retail selling``) checked against the schema's list; a URI as is."""
    if not text:
        return None
    if ":" in text:  # cbv:BizStep-shipping, a CBV URI or a vocabulary of the enterprise's own
        return text
    word = _key(text)
    word = _BIZ_STEP_WORDS.get(word, word) if field == "bizStep" else word
    words = cbv_words(field)
    if word not in words:
        close = difflib.get_close_matches(word, words, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        what = "business step" if field == "bizStep" else "disposition"
        raise CellError("enum", f"'{text}' is not a CBV {what}{hint}")
    return word


@functools.cache
def cbv_words(field: str) -> tuple[str, ...]:
    """The CBV words the official EPCIS schema lists for ``bizStep`` or ``disposition``."""
    definition = official_schema()["definitions"][field]
    return tuple(word for option in definition["anyOf"] for word in option.get("enum", ()))


def parse_location(text: str) -> str | None:
    """The Digital Link of a GLN (13 digits, check digit verified), or of a GLN given as a URI."""
    if not text:
        return None
    _refuse_scientific(text)
    try:
        if text.isdigit():
            return f"{ID_HOST}/414/{normalise_gln(text)}"
        path = canonical_id(text)
    except InvalidIdentifier as exc:
        raise CellError(exc.rule, f"'{text}': {exc.message}") from None
    if not path.startswith("/414/"):
        raise CellError("format", f"'{text}' is not a GLN: write its 13 digits")
    return ID_HOST + path


def parse_parent(text: str) -> str | None:
    if not text:
        return None
    tokens = _tokens(text)
    if len(tokens) > 1:
        raise CellError("single", "an aggregation has one parent: the pallet or carton")
    if tokens[0].isdigit() and len(tokens[0]) != 18:
        raise CellError("length", f"'{tokens[0]}' is not an SSCC: an SSCC has 18 digits")
    entry = _entry(tokens[0], "parent")
    if not entry.is_item:
        raise CellError("kind", f"'{tokens[0]}' is not a container: give its SSCC (18 digits)")
    return entry.uri


def parse_entries(text: str, column: str) -> list[Entry] | None:
    """Every identifier of an id column; each bad one is its own problem."""
    if not text:
        return None
    entries: list[Entry] = []
    errors: list[CellError] = []
    seen: set[str] = set()
    for token in _tokens(text):
        try:
            entry = _entry(token, column)
        except CellError as exc:
            errors.append(exc)
            continue
        if entry.uri in seen:
            errors.append(CellError("unique", f"'{token}' is listed twice"))
        seen.add(entry.uri)
        entries.append(entry)
    if errors:
        raise CellErrors(errors)
    return entries


def _tokens(text: str) -> list[str]:
    return [token.strip() for token in _LIST_SEPARATOR.split(text) if token.strip()]


def _entry(token: str, column: str) -> Entry:
    """One identifier: ``gtin:value`` is a serial under ``items`` and a lot in the other columns."""
    text, amount = _split_quantity(token)
    path = _canonical(text, "21" if column == "items" else "10")
    is_item = _is_item(path)
    if is_item is None:
        raise CellError("kind", f"'{text}' is not an item, a lot or a product")
    if column == "items" and not is_item:
        raise CellError("kind", f"'{text}' is a lot or a product, not one item: list it under lots")
    if column == "lots" and is_item:
        raise CellError("kind", f"'{text}' is one item, not a lot: list it under items")
    if amount is None:
        return Entry(ID_HOST + path, is_item)
    if is_item:
        raise CellError("quantity", f"'{token}': an item is one unit and has no quantity")
    return Entry(ID_HOST + path, is_item, *parse_quantity(amount))


def _split_quantity(token: str) -> tuple[str, str | None]:
    """``gtin:lot=1200 KGM`` -> (``gtin:lot``, ``1200 KGM``); the ``=`` of a URI's query stays."""
    left, equals, right = token.rpartition("=")
    if not equals:
        return token, None
    if "?" in left and "=" not in re.split(r"[?&]", left)[-1]:
        return token, None  # https://id.gs1.org/01/.../10/L1?17=261231: the = is the query's
    return left.strip(), right.strip()


def _canonical(text: str, shorthand_ai: str) -> str:
    """The canonical Digital Link path of an identifier written in any of the forms we read."""
    _refuse_scientific(text)
    try:
        if text.lower().startswith(("urn:", "http://", "https://")):
            return canonical_id(text)
        if text.startswith("("):
            return identity_key(_element_string(text))
        shorthand = _SHORTHAND.fullmatch(text)
        if shorthand:
            return identity_key(DigitalLink("01", shorthand[1], ((shorthand_ai, shorthand[2].strip()),)))
        if text.isdigit() and len(text) == 18:
            return f"/00/{normalise_sscc(text)}"
        if text.isdigit():
            return canonical_id(text)
    except InvalidIdentifier as exc:
        raise CellError(exc.rule, f"'{text}': {exc.message}") from None
    raise CellError(
        "format",
        f"'{text}' is not an identifier we read: write gtin:serial or gtin:lot, (01)gtin(21)serial, "
        "an SSCC, a Digital Link or an EPC URN",
    )


def _element_string(text: str) -> DigitalLink:
    """``(01)09521234000013(10)SC2610-07``: the human-readable line printed under a GS1 barcode."""
    pairs = _HRI.findall(text)
    if not pairs or "".join(f"({ai}){value}" for ai, value in pairs) != text:
        raise InvalidIdentifier("format", "write each AI in brackets followed by its value: (01)...(10)...")
    (primary_ai, primary), *rest = [(ai, value.strip()) for ai, value in pairs]
    qualifiers = tuple((ai, value) for ai, value in rest if ai in ("10", "21", "22", "235", "254"))
    attributes = {ai: value for ai, value in rest if ai not in dict(qualifiers)}
    return DigitalLink(primary_ai, primary, qualifiers, attributes)


def _is_item(path: str) -> bool | None:
    """True for one thing (a serialised item, an SSCC), False for a lot or a product, else None."""
    parts = path.split("/")
    if parts[1] == "00":
        return True
    if parts[1] == "01" and len(parts) == 3:
        return False
    if parts[1] == "01" and len(parts) == 5 and parts[3] in ("21", "235", "10"):
        return parts[3] != "10"
    return None


def parse_quantity(text: str) -> tuple[int | float, str | None]:
    """``1200 KGM`` -> (1200, "KGM"); a few everyday units (kg, m, l) become their UN/ECE codes."""
    match = _QUANTITY.fullmatch(text)
    if match is None:
        raise CellError("quantity", f"'{text}' is not a quantity: write a number and a unit, e.g. 1200 KGM")
    amount = match["amount"]
    if "," in amount or amount.count(".") > 1:
        raise CellError("number", f"'{amount}': write the quantity with a decimal point and no separators")
    if _THOUSANDS.fullmatch(amount):
        raise CellError(
            "ambiguous-number",
            f"'{amount}' is {amount.replace('.', '')} in Vietnamese writing but "
            f"{Decimal(amount).normalize()} in English: write it with no thousands separator",
        )
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise CellError("number", f"'{amount}' is not a number") from None
    if value <= 0:
        raise CellError("positive", "a quantity is more than zero")
    unit = match["unit"].upper().replace("²", "2") or None
    unit = _UNITS.get(_key(unit).upper(), unit) if unit else None
    if unit is not None and not _UNIT.fullmatch(unit):
        raise CellError(
            "unit", f"'{match['unit']}' is not a UN/ECE unit code such as KGM, MTR, LTR or H87 (piece)"
        )
    return (int(value) if value == value.to_integral_value() else float(value)), unit


def parse_certification(text: str, resolve_label: LabelResolver) -> list[str] | None:
    """Label numbers become the label's page on the registry; a URL stays as written."""
    if not text:
        return None
    references = []
    for token in _tokens(text):
        if token.lower().startswith(("https://", "http://")):
            references.append(token)
        elif _LABEL_NUMBER.fullmatch(token.upper()):
            references.append(resolve_label(token.upper()))
        else:
            raise CellError("format", f"'{token}' is neither a label number (DN-GRN-2026-000001) nor a URL")
    return references


def _refuse_scientific(text: str) -> None:
    if _SCIENTIFIC.fullmatch(text):
        raise CellError(
            "scientific-notation",
            f"Excel turned a long number into '{text}': format the column as Text and type it again",
        )


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
