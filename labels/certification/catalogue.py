"""The public catalogue of issued labels: search, and open-data export."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from labels.certification.workflow import effective_status
from labels.common.paging import Page, paginate
from labels.common.validation import gtin_input
from labels.errors import InvalidInput
from models import Label, Organisation, Product, utcnow

STATUSES = ("active", "suspended", "withdrawn", "expired")


def _status_filter(status: str, now: datetime):
    live = Label.valid_until > now
    if status == "expired":
        return and_(Label.status != "withdrawn", Label.valid_until <= now)
    if status == "withdrawn":
        return Label.status == "withdrawn"
    return and_(Label.status == status, live)


def search(
    session: Session,
    *,
    kind: str | None = None,
    status: str | None = None,
    sector: str | None = None,
    district: str | None = None,
    holder: int | None = None,
    gtin: str | None = None,
    q: str | None = None,
    now: datetime | None = None,
) -> Select:
    """The query for issued labels matching every given filter, newest first."""
    now = now or utcnow()
    query = (
        select(Label)
        .join(Organisation, Label.holder_id == Organisation.id)
        .order_by(Label.issued_at.desc(), Label.id.desc())
    )
    if kind:
        query = query.where(Label.kind_code == kind)
    if status:
        if status not in STATUSES:
            raise InvalidInput.one("status", "one-of", f"status is one of {', '.join(STATUSES)}")
        query = query.where(_status_filter(status, now))
    if sector:
        query = query.where(Organisation.sector == sector)
    if district:
        query = query.where(Organisation.district == district)
    if holder is not None:
        query = query.where(Label.holder_id == holder)
    if gtin:
        query = query.where(Label.products.any(Product.gtin == gtin_input(gtin)))
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(
            or_(
                Label.label_number.ilike(pattern),
                Organisation.legal_name.ilike(pattern),
                Label.products.any(or_(Product.name_vi.ilike(pattern), Product.name_en.ilike(pattern))),
            )
        )
    return query


def list_labels(session: Session, *, page: int = 1, per_page: int = 20, **filters) -> Page[Label]:
    return paginate(session, search(session, **filters), page, per_page)


def open_data_rows(session: Session, now: datetime | None = None, **filters) -> list[dict]:
    """One flat row per issued label, for the CSV and JSON open-data downloads."""
    now = now or utcnow()
    rows = []
    for label in session.scalars(search(session, now=now, **filters)):
        rows.append(
            {
                "label_number": label.label_number,
                "kind": label.kind_code,
                "iso_type": label.iso_type,
                "scheme": label.scheme.code,
                "criteria_version": label.criteria_set.version,
                "status": effective_status(label, now),
                "valid_from": label.valid_from.isoformat(),
                "valid_until": label.valid_until.isoformat(),
                "holder": label.holder.legal_name,
                "holder_tax_code": label.holder.tax_code,
                "district": label.holder.district or "",
                "sector": label.holder.sector or "",
                "issuer": label.issuer.legal_name,
                "gtins": " ".join(p.gtin for p in label.products),
                "products": "; ".join(p.name_vi for p in label.products),
                "replaces": label.replaces.label_number if label.replaces else "",
            }
        )
    return rows
