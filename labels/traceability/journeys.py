"""The journey of an item, lot or product: one step back and one step forward, followed as far as it goes.

Starting from an identifier, the walk collects
- the events that name it (its own journey),
- the containers it was aggregated into, and theirs in turn (carton -> pallet), with their events,
- upstream: the inputs of every transformation that output it, then their inputs, recursively,
- downstream: the outputs of every transformation that consumed it, recursively.
Each identifier is visited once (a cycle in bad data cannot loop), and the walk stops at a depth
limit, saying so. It reads one breadth level per query, so a journey of ``n`` steps costs ``O(n)``
queries however many events the registry holds. Only events the caller may see are used.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session, joinedload

from labels.errors import InvalidInput
from labels.gs1.digital_link import InvalidDigitalLink, parse_digital_link
from labels.gs1.epc import canonical_id
from labels.gs1.identifiers import InvalidIdentifier
from labels.registry.permissions import Principal
from labels.traceability.events import cbv_word, certification_refs, product_of
from labels.traceability.query import visible
from models import EpcisEvent, EventIdentifier, Lot, Product, Serial

DEFAULT_DEPTH = 50
MAX_DEPTH = 200
MAX_EVENTS = 5_000
_LABEL_NUMBER = re.compile(r"DN-[A-Z0-9]{2,8}-\d{4}-\d{6}")

# Which way each kind of identifier is followed: the item itself every way; a container only to its
# own containers; an upstream input only further upstream, a downstream output only further down
# (else the walk would wander into the sibling products that shared an input).
_FOLLOW = {
    "self": ("container", "upstream", "downstream"),
    "container": ("container",),
    "upstream": ("upstream",),
    "downstream": ("downstream",),
}


@dataclass
class _Node:
    canonical: str
    relation: str
    depth: int


def start_keys(text: str, session: Session) -> list[str]:
    """The canonical keys a walk starts from: the item, and its lot when the code or registry knows it."""
    try:
        key = canonical_id(text)
    except InvalidIdentifier as exc:
        raise InvalidInput.one("id", exc.rule, f"not a Digital Link URI, EPC URN or GTIN: {exc}") from exc
    keys = [key]
    lot = None
    if text.strip().lower().startswith(("http://", "https://")):
        try:
            lot = parse_digital_link(text).qualifier("10")
        except InvalidDigitalLink:
            lot = None
    match = re.fullmatch(r"/01/(\d{14})/21/(.+)", key)
    if match and lot is None:
        lot = _lot_of_serial(session, match[1], match[2])
    if match and lot:
        keys.append(f"/01/{match[1]}/10/{lot}")
    return keys


def _lot_of_serial(session: Session, gtin: str, serial: str) -> str | None:
    """The registry's own serials know their lot, which events about the lot name instead."""
    return session.scalar(
        select(Lot.lot_number)
        .join(Serial, Serial.lot_id == Lot.id)
        .join(Product, Product.id == Serial.product_id)
        .where(Product.gtin == gtin, Serial.serial == serial)
    )


def journey(session: Session, principal: Principal, text: str, max_depth: int = DEFAULT_DEPTH) -> dict:
    if not 1 <= max_depth <= MAX_DEPTH:
        raise InvalidInput.one("depth", "range", f"depth is from 1 to {MAX_DEPTH}")
    keys = start_keys(text, session)
    seen_ids: set[str] = set(keys)
    frontier = [_Node(key, "self", 0) for key in keys]
    # The walk needs only the identifier index; each event's row is read once, after it.
    visits: dict[int, tuple[_Node, str, dict[str, list[str]]]] = {}
    statements: dict[tuple[bool, bool], object] = {}  # built once per walk, by the kinds of keys
    truncated = False
    while frontier:
        by_key = {node.canonical: node for node in frontier}
        following: list[_Node] = []
        room = MAX_EVENTS - len(visits) + 1
        for pk, roles_of, names in _identifiers_naming(session, statements, principal, set(by_key), room):
            if pk not in visits and len(visits) >= MAX_EVENTS:
                truncated = True
                continue
            for canonical, role in roles_of:
                node = by_key[canonical]
                if node.relation == "upstream" and role in ("input", "input-class"):
                    continue  # an input consumed elsewhere too: that is a sibling's journey, not this one's
                visits.setdefault(pk, (node, role, names))
                for next_key, relation in _neighbours(role, names, node.relation):
                    if next_key in seen_ids:
                        continue
                    depth = node.depth + (relation != "container")
                    if depth > max_depth or len(visits) >= MAX_EVENTS:
                        truncated = True
                        continue
                    seen_ids.add(next_key)
                    following.append(_Node(next_key, relation, depth))
        frontier = following
    events = session.scalars(
        select(EpcisEvent).options(joinedload(EpcisEvent.organisation)).where(EpcisEvent.id.in_(visits))
    ).all()
    steps = []
    for event in events:
        node, role, names = visits[event.id]
        steps.append(_step(event, names, node, role))
    ordered = sorted(steps, key=lambda step: (step["eventTime"], step["eventID"]))
    return {"id": text, "keys": keys, "steps": ordered, "truncated": truncated, "maxDepth": max_depth}


