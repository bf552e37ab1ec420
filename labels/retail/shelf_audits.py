"""Green-shelf audits: a supermarket checks the codes on one store's green shelf and keeps the report.

The codes come from a list (CSV or Excel: one code a row, in a column named ``code``, ``gtin`` or
``mã``, else the first) or from photos decoded by the caller (``scanner.decode_image``). Each code is
verified by the resolver's rules (:mod:`labels.retail.verification`) and kept with its verdict then, so the
history per store shows how compliance moved even after labels change.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.common.tabular import read_rows
from labels.errors import InvalidInput, NotFound, PermissionDenied
from labels.registry import audit
from labels.registry.permissions import Principal, require_scope
from labels.retail.verification import MAX_CODES, verify_codes
from models import ShelfAudit, ShelfAuditItem

CODE_COLUMNS = ("code", "gtin", "mã", "ma", "barcode", "qr")


def require_retailer(actor: Principal, organisation_id: int) -> None:
    require_scope(actor, "shelves:write")
    if organisation_id not in actor.organisation_ids("retailer"):
        raise PermissionDenied("only the retailer's staff audit its shelves")


def codes_from_file(filename: str, content: bytes) -> list[tuple[str, str]]:
    """``(origin, code)`` for each non-empty row of a shelf list."""
    found = []
    for number, row in read_rows(filename, content):
        column = next((c for c in CODE_COLUMNS if row.get(c, "").strip()), None)
        value = row[column] if column else next((v for v in row.values() if v.strip()), "")
        if value.strip():
            found.append((f"row {number}", value.strip()))
    return found


def run_audit(
    session: Session,
    actor: Principal,
    organisation_id: int,
    store: str,
    source: str,
    codes: list[tuple[str, str]],
    now: datetime,
) -> ShelfAudit:
    """Verify ``codes`` (``(origin, code)`` pairs) and keep the report for ``store``."""
    require_retailer(actor, organisation_id)
    store = store.strip()
    if not store:
        raise InvalidInput.one("store", "required", "name the store (or its GLN) the shelf is in")
    if not codes:
        raise InvalidInput.one("file", "empty", "no code was found: upload a list of codes or photos of them")
    if len(codes) > MAX_CODES:
        raise InvalidInput.one("file", "max-items", f"an audit checks at most {MAX_CODES} codes")
    results = verify_codes(session, [code for _, code in codes], now)
    valid = sum(result.passes for result in results)
    shelf = ShelfAudit(
        organisation_id=organisation_id,
        store=store[:200],
        created_by_id=actor.user_id,
        created_at=now,
        source=source,
        total=len(results),
        valid=valid,
        compliance_percent=round(100 * valid / len(results), 1),
        items=[
            ShelfAuditItem(
                position=position,
                origin=origin[:200],
                code=result.code[:2000],
                verdict=result.verdict,
                gtin=result.gtin,
                product_name=(result.product_vi or "")[:300] or None,
                message_vi=result.message_vi[:500],
                message_en=result.message_en[:500],
            )
            for position, ((origin, _), result) in enumerate(zip(codes, results, strict=True))
        ],
    )
    session.add(shelf)
    session.flush()
    audit.record(
        session,
        actor,
        "shelf.audit",
        "shelf_audit",
        shelf.id,
        organisation_id,
        store=shelf.store,
        codes=len(results),
    )
    return shelf


def list_audits(session: Session, actor: Principal, organisation_id: int, store: str | None = None):
    require_retailer(actor, organisation_id)
    query = select(ShelfAudit).where(ShelfAudit.organisation_id == organisation_id)
    if store:
        query = query.where(ShelfAudit.store == store)
    return list(
        session.scalars(query.order_by(ShelfAudit.created_at.desc(), ShelfAudit.id.desc()).limit(200))
    )


def stores(session: Session, actor: Principal, organisation_id: int) -> list[str]:
    require_retailer(actor, organisation_id)
    return list(
        session.scalars(
            select(ShelfAudit.store)
            .where(ShelfAudit.organisation_id == organisation_id)
            .distinct()
            .order_by(ShelfAudit.store)
        )
    )


def get_audit(session: Session, actor: Principal, audit_id: int) -> ShelfAudit:
    shelf = session.get(ShelfAudit, audit_id)
    if shelf is None or shelf.organisation_id not in actor.organisation_ids("retailer"):
        raise NotFound("no such shelf audit")
    return shelf


def report_csv(shelf: ShelfAudit, language: str = "vi") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(("position", "origin", "code", "verdict", "gtin", "product", "message"))
    for item in shelf.items:
        message = item.message_en if language == "en" else item.message_vi
        writer.writerow(
            (
                item.position + 1,
                item.origin,
                _cell(item.code),
                item.verdict,
                item.gtin or "",
                item.product_name or "",
                message,
            )
        )
    writer.writerow(())
    writer.writerow(("store", shelf.store))
    writer.writerow(("checked", shelf.created_at.isoformat()))
    writer.writerow(("valid", f"{shelf.valid} / {shelf.total}", f"{shelf.compliance_percent} %"))
    return ("\ufeff" + out.getvalue()).encode()


def _cell(value: str) -> str:
    """A code is whatever was printed on the pack; one that starts like a formula is quoted."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
