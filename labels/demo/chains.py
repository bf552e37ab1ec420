"""Demo traceability chains, captured through the real capture path (validated, hashed, signed, logged).

- Garments: organic cotton yarn -> woven fabric -> men's shirts (serialised) -> carton -> pallet ->
  shipped from KCN Biên Hòa 2 -> received and shelved at Co.opmart Biên Hòa.
- Seafood: pangasius harvested at a Nhơn Trạch farm -> received at the plant -> filleted and frozen
  (with its carbon-footprint label as certificationInfo) -> packed -> shipped -> received and sold
  at WinMart Long Khánh.
Times are fixed in October 2026 so that the demo reads the same on every machine.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.gs1.identifiers import make_gln, make_gtin, make_sscc
from labels.registry.accounts import principal_for
from labels.traceability.capture import capture
from labels.trust.notary import notary_of
from models import Label, Organisation, Product, User

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/epcis-context.jsonld"
GARMENT_PREFIX, SEAFOOD_PREFIX = "89360011", "89360018"
SHIRT_SERIALS = ("BHX26A0001", "BHX26A0002", "BHX26A0003")


def sscc(prefix: str, reference: int) -> str:
    return f"https://id.gs1.org/00/{make_sscc(prefix, reference)}"


def _item(gtin: str, serial: str) -> str:
    return f"https://id.gs1.org/01/{gtin}/21/{serial}"


def _lot(gtin: str, lot: str) -> str:
    return f"https://id.gs1.org/01/{gtin}/10/{lot}"


def _event(kind: str, time: str, biz_step: str, place: str, **fields) -> dict:
    location = {"id": f"https://id.gs1.org/414/{place}"}
    event = {"type": kind, "eventTime": f"2026-10-{time}:00.000+07:00", "eventTimeZoneOffset": "+07:00"}
    if kind in ("ObjectEvent", "AggregationEvent"):
        event["action"] = fields.pop("action", "OBSERVE")
    event.update(fields)
    event |= {"bizStep": biz_step, "readPoint": location, "bizLocation": location}
    return event


def _quantities(*lots: tuple[str, float, str]) -> list[dict]:
    return [{"epcClass": lot, "quantity": quantity, "uom": uom} for lot, quantity, uom in lots]


def _capture(session: Session, email: str, *events: dict) -> None:
    user = session.scalar(select(User).where(User.email == email))
    organisation = session.get(Organisation, user.memberships[0].organisation_id)
    organisation.events_public = True
    document = {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-10-31T12:00:00.000+07:00",
        "epcisBody": {"eventList": list(events)},
    }
    capture(session, principal_for(user, "system"), organisation, document)


def _label_url(session: Session, gtin: str) -> str | None:
    number = session.scalar(
        select(Label.label_number)
        .join(Label.products)
        .where(Product.gtin == gtin)
        .order_by(Label.id)
        .limit(1)
    )
    return f"{notary_of(session).base_url}/catalogue/{number}" if number else None


def seed_garment_chain(session: Session) -> None:
    yarn, fabric, shirt = (make_gtin(GARMENT_PREFIX, n) for n in (1, 2, 3))
    spinning, weaving, sewing = (make_gln(GARMENT_PREFIX, n) for n in (1, 2, 3))
    store = make_gln("89360101", 1)  # Co.opmart Biên Hòa's shop floor
    yarn_lot, fabric_lot = _lot(yarn, "SC2610-07"), _lot(fabric, "VT2610-12")
    shirts = [_item(shirt, serial) for serial in SHIRT_SERIALS]
    carton, pallet = sscc(GARMENT_PREFIX, 2610001), sscc(GARMENT_PREFIX, 2610002)
    made = {"certificationInfo": url} if (url := _label_url(session, shirt)) else {}
    _capture(
        session,
        "detmay@ecoreg.demo",
        _event(
            "ObjectEvent",
            "02T07:30",
            "commissioning",
            spinning,
            action="ADD",
            epcList=[],
            quantityList=_quantities((yarn_lot, 1200, "KGM")),
        ),
        _event(
            "TransformationEvent",
            "05T08:00",
            "commissioning",
            weaving,
            inputQuantityList=_quantities((yarn_lot, 1150, "KGM")),
            outputQuantityList=_quantities((fabric_lot, 5400, "MTR")),
        ),
        _event(
            "TransformationEvent",
            "09T14:00",
            "commissioning",
            sewing,
            inputQuantityList=_quantities((fabric_lot, 5.1, "MTR")),
            outputEPCList=shirts,
            **made,
        ),
        _event(
            "AggregationEvent", "10T09:00", "packing", sewing, action="ADD", parentID=carton, childEPCs=shirts
        ),
        _event(
            "AggregationEvent",
            "10T11:00",
            "packing",
            sewing,
            action="ADD",
            parentID=pallet,
            childEPCs=[carton],
        ),
        _event("ObjectEvent", "11T06:00", "shipping", sewing, epcList=[pallet], disposition="in_transit"),
    )
    _capture(
        session,
        "coopmart@ecoreg.demo",
        _event("ObjectEvent", "11T10:15", "receiving", store, epcList=[pallet], disposition="in_progress"),
        _event(
            "AggregationEvent",
            "11T13:00",
            "unpacking",
            store,
            action="DELETE",
            parentID=carton,
            childEPCs=shirts,
        ),
        _event(
            "ObjectEvent", "12T08:30", "stocking", store, epcList=shirts, disposition="sellable_accessible"
        ),
    )


def seed_seafood_chain(session: Session) -> None:
    raw_fish, fillet = make_gtin(SEAFOOD_PREFIX, 90), make_gtin(SEAFOOD_PREFIX, 1)
    farm, plant = make_gln(SEAFOOD_PREFIX, 11), make_gln(SEAFOOD_PREFIX, 1)
    shop = make_gln("89360101", 12)  # WinMart Long Khánh
    catch, fillets = _lot(raw_fish, "AO7-261014"), _lot(fillet, "PL261015A")
    carton, pallet = sscc(SEAFOOD_PREFIX, 2610001), sscc(SEAFOOD_PREFIX, 2610002)
    made = {"certificationInfo": url} if (url := _label_url(session, fillet)) else {}
    _capture(
        session,
        "thuysan@ecoreg.demo",
        _event(
            "ObjectEvent",
            "14T05:00",
            "commissioning",
            farm,
            action="ADD",
            epcList=[],
            quantityList=_quantities((catch, 8000, "KGM")),
        ),
        _event(
            "ObjectEvent",
            "14T09:00",
            "receiving",
            plant,
            epcList=[],
            quantityList=_quantities((catch, 8000, "KGM")),
        ),
        _event(
            "TransformationEvent",
            "15T07:00",
            "commissioning",
            plant,
            inputQuantityList=_quantities((catch, 8000, "KGM")),
            outputQuantityList=_quantities((fillets, 3100, "KGM")),
            **made,
        ),
        _event(
            "AggregationEvent",
            "15T16:00",
            "packing",
            plant,
            action="ADD",
            parentID=carton,
            childQuantityList=_quantities((fillets, 10, "KGM")),
        ),
        _event(
            "AggregationEvent",
            "15T17:00",
            "packing",
            plant,
            action="ADD",
            parentID=pallet,
            childEPCs=[carton],
        ),
        _event("ObjectEvent", "16T04:00", "shipping", plant, epcList=[pallet], disposition="in_transit"),
    )
    _capture(
        session,
        "winmart@ecoreg.demo",
        _event("ObjectEvent", "16T09:30", "receiving", shop, epcList=[pallet], disposition="in_progress"),
        _event(
            "ObjectEvent",
            "16T15:00",
            "stocking",
            shop,
            epcList=[],
            quantityList=_quantities((fillets, 10, "KGM")),
        ),
    )


def seed_chains(session: Session) -> None:
    seed_garment_chain(session)
    seed_seafood_chain(session)
