"""Small EPCIS 2.0 documents for the tests, built from parts so each test says only what matters to it."""

from __future__ import annotations

import itertools

from labels.gs1.identifiers import make_gln, make_gtin, make_sscc

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
_minute = itertools.count()


gtin, gln = make_gtin, make_gln


def item(gtin14: str, serial: str) -> str:
    return f"https://id.gs1.org/01/{gtin14}/21/{serial}"


def lot(gtin14: str, lot_number: str) -> str:
    return f"https://id.gs1.org/01/{gtin14}/10/{lot_number}"


def sscc(prefix: str, reference: int) -> str:
    return f"https://id.gs1.org/00/{make_sscc(prefix, reference)}"


def place(gln13: str) -> dict:
    return {"id": f"https://id.gs1.org/414/{gln13}"}


def when(minute: int | None = None) -> str:
    """Distinct event times, a minute apart, in Vietnam's offset."""
    minute = next(_minute) if minute is None else minute
    return f"2026-10-{1 + minute // 1440:02d}T{minute // 60 % 24:02d}:{minute % 60:02d}:00.000+07:00"


def _base(kind: str, biz_step: str, location: str | None, time: str | None, **fields) -> dict:
    event = {"type": kind, "eventTime": time or when(), "eventTimeZoneOffset": "+07:00"}
    event.update(fields)
    event["bizStep"] = biz_step
    if location:
        event["readPoint"] = place(location)
        event["bizLocation"] = place(location)
    return event


def object_event(epcs, biz_step="commissioning", location=None, time=None, action="ADD", **fields) -> dict:
    return _base("ObjectEvent", biz_step, location, time, epcList=list(epcs), action=action, **fields)


def lot_event(classes, biz_step="commissioning", location=None, time=None, action="ADD", **fields) -> dict:
    quantities = [{"epcClass": c, "quantity": 100, "uom": "KGM"} for c in classes]
    return _base(
        "ObjectEvent", biz_step, location, time, epcList=[], quantityList=quantities, action=action, **fields
    )


def transformation(inputs, outputs, location=None, time=None, biz_step="commissioning", **fields) -> dict:
    """Inputs and outputs are lot URIs (quantity lists) or item URIs (EPC lists), sorted by their kind."""
    event = _base("TransformationEvent", biz_step, location, time, **fields)
    for side, values in (("input", inputs), ("output", outputs)):
        items = [v for v in values if "/21/" in v]
        classes = [v for v in values if "/21/" not in v]
        if items:
            event[f"{side}EPCList"] = items
        if classes:
            event[f"{side}QuantityList"] = [{"epcClass": c, "quantity": 10, "uom": "KGM"} for c in classes]
    return event


def aggregation(
    parent, children, biz_step="packing", location=None, time=None, action="ADD", **fields
) -> dict:
    return _base(
        "AggregationEvent",
        biz_step,
        location,
        time,
        parentID=parent,
        childEPCs=list(children),
        action=action,
        **fields,
    )


def document(*events, context=None) -> dict:
    return {
        "@context": context or [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-23T08:00:00.000+07:00",
        "epcisBody": {"eventList": list(events)},
    }
