"""The GS1 EPCIS Event Hash ID (CBV 2.0, section 8.9) of EPCIS 2.0 JSON-LD events.

Framework-free. An event's hash ID is ``ni:///sha-256;{hex}?ver=CBV2.0``, the SHA-256 of its
*pre-hash string*: the event's fields in the canonical order, ``name=value`` with no separators,
values normalised so that any two spellings of the same event meet on one string:

* times in UTC with milliseconds, rounded half up (``11:04:03.1415+01:00`` -> ``10:04:03.142Z``);
* numbers without trailing zeros or a leading ``+`` (``452.0`` -> ``452``), exactly (in decimal);
* CBV words, URNs and CURIEs as CBV web URIs (``shipping``, ``urn:epcglobal:cbv:bizstep:shipping``
  and ``cbv:BizStep-shipping`` -> ``https://ref.gs1.org/cbv/BizStep-shipping``);
* GS1 identifiers, as EPC URNs or Digital Links on any host, as the constrained canonical Digital
  Link: ``https://id.gs1.org``, no query, the finest key only (a serial drops its lot and CPV);
* user extensions as ``{namespace}localName`` (prefixes from the ``@context``), sorted, after the
  standard fields of the object that holds them; lists sorted; ``recordTime``, ``eventID``,
  ``errorDeclaration`` and comments left out, as are the fields a document's ``ignoreFields`` names.

Written by hand rather than wrapping the reference implementation's PyPI package
(epcis-event-hash-generator 1.9.3, 2023): it predates query documents and ``ignoreFields`` (3 of the
22 JSON-LD vector files fail), pulls in Flask, PyLD and lxml, and silently drops events it cannot
parse. Where the reference is accidental rather than written down, this module follows the written
rules: extensions stay inside their parent object, numbers keep all their digits, a business
transaction's ``type`` comes first whatever the JSON order, and a Digital Link with %-escapes is
normalised like its EPC URN. ``labels.gs1.epc`` and ``labels.gs1.digital_link`` are not used for identifiers:
they know 3 of the 14 GS1 keys, and a hash must not refuse a key whose check digit is wrong.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from labels.traceability.canonical_links import CANONICAL_HOST, PLAIN_DIGITAL_LINK, gs1_canonical_uri

CBV_VERSION = "CBV2.0"

CBV = "https://ref.gs1.org/cbv/"
GS1_VOC = "https://gs1.org/voc/"  # the gs1: prefix of the EPCIS 2.0.0 context

# The prefixes the standard EPCIS 2.0 context declares; a document's own @context adds to them.
STANDARD_NAMESPACES: Mapping[str, str] = {
    "epcis": "https://ref.gs1.org/epcis/",
    "cbv": CBV,
    "cbvmda": "urn:epcglobal:cbv:mda:",
    "gs1": GS1_VOC,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
}

_ALGORITHMS = {"sha-256": hashlib.sha256, "sha-384": hashlib.sha384, "sha-512": hashlib.sha512}

Namespaces = Mapping[str, str]


class EventHashError(ValueError):
    """An event that has no hash ID: not an object, no ``type``, or a time that is no xsd:dateTimeStamp."""


# --- public API --------------------------------------------------------------------------------------


def prehash(event: Mapping[str, Any], context: Any = None, *, ignore: Iterable[str] = ()) -> str:
    """The canonical pre-hash string of one EPCIS 2.0 JSON-LD event.

    ``context`` is the ``@context`` of the document the event came from (a URL, an object or a list of
    them); only its prefix declarations matter. ``ignore`` names further top-level fields to leave out
    (CURIEs such as ``"example:captureID"``), as a document's ``ignoreFields`` does.
    """
    if not isinstance(event, Mapping) or not isinstance(event.get("type"), str):
        raise EventHashError("an EPCIS event is a JSON object with a 'type'")
    names = namespaces(context, event.get("@context"))
    skip = _EVENT_IGNORED | {_expand_key(name, names) for name in ignore}
    body = _object_body(event, _EVENT_FIELDS, names, skip=skip, late=_EVENT_LATE_FIELDS)
    return f"eventType={event['type'].strip()}{body}"


def hash_id(prehash_string: str, algorithm: str = "sha-256") -> str:
    """The ``ni:`` URI (RFC 6920) of a pre-hash string: ``ni:///sha-256;{hex}?ver=CBV2.0``."""
    digest = _ALGORITHMS.get(algorithm)
    if digest is None:
        raise ValueError(f"unsupported digest {algorithm!r}; use one of {', '.join(_ALGORITHMS)}")
    return f"ni:///{algorithm};{digest(prehash_string.encode('utf-8')).hexdigest()}?ver={CBV_VERSION}"