def _naming_statement(principal: Principal, exact: bool, products: bool):
    """Every identifier row of each visible event naming one of the ``exact`` keys or ``products``.

    Built once per walk for each kind of frontier, its key lists bound at each level. A GTIN-level
    key (``/01/{gtin}``, a product) names every item, lot and class of that GTIN. No empty ``IN``
    goes into the ``OR``: SQLite would then scan the events instead of using the identifier indexes.
    """
    wanted = []
    if exact:
        wanted.append(EventIdentifier.canonical.in_(bindparam("exact", expanding=True)))
    if products:
        wanted.append(EventIdentifier.product.in_(bindparam("products", expanding=True)))
    # At most the room left under MAX_EVENTS (and one more, to know there was more): a product-level
    # start can name tens of thousands of events.
    naming = (
        select(EventIdentifier.event_pk)
        .distinct()
        .join(EpcisEvent, EpcisEvent.id == EventIdentifier.event_pk)
        .where(or_(*wanted), visible(principal))
        .order_by(EventIdentifier.event_pk)
        .limit(bindparam("room"))
    )
    return select(
        EventIdentifier.event_pk, EventIdentifier.canonical, EventIdentifier.product, EventIdentifier.role
    ).where(EventIdentifier.event_pk.in_(naming))


def _identifiers_naming(session: Session, statements: dict, principal: Principal, keys: set[str], room: int):
    """``(event pk, [(key, role)...], {role: [canonical...]})`` for each visible event naming a key, at
    most ``room`` events."""
    products = {key for key in keys if product_of(key) == key}
    exact = keys - products
    kind = (bool(exact), bool(products))
    if kind not in statements:
        statements[kind] = _naming_statement(principal, *kind)
    values = {name: list(given) for name, given in (("exact", exact), ("products", products)) if given}
    values["room"] = room
    names: dict[int, dict[str, list[str]]] = {}
    roles_of: dict[int, list[tuple[str, str]]] = {}
    for pk, canonical, product, role in sorted(session.execute(statements[kind], values)):
        names.setdefault(pk, {}).setdefault(role, []).append(canonical)
        if canonical in exact or product in products:
            roles_of.setdefault(pk, []).append((canonical if canonical in keys else product, role))
    return [(pk, roles_of[pk], names[pk]) for pk in names if pk in roles_of]


def _neighbours(role: str, names: dict[str, list[str]], relation: str):
    """The identifiers to visit next from an event that names the current one in ``role``."""
    follow = _FOLLOW[relation]
    if role in ("child", "child-class") and "container" in follow:
        for parent in names.get("parent", []):
            yield parent, "container"
    if role in ("output", "output-class") and "upstream" in follow:
        for key in names.get("input", []) + names.get("input-class", []):
            yield key, "upstream"
    if role in ("input", "input-class") and "downstream" in follow:
        for key in names.get("output", []) + names.get("output-class", []):
            yield key, "downstream"


def _step(event: EpcisEvent, names: dict[str, list[str]], node: _Node, role: str) -> dict:
    document = json.loads(event.document)
    refs = certification_refs(document)
    return {
        "eventID": event.event_id or event.event_hash,
        "eventType": event.event_type,
        "eventTime": event.event_time.isoformat().replace("+00:00", "Z"),
        "eventTimeZoneOffset": event.event_time_zone_offset,
        "action": event.action,
        "bizStep": event.biz_step,
        "bizStepWord": cbv_word(event.biz_step),
        "disposition": event.disposition,
        "dispositionWord": cbv_word(event.disposition),
        "place": event.biz_location or event.read_point,
        "readPoint": event.read_point,
        "bizLocation": event.biz_location,
        "organisation": {"name": event.organisation.legal_name, "taxCode": event.organisation.tax_code},
        "relation": node.relation,
        "subject": node.canonical,
        "role": role,
        "depth": node.depth,
        "parent": (names.get("parent") or [None])[0],
        "inputs": names.get("input", []) + names.get("input-class", []),
        "outputs": names.get("output", []) + names.get("output-class", []),
        "certificationInfo": [{"uri": ref, "labelNumber": _label_number(ref)} for ref in refs],
    }


def _label_number(reference: str) -> str | None:
    match = _LABEL_NUMBER.search(reference)
    return match[0] if match else None
