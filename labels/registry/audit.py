"""Writing to and reading the append-only audit trail."""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from labels.common.paging import Page, paginate
from labels.registry.permissions import Principal, audit_scope
from models import AuditEntry


def record(
    session: Session,
    principal: Principal,
    action: str,
    target_type: str,
    target_id: object,
    organisation_id: int | None = None,
    **detail: object,
) -> AuditEntry:
    """Add one entry; it commits with the change it describes, or not at all."""
    entry = AuditEntry(
        actor_user_id=principal.user_id,
        channel=principal.channel,
        organisation_id=organisation_id,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        detail=detail,
    )
    session.add(entry)
    return entry


def list_entries(
    session: Session, principal: Principal, page: int = 1, per_page: int = 50, action: str | None = None
) -> Page[AuditEntry]:
    orgs = audit_scope(principal)
    query: Select = select(AuditEntry).order_by(AuditEntry.id.desc())
    if orgs is not None:
        query = query.where(AuditEntry.organisation_id.in_(orgs))
    if action:
        query = query.where(AuditEntry.action == action)
    return paginate(session, query, page, per_page)