def event_hash_id(
    event: Mapping[str, Any], context: Any = None, *, ignore: Iterable[str] = (), algorithm: str = "sha-256"
) -> str:
    """The EPCIS Event Hash ID of one event (see :func:`prehash` for the arguments)."""
    return hash_id(prehash(event, context, ignore=ignore), algorithm)


def document_events(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The events of an EPCIS document or query document, in document order."""
    body = document.get("epcisBody") or {}
    if "eventList" in body:
        return list(body["eventList"] or [])
    results = body.get("queryResults")
    if isinstance(results, Mapping):
        return list((results.get("resultsBody") or {}).get("eventList") or [])
    return [body["event"]] if "event" in body else []


def document_ignore_fields(document: Mapping[str, Any]) -> tuple[str, ...]:
    """The fields a document (or its query results) asks hashers to leave out (``x:ignoreFields``)."""
    results = (document.get("epcisBody") or {}).get("queryResults")
    holders = [document, results] if isinstance(results, Mapping) else [document]
    found: list[str] = []
    for holder in holders:
        for key, value in holder.items():
            if key == "ignoreFields" or key.endswith((":ignoreFields", "/ignoreFields")):
                found.extend(value if isinstance(value, list) else [value])
    return tuple(str(name) for name in found)


def document_prehashes(document: Mapping[str, Any]) -> list[str]:
    """The pre-hash string of every event of a document, in document order."""
    context, ignore = document.get("@context"), document_ignore_fields(document)
    return [prehash(event, context, ignore=ignore) for event in document_events(document)]


def document_hash_ids(document: Mapping[str, Any], algorithm: str = "sha-256") -> Iterator[str]:
    """Yield the hash ID of every event of an EPCIS document or query document, in document order."""
    context, ignore = document.get("@context"), document_ignore_fields(document)
    for event in document_events(document):
        yield event_hash_id(event, context, ignore=ignore, algorithm=algorithm)


def namespaces(*contexts: Any) -> dict[str, str]:
    """Prefix -> namespace IRI: the standard EPCIS prefixes, then those each JSON-LD ``@context`` declares."""
    found = dict(STANDARD_NAMESPACES)
    for context in contexts:
        for entry in context if isinstance(context, list) else [context]:
            if not isinstance(entry, Mapping):
                continue  # a context URL: the standard one is built in, others cannot be fetched here
            for prefix, definition in entry.items():
                iri = definition.get("@id") if isinstance(definition, Mapping) else definition
                if not prefix.startswith("@") and isinstance(iri, str):
                    found[prefix] = iri
    return found


# --- the canonical property order ------------------------------------------------------------------


@dataclass(frozen=True)
class _Value:
    vocabulary: str = ""  # bare words (JSON-LD terms of this field) expand to vocabulary + word


@dataclass(frozen=True)
class _Time:
    pass


@dataclass(frozen=True)
class _List:
    element: str  # JSON drops the element name that XML (and so the pre-hash string) has
    kind: Kind


@dataclass(frozen=True)
class _Object:
    fields: tuple[tuple[str, Kind], ...]


Kind = _Value | _Time | _List | _Object

_VALUE, _TIME = _Value(), _Time()
_QUANTITY = _Object((("epcClass", _VALUE), ("quantity", _VALUE), ("uom", _VALUE)))
_ID = _Object((("id", _VALUE),))
_DISPOSITION = _Value(CBV + "Disp-")
_SENSOR_METADATA = _Object(
    (
        ("time", _TIME),
        ("startTime", _TIME),
        ("endTime", _TIME),
        ("deviceID", _VALUE),
        ("deviceMetadata", _VALUE),
        ("rawData", _VALUE),
        ("dataProcessingMethod", _VALUE),
        ("bizRules", _VALUE),
    )
)
_SENSOR_REPORT = _Object(
    (
        ("type", _Value(GS1_VOC)),
        ("exception", _Value(GS1_VOC)),
        ("deviceID", _VALUE),
        ("deviceMetadata", _VALUE),
        ("rawData", _VALUE),
        ("dataProcessingMethod", _VALUE),
        ("time", _TIME),
        ("microorganism", _VALUE),
        ("chemicalSubstance", _VALUE),
        ("value", _VALUE),
        ("component", _Value(CBV + "Comp-")),
        ("stringValue", _VALUE),
        ("booleanValue", _VALUE),
        ("hexBinaryValue", _VALUE),
        ("uriValue", _VALUE),
        ("minValue", _VALUE),
        ("maxValue", _VALUE),
        ("meanValue", _VALUE),
        ("sDev", _VALUE),
        ("percRank", _VALUE),
        ("percValue", _VALUE),
        ("uom", _VALUE),
        ("coordinateReferenceSystem", _VALUE),
    )
)
_SENSOR_ELEMENT = _Object((("sensorMetadata", _SENSOR_METADATA), ("sensorReport", _SENSOR_REPORT)))

_EVENT_FIELDS: tuple[tuple[str, Kind], ...] = (
    ("eventTime", _TIME),
    ("eventTimeZoneOffset", _VALUE),
    ("certificationInfo", _VALUE),
    ("parentID", _VALUE),
    ("epcList", _List("epc", _VALUE)),
    ("inputEPCList", _List("epc", _VALUE)),
    ("childEPCs", _List("epc", _VALUE)),
    ("quantityList", _List("quantityElement", _QUANTITY)),
    ("childQuantityList", _List("quantityElement", _QUANTITY)),
    ("inputQuantityList", _List("quantityElement", _QUANTITY)),
    ("outputEPCList", _List("epc", _VALUE)),
    ("outputQuantityList", _List("quantityElement", _QUANTITY)),
    ("action", _VALUE),
    ("transformationID", _VALUE),
    ("bizStep", _Value(CBV + "BizStep-")),
    ("disposition", _DISPOSITION),
    ("persistentDisposition", _Object((("set", _DISPOSITION), ("unset", _DISPOSITION)))),
    ("readPoint", _ID),
    ("bizLocation", _ID),
    ("sensorElementList", _List("sensorElement", _SENSOR_ELEMENT)),
)


def _typed_list(id_field: str, vocabulary: str) -> _List:
    # Each entry is "type=…{id_field}=…": its type first, whatever order the JSON wrote them in.
    return _List("", _Object((("type", _Value(vocabulary)), (id_field, _VALUE))))


# The reference sorts these three with the extensions rather than in the table's place (every
# published hash depends on it), so they are written with their own shape but sorted at the end.
_EVENT_LATE_FIELDS: Mapping[str, Kind] = {
    "bizTransactionList": _typed_list("bizTransaction", CBV + "BTT-"),
    "sourceList": _typed_list("source", CBV + "SDT-"),
    "destinationList": _typed_list("destination", CBV + "SDT-"),
}
_COMMENTS = frozenset({"comment", "rdfs:comment", "{http://www.w3.org/2000/01/rdf-schema#}comment"})
_EVENT_IGNORED = frozenset({"type", "eventID", "recordTime", "errorDeclaration"}) | _COMMENTS


# --- rendering ------------------------------------------------------------------------------------------


def _render(name: str, value: Any, kind: Kind, names: Namespaces) -> list[str]:
    """The substrings one field contributes, one per occurrence (a JSON array is several occurrences)."""
    if value is None:
        return []
    if isinstance(value, list) and not isinstance(kind, _List):
        return [text for item in value for text in _render(name, item, kind, names)]
    if isinstance(kind, _List):
        items = value if isinstance(value, list) else [value]
        element, inner = kind.element, kind.kind
        parts = []
        for item in items:
            if type(item) is str and type(inner) is _Value:  # an EPC: what _render would do, one call less
                text = _canonical_value(item, names, inner.vocabulary)
                if text:
                    parts.append(f"{element}={text}")
            else:
                parts += _render(element, item, inner, names)
        return [name + "".join(sorted(parts))] if parts else []
    if _is_mapping(value):
        fields = kind.fields if isinstance(kind, _Object) else ()
        body = _object_body(value, fields, names)
        return [name + body] if body else []
    if isinstance(kind, _Time):
        return [f"{name}={_timestamp(value)}"]
    vocabulary = kind.vocabulary if isinstance(kind, _Value) else ""
    text = _canonical_value(value, names, vocabulary)
    return [f"{name}={text}"] if text else []


def _object_body(
    obj: Mapping[str, Any],
    fields: tuple[tuple[str, Kind], ...],
    names: Namespaces,
    *,
    skip: frozenset[str] = _COMMENTS,
    late: Mapping[str, Kind] | None = None,
) -> str:
    """An object's standard fields in order, then everything else sorted (extensions stay inside)."""
    ordered = [
        text
        for field, kind in fields
        if field in obj
        for text in sorted(_render(field, obj[field], kind, names))
    ]
    known = {field for field, _ in fields}
    rest: list[str] = []
    for key, value in obj.items():
        if key in known or _skipped(key, names, skip):
            continue
        if late and key in late:
            rest.extend(_render(key, value, late[key], names))
        else:
            rest.extend(_extension(key, value, names))
    return "".join(ordered + sorted(rest))


def _extension(key: str, value: Any, names: Namespaces) -> list[str]:
    """A field outside the standard order: ``{namespace}local[=value]``, its children sorted."""
    if value is None:
        return []
    if isinstance(value, list):
        return [text for item in value for text in _extension(key, item, names)]
    name = _expand_key(key, names)
    if _is_mapping(value):
        children = [
            text
            for child, child_value in value.items()
            if not _skipped(child, names, _COMMENTS)
            for text in _extension(child, child_value, names)
        ]
        return [name + "".join(sorted(children))]
    text = _canonical_value(value, names)
    return [f"{name}={text}" if text else name]


def _is_mapping(value: Any) -> bool:
    # Values are mostly strings and dicts; the Mapping ABC's isinstance is slow for anything else.
    cls = type(value)
    return cls is dict or (cls is not str and isinstance(value, Mapping))


def _skipped(key: str, names: Namespaces, skip: frozenset[str]) -> bool:
    # JSON-LD keywords (an event's own "@context") are no event data.
    return key.startswith("@") or key in skip or _expand_key(key, names) in skip


def _expand_key(key: str, names: Namespaces) -> str:
    prefix, colon, local = key.partition(":")
    if colon and prefix in names:
        return "{" + names[prefix] + "}" + local
    return key


# --- values ------------------------------------------------------------------------------------------------

_CBV_URNS = (
    ("urn:epcglobal:cbv:bizstep:", CBV + "BizStep-"),
    ("urn:epcglobal:cbv:disp:", CBV + "Disp-"),
    ("urn:epcglobal:cbv:btt:", CBV + "BTT-"),
    ("urn:epcglobal:cbv:sdt:", CBV + "SDT-"),
    ("urn:epcglobal:cbv:er:", CBV + "ER-"),
)
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_TIMESTAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|([+-])(\d\d):(\d\d))")


