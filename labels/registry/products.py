"""Products: GTIN-identified goods held by an enterprise.

A product is private to its holder (and the certifiers) until it is published; the public
catalogue shows published products only.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from labels.common.paging import Page, paginate
from labels.common.validation import gtin_input
from labels.errors import Conflict, FieldIssue, InvalidInput, NotFound
from labels.gs1.identifiers import InvalidIdentifier, gtin_has_prefix, normalise_gtin
from labels.registry import audit
from labels.registry.permissions import (
    Principal,
    can_see_product,
    private_product_holders,
    require_product_editor,
)
from labels.registry.reference import SECTORS
from models import Organisation, Product

FIELDS = ("gtin", "name_vi", "name_en", "brand", "product_group", "sector", "published")
REQUIRED = ("gtin", "name_vi", "sector")
MAX_LENGTHS = {"name_vi": 300, "name_en": 300, "brand": 200, "product_group": 100}


def validate_product(fields: dict, holder: Organisation) -> dict:
    """Normalised product fields, or :class:`InvalidInput` listing every broken rule."""
    issues: list[FieldIssue] = []
    clean = {k: v for k, v in fields.items() if k in FIELDS}
    for name in sorted(set(fields) - set(FIELDS)):
        issues.append(FieldIssue(name, "unknown-field", "not a product field"))
    for name, limit in MAX_LENGTHS.items():
        if name in clean:
            clean[name] = (clean[name] or "").strip()
            if len(clean[name]) > limit:
                issues.append(FieldIssue(name, "max-length", f"at most {limit} characters"))
    if "name_vi" in clean and not clean["name_vi"]:
        issues.append(FieldIssue("name_vi", "required", "the Vietnamese name may not be empty"))
    if "gtin" in clean:
        try:
            clean["gtin"] = normalise_gtin(str(clean["gtin"] or ""))
        except InvalidIdentifier as exc:
            issues.append(FieldIssue("gtin", exc.rule, str(exc)))
        else:
            prefix = holder.gs1_company_prefix
            if prefix and not gtin_has_prefix(clean["gtin"], prefix):
                issues.append(
                    FieldIssue(
                        "gtin",
                        "company-prefix",
                        f"the GTIN is not under the holder's GS1 company prefix {prefix}",
                    )
                )
    if "sector" in clean and clean["sector"] not in SECTORS:
        issues.append(FieldIssue("sector", "one-of", f"sector is one of {', '.join(SECTORS)}"))
    if issues:
        raise InvalidInput(issues)
    return clean


def _holder(session: Session, holder_id: int) -> Organisation:
    holder = session.get(Organisation, holder_id)
    if holder is None:
        raise InvalidInput.one("holder_id", "exists", "no such organisation")
    if holder.kind != "enterprise":
        raise InvalidInput.one("holder_id", "enterprise", "products are held by enterprises")
    return holder


def create_product(session: Session, actor: Principal, holder_id: int, **fields) -> Product:
    require_product_editor(actor, holder_id)
    holder = _holder(session, holder_id)
    missing = [name for name in REQUIRED if not fields.get(name)]
    if missing:
        raise InvalidInput([FieldIssue(name, "required", "this field is required") for name in missing])
    clean = validate_product(fields, holder)
    if session.scalar(select(Product.id).where(Product.gtin == clean["gtin"])) is not None:
        raise Conflict(f"GTIN {clean['gtin']} is registered already", field="gtin", rule="unique")
    product = Product(holder=holder, **clean)
    session.add(product)
    session.flush()  # the audit entry needs the new id
    audit.record(
        session, actor, "product.create", "product", product.gtin, holder.id, name_vi=product.name_vi
    )
    return product


def update_product(session: Session, actor: Principal, gtin: str, **fields) -> Product:
    product = _find(session, gtin)
    editable = (
        actor.is_admin or product is not None and product.holder_id in actor.organisation_ids("enterprise")
    )
    if product is None or not (editable or can_see_product(actor, product.holder_id, product.published)):
        raise NotFound(f"no product with GTIN {normalise_gtin(gtin)}")
    require_product_editor(actor, product.holder_id)
    if "gtin" in fields:
        raise InvalidInput.one("gtin", "immutable", "a product's GTIN cannot change; register a new product")
    clean = validate_product(fields, product.holder)
    changed = sorted(k for k, v in clean.items() if getattr(product, k) != v)
    for key in changed:
        setattr(product, key, clean[key])
    if changed:
        audit.record(
            session, actor, "product.update", "product", product.gtin, product.holder_id, changed=changed
        )
    return product


def _find(session: Session, gtin: str) -> Product | None:
    return session.scalar(select(Product).where(Product.gtin == gtin_input(gtin)))


def get_product(session: Session, actor: Principal, gtin: str) -> Product:
    product = _find(session, gtin)
    if product is None or not can_see_product(actor, product.holder_id, product.published):
        raise NotFound(f"no product with GTIN {normalise_gtin(gtin)}")
    return product


def list_products(
    session: Session,
    actor: Principal,
    *,
    q: str | None = None,
    holder_id: int | None = None,
    sector: str | None = None,
    published: bool | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[Product]:
    query = select(Product).order_by(Product.gtin)
    holders = private_product_holders(actor)
    if holders is not None:
        query = query.where(or_(Product.published.is_(True), Product.holder_id.in_(holders)))
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(
            or_(
                Product.name_vi.ilike(pattern),
                Product.name_en.ilike(pattern),
                Product.brand.ilike(pattern),
                Product.gtin.like(pattern),
            )
        )
    if holder_id is not None:
        query = query.where(Product.holder_id == holder_id)
    if sector:
        query = query.where(Product.sector == sector)
    if published is not None:
        query = query.where(Product.published.is_(published))
    return paginate(session, query, page, per_page)
