"""Applications for a label: drafts, their products and claims, evidence, and who may see them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.certification.claims import validate_claims
from labels.certification.criteria import CriterionResult, evaluate
from labels.certification.evidence import EvidenceStore, keep
from labels.certification.schemes import current_criteria, get_scheme
from labels.common.paging import Page, paginate
from labels.errors import FieldIssue, IllegalTransition, InvalidInput, NotFound
from labels.gs1.identifiers import InvalidIdentifier, normalise_gtin
from labels.registry import audit
from labels.registry.permissions import (
    Principal,
    can_see_application,
    certifies_for,
    require_applicant,
    require_scope,
)
from models import Application, Evidence, Product, Scheme

EDITABLE_STATES = ("draft", "changes_requested")
EVIDENCE_STATES = ("draft", "changes_requested", "submitted", "under_review")


def _products(session: Session, applicant_id: int, scheme: Scheme, gtins: list[str]) -> list[Product]:
    issues, products = [], []
    for position, gtin in enumerate(gtins):
        field = f"gtins.{position}"
        try:
            key = normalise_gtin(gtin)
        except InvalidIdentifier as exc:
            issues.append(FieldIssue(field, exc.rule, str(exc)))
            continue
        product = session.scalar(select(Product).where(Product.gtin == key))
        if product is None or product.holder_id != applicant_id:
            issues.append(FieldIssue(field, "own-product", f"{key} is not a product of the applicant"))
        elif scheme.product_groups and product.product_group not in scheme.product_groups:
            issues.append(
                FieldIssue(
                    field,
                    "product-group",
                    f"{key} is a '{product.product_group}', which this scheme does not cover",
                )
            )
        else:
            products.append(product)
    if issues:
        raise InvalidInput(issues)
    return products


def create_application(
    session: Session,
    actor: Principal,
    applicant_id: int,
    scheme_code: str,
    gtins: list[str],
    claims: dict | None = None,
    renews_label_id: int | None = None,
) -> Application:
    """A draft application by ``applicant_id`` under the scheme's current criteria version."""
    require_applicant(actor, applicant_id)
    try:
        scheme = get_scheme(session, scheme_code)
    except NotFound:
        raise InvalidInput.one("scheme", "exists", f"no scheme {scheme_code}") from None
    if not scheme.active:
        raise InvalidInput.one("scheme", "active", "the scheme no longer takes applications")
    application = Application(
        applicant_id=applicant_id,
        scheme=scheme,
        criteria_set=current_criteria(scheme),
        state="draft",
        claims=validate_claims(scheme.kind_code, claims or {}, partial=True),
        products=_products(session, applicant_id, scheme, gtins),
        renews_label_id=renews_label_id,
        created_by_id=actor.user_id,
    )
    session.add(application)
    session.flush()  # the audit entry needs the new id
    audit.record(
        session, actor, "application.create", "application", application.id, applicant_id, scheme=scheme.code
    )
    return application


def update_draft(
    session: Session,
    actor: Principal,
    application_id: int,
    claims: dict | None = None,
    gtins: list[str] | None = None,
) -> Application:
    application = get_application(session, actor, application_id)
    require_applicant(actor, application.applicant_id)
    if application.state not in EDITABLE_STATES:
        raise IllegalTransition("edit", application.state, EDITABLE_STATES)
    if claims is not None:
        application.claims = validate_claims(application.scheme.kind_code, claims, partial=True)
    if gtins is not None:
        application.products = _products(session, application.applicant_id, application.scheme, gtins)
    audit.record(
        session, actor, "application.update", "application", application.id, application.applicant_id
    )
    return application


def get_application(session: Session, actor: Principal, application_id: int) -> Application:
    application = session.get(Application, application_id)
    if application is None or not can_see_application(
        actor, application.applicant_id, application.scheme.certifier_id, application.state
    ):
        raise NotFound("no such application")
    return application


def list_applications(
    session: Session,
    actor: Principal,
    *,
    state: str | None = None,
    scheme: str | None = None,
    kind: str | None = None,
    applicant_id: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[Application]:
    """Your organisation's applications, and the queue of the schemes you certify for."""
    require_scope(actor, "applications:read")
    query = (
        select(Application).join(Application.scheme).order_by(Application.updated_at.desc(), Application.id)
    )
    mine = actor.organisation_ids()
    if actor.is_admin:
        query = query.where((Application.state != "draft") | Application.applicant_id.in_(mine))
    else:
        certified = actor.organisation_ids("certifier", "admin")
        # Certifiers see applications once submitted; drafts stay the applicant's own.
        query = query.where(
            Application.applicant_id.in_(mine)
            | (Scheme.certifier_id.in_(certified) & (Application.state != "draft"))
        )
    if state:
        query = query.where(Application.state == state)
    if scheme:
        query = query.where(Scheme.code == scheme)
    if kind:
        query = query.where(Scheme.kind_code == kind)
    if applicant_id is not None:
        query = query.where(Application.applicant_id == applicant_id)
    return paginate(session, query, page, per_page)


def criteria_results(application: Application) -> list[CriterionResult]:
    return evaluate(application.criteria_set.criteria, application.claims)


def add_evidence(
    session: Session,
    actor: Principal,
    application_id: int,
    filename: str,
    content: bytes,
    store: EvidenceStore,
    max_bytes: int,
    criterion_code: str | None = None,
) -> Evidence:
    application = get_application(session, actor, application_id)
    require_applicant(actor, application.applicant_id)
    if application.state not in EVIDENCE_STATES:
        raise IllegalTransition("add evidence", application.state, EVIDENCE_STATES)
    codes = {c.code for c in application.criteria_set.criteria}
    if criterion_code and criterion_code not in codes:
        raise InvalidInput.one("criterion_code", "exists", f"the scheme has no criterion {criterion_code}")
    media_type, sha256 = keep(store, filename, content, max_bytes)
    evidence = Evidence(
        application=application,
        criterion_code=criterion_code or None,
        filename=filename[-255:],
        media_type=media_type,
        size=len(content),
        sha256=sha256,
        uploaded_by_id=actor.user_id,
    )
    session.add(evidence)
    session.flush()  # the audit entry needs the new id
    audit.record(
        session,
        actor,
        "evidence.add",
        "evidence",
        evidence.id,
        application.applicant_id,
        application=application.id,
        sha256=sha256,
    )
    return evidence


def evidence_file(
    session: Session, actor: Principal, application_id: int, evidence_id: int, store: EvidenceStore
) -> tuple[Evidence, bytes]:
    """An evidence file, for the applicant's members and the scheme's certifiers only."""
    application = get_application(session, actor, application_id)
    evidence = session.get(Evidence, evidence_id)
    if evidence is None or evidence.application_id != application.id:
        raise NotFound("no such evidence")
    return evidence, store.get(evidence.sha256)


def is_reviewer(actor: Principal, application: Application) -> bool:
    return certifies_for(actor, application.scheme.certifier_id)