def _canonical_value(value: Any, names: Namespaces, vocabulary: str = "") -> str:
    if type(value) is str:
        # Most values are plain Digital Links (every EPC of a list): the steps below would leave one
        # as gs1_canonical_uri makes it, unless the context declared its scheme as a prefix.
        plain = PLAIN_DIGITAL_LINK.fullmatch(value)
        if plain and value[: value.index(":")] not in names:
            return CANONICAL_HOST + plain[1]
    if isinstance(value, bool):
        return "true" if value else "false"  # as XML writes it, so both syntaxes hash alike
    text = repr(value) if isinstance(value, float) else str(value).strip()
    if vocabulary and text and ":" not in text:
        return vocabulary + text
    text = _expand_value(_cbv_web_uri(text), names)
    if _NUMBER.fullmatch(text):
        return _number(text)
    return gs1_canonical_uri(text) or text


def _cbv_web_uri(text: str) -> str:
    if not text.startswith("urn:epcglobal:cbv:"):  # the common case, one test instead of five
        return text
    for urn, web in _CBV_URNS:
        if text.startswith(urn):
            return web + text[len(urn) :]
    return text


def _expand_value(text: str, names: Namespaces) -> str:
    # Only GS1's own vocabularies: XML does not resolve prefixes in values, and a value with a user
    # prefix ("example:x") must hash the same in both syntaxes.
    prefix, colon, local = text.partition(":")
    iri = names.get(prefix, "") if colon else ""
    if iri.startswith(("https://ref.gs1.org/", "https://gs1.org/")):
        return iri + local
    return text


