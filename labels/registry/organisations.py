"""Organisations: the registry's tenants (enterprises, retailers, certifiers, the authority)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from labels.common.paging import Page, paginate
from labels.errors import Conflict, FieldIssue, InvalidInput, NotFound
from labels.gs1.identifiers import is_valid_company_prefix
from labels.registry import audit
from labels.registry.permissions import Principal, require_admin, require_organisation_editor
from labels.registry.reference import DISTRICTS, SECTORS
from labels.registry.taxcode import InvalidTaxCode, normalise_tax_code
from models import ORGANISATION_KINDS, Organisation

EDITABLE_BY_MEMBERS = ("address", "district", "sector", "events_public")
EDITABLE_BY_ADMIN = ("kind", "legal_name", "tax_code", "gs1_company_prefix", *EDITABLE_BY_MEMBERS)


def validate_fields(fields: dict) -> dict:
    """Normalised copies of the given organisation fields; every broken rule reported at once."""
    issues: list[FieldIssue] = []
    clean = dict(fields)
    if "kind" in fields and fields["kind"] not in ORGANISATION_KINDS:
        issues.append(FieldIssue("kind", "one-of", f"kind is one of {', '.join(ORGANISATION_KINDS)}"))
    if "legal_name" in fields:
        clean["legal_name"] = (fields["legal_name"] or "").strip()
        if not clean["legal_name"]:
            issues.append(FieldIssue("legal_name", "required", "the legal name may not be empty"))
    if "tax_code" in fields and not (fields["tax_code"] is None and fields.get("kind") == "agency"):
        try:
            clean["tax_code"] = normalise_tax_code(fields["tax_code"] or "")
        except InvalidTaxCode as exc:
            issues.append(FieldIssue("tax_code", exc.rule, str(exc)))
    prefix = fields.get("gs1_company_prefix")
    if prefix:
        if not is_valid_company_prefix(prefix):
            issues.append(
                FieldIssue("gs1_company_prefix", "format", "a GS1 company prefix is 4 to 12 digits")
            )
    elif "gs1_company_prefix" in fields:
        clean["gs1_company_prefix"] = None
    if fields.get("district") and fields["district"] not in DISTRICTS:
        issues.append(FieldIssue("district", "one-of", f"district is one of {', '.join(DISTRICTS)}"))
    if fields.get("sector") and fields["sector"] not in SECTORS:
        issues.append(FieldIssue("sector", "one-of", f"sector is one of {', '.join(SECTORS)}"))
    if "events_public" in fields and not isinstance(fields["events_public"], bool):
        issues.append(FieldIssue("events_public", "type", "events_public is true or false"))
    if issues:
        raise InvalidInput(issues)
    return clean


def _check_unique(session: Session, fields: dict, exclude_id: int | None = None) -> None:
    for column in ("tax_code", "gs1_company_prefix"):
        value = fields.get(column)
        if not value:
            continue
        query = select(Organisation.id).where(getattr(Organisation, column) == value)
        if exclude_id is not None:
            query = query.where(Organisation.id != exclude_id)
        if session.scalar(query) is not None:
            raise Conflict(f"another organisation has {column} {value}", field=column, rule="unique")


def create_organisation(session: Session, actor: Principal, **fields) -> Organisation:
    require_admin(actor, "organisations:write")
    unknown = set(fields) - set(EDITABLE_BY_ADMIN)
    if unknown:
        raise InvalidInput(
            [FieldIssue(name, "unknown-field", "not an organisation field") for name in sorted(unknown)]
        )
    # A public agency may have no tax code on record; it is known by its code (models.Organisation).
    required = ["kind", "legal_name"] + ([] if fields.get("kind") == "agency" else ["tax_code"])
    missing = [name for name in required if not fields.get(name)]
    if missing:
        raise InvalidInput([FieldIssue(name, "required", "this field is required") for name in missing])
    clean = validate_fields(fields)
    _check_unique(session, clean)
    organisation = Organisation(**clean)
    session.add(organisation)
    session.flush()  # the audit entry needs the new id
    audit.record(
        session,
        actor,
        "organisation.create",
        "organisation",
        organisation.id,
        organisation.id,
        legal_name=organisation.legal_name,
        tax_code=organisation.tax_code,
    )
    return organisation


def update_organisation(session: Session, actor: Principal, organisation_id: int, **fields) -> Organisation:
    organisation = get_organisation(session, organisation_id)
    require_organisation_editor(actor, organisation.id)
    allowed = EDITABLE_BY_ADMIN if actor.is_admin else EDITABLE_BY_MEMBERS
    refused = sorted(set(fields) - set(allowed))
    if refused:
        raise InvalidInput(
            [
                FieldIssue(name, "admin-only", "only an administrator may change this field")
                for name in refused
            ]
        )
    clean = validate_fields(fields)
    _check_unique(session, clean, exclude_id=organisation.id)
    changed = {k: v for k, v in clean.items() if getattr(organisation, k) != v}
    for key, value in changed.items():
        setattr(organisation, key, value)
    if changed:
        audit.record(
            session,
            actor,
            "organisation.update",
            "organisation",
            organisation.id,
            organisation.id,
            changed=sorted(changed),
        )
    return organisation


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("no such organisation")
    return organisation


def find_by_tax_code(session: Session, tax_code: str) -> Organisation:
    organisation = session.scalar(select(Organisation).where(Organisation.tax_code == tax_code.strip()))
    if organisation is None:
        raise NotFound(f"no organisation with tax code {tax_code}")
    return organisation


def list_organisations(
    session: Session,
    *,
    q: str | None = None,
    kind: str | None = None,
    district: str | None = None,
    sector: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[Organisation]:
    """The public directory of organisations; every organisation's profile is public."""
    query = select(Organisation).order_by(Organisation.legal_name, Organisation.id)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(Organisation.legal_name.ilike(pattern), Organisation.tax_code.like(pattern)))
    if kind:
        query = query.where(Organisation.kind == kind)
    if district:
        query = query.where(Organisation.district == district)
    if sector:
        query = query.where(Organisation.sector == sector)
    return paginate(session, query, page, per_page)
