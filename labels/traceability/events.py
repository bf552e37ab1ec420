"""What the registry reads out of an EPCIS 2.0 event: its time, its CBV words, the identifiers it names.

Framework-free. Events spell the same thing several ways (a bare ``shipping``, ``cbv:BizStep-shipping``,
``https://ref.gs1.org/cbv/BizStep-shipping``, the EPCIS 1.x ``urn:epcglobal:cbv:bizstep:shipping``; an
EPC URN or a Digital Link for one item); each is reduced here to the one form that queries compare.
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime

from labels.gs1.epc import canonical_id
from labels.gs1.identifiers import InvalidIdentifier, check_digit

CBV = "https://ref.gs1.org/cbv/"
EVENT_TYPES = (
    "ObjectEvent",
    "AggregationEvent",
    "TransactionEvent",
    "TransformationEvent",
    "AssociationEvent",
)
_VOCABULARIES = {"bizStep": "BizStep", "disposition": "Disp"}
_EPCGLOBAL = re.compile(r"urn:epcglobal:cbv:(bizstep|disp):(.+)")
_PRODUCT = re.compile(r"/01/\d{14}")

#: (event field, role): lists of identifiers.
_ID_LISTS = (
    ("epcList", "epc"),
    ("childEPCs", "child"),
    ("inputEPCList", "input"),
    ("outputEPCList", "output"),
)
#: (event field, role): lists of quantity elements, whose ``epcClass`` names a class (a lot, a product).
_QUANTITY_LISTS = (
    ("quantityList", "class"),
    ("childQuantityList", "child-class"),
    ("inputQuantityList", "input-class"),
    ("outputQuantityList", "output-class"),
)


def cbv_uri(value: str | None, field: str) -> str | None:
    """The full CBV URI of a ``bizStep`` or ``disposition`` value; a custom URI stays as it is."""
    if not value:
        return None
    prefix = _VOCABULARIES[field]
    if value.startswith("cbv:"):
        return CBV + value[4:]
    legacy = _EPCGLOBAL.fullmatch(value)
    if legacy:
        return f"{CBV}{prefix}-{legacy[2]}"
    if ":" not in value:  # a bare CBV word, as EPCIS 2.0 JSON-LD allows
        return f"{CBV}{prefix}-{value}"
    return value


def cbv_word(uri: str | None) -> str | None:
    """``shipping`` for ``https://ref.gs1.org/cbv/BizStep-shipping``: what a page shows and translates."""
    if uri and uri.startswith(CBV):
        return uri[len(CBV) :].split("-", 1)[-1]
    return uri


# Digital Links as events mostly write them: a lower-case host, then a GTIN alone, with a serial or
# with a lot, an SSCC or a GLN, the values in characters that need no %-escape. Their key is their
# path once the check digit is right, which costs a regex instead of the full parser (tens of us).
_PLAIN_LINK = re.compile(
    r"https?://[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?"
    r"(/(?:01/(\d{14})(?:/(?:10|21)/[-.0-9A-Z_a-z]{1,20})?|00/(\d{18})|414/(\d{13})))"
)


# A capture names each identifier several times (an item is made, packed, shipped, shelved); the key
# depends on the text alone.
@functools.lru_cache(maxsize=16_384)
def key_of(text: str) -> str:
    """The canonical key of an identifier when it is a GS1 key (EPC URN, Digital Link), else the text."""
    plain = _PLAIN_LINK.fullmatch(text)
    if plain:
        key = plain[2] or plain[3] or plain[4]
        if check_digit(key[:-1]) == int(key[-1]):
            return plain[1]
    try:
        return canonical_id(text)
    except InvalidIdentifier:
        return text.strip()


def product_of(canonical: str) -> str | None:
    """``/01/{gtin14}`` for anything of a GTIN, so that a pattern over a product is one index lookup."""
    match = _PRODUCT.match(canonical)
    return match[0] if match else None


def event_time(event: dict) -> datetime:
    """The event's time in UTC (its ``eventTimeZoneOffset`` is only how it was written)."""
    return parse_time(event["eventTime"])


def parse_time(text: str) -> datetime:
    """An XML Schema dateTime with an offset or Z, in UTC. Raises ``ValueError``."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        raise ValueError("a time needs an offset or Z")
    return value.astimezone(UTC)


def location(event: dict, field: str) -> str | None:
    """The canonical ``readPoint`` or ``bizLocation`` id."""
    value = event.get(field)
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return key_of(value["id"])
    return None


def identifiers(event: dict) -> list[tuple[str, str, str | None, float | None]]:
    """``(role, canonical, product, quantity)`` for each identifier the event names, each once; the
    quantity is a quantity element's (summed if a class is listed twice in one list)."""
    seen: dict[tuple[str, str], list] = {}
    # A list and a loop rather than a helper per identifier: capture indexes a dozen an event.
    named: list[tuple[str, object, object]] = [("parent", event.get("parentID"), None)]
    for field, role in _ID_LISTS:
        named += [(role, text, None) for text in _list(event.get(field))]
    for field, role in _QUANTITY_LISTS:
        named += [
            (role, element.get("epcClass"), element.get("quantity"))
            for element in _list(event.get(field))
            if isinstance(element, dict)
        ]
    for role, text, quantity in named:
        if not isinstance(text, str) or not text.strip():
            continue
        canonical, product = _keys(text)
        amount = (
            float(quantity) if isinstance(quantity, int | float) and not isinstance(quantity, bool) else None
        )
        row = seen.get((role, canonical))
        if row is None:
            seen[(role, canonical)] = [role, canonical, product, amount]
        elif amount is not None:
            row[3] = (row[3] or 0.0) + amount
    return [tuple(row) for row in seen.values()]


# key_of's cache with the product as well: both depend on the text alone.
@functools.lru_cache(maxsize=16_384)
def _keys(text: str) -> tuple[str, str | None]:
    canonical = key_of(text)
    return canonical, product_of(canonical)


def certification_refs(event: dict) -> list[str]:
    """The event's ``certificationInfo`` values (a string or a list of strings in EPCIS 2.0)."""
    value = event.get("certificationInfo")
    return [v for v in _list(value) if isinstance(v, str)] if value is not None else []


def _list(value: object) -> list:
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, str) else []
