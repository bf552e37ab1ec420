"""One spreadsheet row read as one EPCIS 2.0 event: every cell parsed, every broken rule told.

What a person can type in Excel is accepted: ``gtin:serial`` and ``gtin:lot=1200 KGM`` besides
Digital Link URIs and EPC URNs, a local Vietnamese time such as ``2026-10-02 07:30``, a CBV word such
as ``shipping`` or its Vietnamese name. A row with problems gives no event and every problem at once.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from labels.gs1.digital_link import DigitalLink
from labels.gs1.epc import canonical_id, identity_key
from labels.gs1.identifiers import (
    InvalidIdentifier,
    normalise_gln,
    normalise_sscc,
)
from labels.registry.product_import import RowError
from labels.registry.reference import VIETNAM
from labels.traceability.event_columns import COLUMN_NAMES, ID_HOST, plain_key
from labels.traceability.events import cbv_uri, cbv_word
from labels.traceability.validation import official_schema

#: A year outside these is a typing mistake (0226 for 2026); year 1 cannot even be told in UTC.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100

EVENT_TYPES = {
    "object": "ObjectEvent",
    "aggregation": "AggregationEvent",
    "transformation": "TransformationEvent",
}
ACTIONS = ("ADD", "OBSERVE", "DELETE")

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
#: diacritics, see :func:`labels.traceability.event_columns.plain_key`).
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
    key = plain_key(text)
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
    word = plain_key(text)
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
    unit = _UNITS.get(plain_key(unit).upper(), unit) if unit else None
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