def _number(text: str) -> str:
    sign, digits, exponent = Decimal(text).as_tuple()
    if not isinstance(exponent, int) or abs(exponent) > 1000:
        return text  # would write out a thousand zeros: keep it as given
    significant = "".join(map(str, digits)).lstrip("0")
    stripped = significant.rstrip("0")
    if not stripped:
        return "0"
    exponent += len(significant) - len(stripped)
    if exponent >= 0:
        plain = stripped + "0" * exponent
    elif len(stripped) + exponent > 0:
        plain = f"{stripped[:exponent]}.{stripped[exponent:]}"
    else:
        plain = "0." + "0" * -(len(stripped) + exponent) + stripped
    return "-" + plain if sign else plain


def _timestamp(value: Any) -> str:
    """An xsd:dateTimeStamp in UTC with milliseconds, the third decimal rounded half up."""
    match = _TIMESTAMP.fullmatch(str(value).strip())
    if match is None:
        raise EventHashError(f"{value!r} is not an xsd:dateTimeStamp (a date, a time and an offset)")
    year, month, day, hour, minute, second, fraction, zone, sign, zone_hours, zone_minutes = match.groups()
    milliseconds = (Decimal(f"0.{fraction or 0}") * 1000).to_integral_value(rounding=ROUND_HALF_UP)
    offset = timedelta(0) if zone == "Z" else timedelta(hours=int(zone_hours), minutes=int(zone_minutes))
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
        # .9995 rounds up into the next second (and maybe the next day): add, do not replace.
        moment += timedelta(milliseconds=int(milliseconds)) - (-offset if sign == "-" else offset)
    except (ValueError, OverflowError) as exc:
        raise EventHashError(f"{value!r} is not a valid time: {exc}") from exc
    return moment.isoformat(timespec="milliseconds") + "Z"
