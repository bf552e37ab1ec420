"""Named queries (EPCIS 2.0 REST ``/queries``): a query document saved under a name by its owner.

Saving checks the query as running it would, so a saved query never fails for its syntax later. A
query belongs to the user who saved it: others cannot read, run or delete it (they are told it does
not exist). Names are unique across the registry, as the REST binding's paths are.
"""

from __future__ import annotations

import json
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.errors import Conflict, InvalidInput, NotFound
from labels.registry.permissions import Principal, require_scope
from labels.traceability.query import EventQuery, parse_document
from models import NamedQuery

_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def create(session: Session, actor: Principal, name: object, query: object) -> NamedQuery:
    require_scope(actor, "events:read")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InvalidInput.one(
            "name", "pattern", "a query name has 1 to 100 letters, digits, '_', '.' or '-'"
        )
    parse_document(query)
    if session.scalar(select(NamedQuery.id).where(NamedQuery.name == name)) is not None:
        raise Conflict(f"a query named {name} exists already", field="name", rule="unique")
    saved = NamedQuery(name=name, owner_id=actor.user_id, query=json.dumps(query, ensure_ascii=False))
    session.add(saved)
    session.flush()
    return saved


def get(session: Session, actor: Principal, name: str) -> NamedQuery:
    require_scope(actor, "events:read")
    saved = session.scalar(select(NamedQuery).where(NamedQuery.name == name))
    if saved is None or not (saved.owner_id == actor.user_id or actor.is_admin):
        raise NotFound(f"no query named {name}")
    return saved


def list_own(session: Session, actor: Principal) -> list[NamedQuery]:
    require_scope(actor, "events:read")
    return list(
        session.scalars(
            select(NamedQuery).where(NamedQuery.owner_id == actor.user_id).order_by(NamedQuery.name)
        )
    )


def delete(session: Session, actor: Principal, name: str) -> None:
    session.delete(get(session, actor, name))


def compiled(saved: NamedQuery, paging: list[tuple[str, str]]) -> EventQuery:
    """The saved query with this request's ``perPage`` / ``nextPageToken``."""
    document = json.loads(saved.query) | {name: value for name, value in paging}
    return parse_document(document)
