"""The register of sustainable production and consumption models: the plan's "20 to 30 models".

An enterprise registers the models it builds (cleaner production, resource efficiency, circular
economy, ...) with the yearly savings they bring; administrators may register one for any enterprise.
The register is public: it is how the province shows its models, and how the "models" target counts.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.certification.evidence import EvidenceStore, keep
from labels.errors import FieldIssue, InvalidInput, NotFound, PermissionDenied
from labels.registry import audit
from labels.registry.permissions import Principal, require_scope
from labels.registry.reference import DISTRICTS, SECTORS
from models import MODEL_STATUSES, MODEL_TYPES, ModelProject, ModelProjectEvidence, Organisation, Plan, utcnow

#: Savings a model brings in a year, and their units.
RESULTS = {
    "material_t": "t",
    "energy_gj": "GJ",
    "water_m3": "m³",
    "waste_t": "t",
    "co2_t": "t CO₂e",
}


def list_models(session: Session, plan: Plan, sector: str | None = None, district: str | None = None):
    query = select(ModelProject).where(ModelProject.plan_id == plan.id)
    if sector:
        query = query.where(ModelProject.sector == sector)
    if district:
        query = query.where(ModelProject.district == district)
    return list(session.scalars(query.order_by(ModelProject.start_year, ModelProject.id)))


def get_model(session: Session, model_id: int) -> ModelProject:
    found = session.get(ModelProject, model_id)
    if found is None:
        raise NotFound("no such model project")
    return found


def register_model(session: Session, actor: Principal, plan: Plan, data: dict) -> ModelProject:
    """A new model of an enterprise; every broken rule is reported at once."""
    require_scope(actor, "plan:write")
    organisation_id = data.get("organisation_id")
    holder = session.get(Organisation, organisation_id) if isinstance(organisation_id, int) else None
    if holder is None or holder.kind != "enterprise":
        raise InvalidInput.one("organisation_id", "exists", "name an enterprise registered here")
    if not (actor.is_admin or holder.id in actor.organisation_ids("enterprise")):
        raise PermissionDenied("only the enterprise's members or an administrator register its models")
    issues: list[FieldIssue] = []
    name_vi = str(data.get("name_vi") or "").strip()
    if not name_vi or len(name_vi) > 300:
        issues.append(FieldIssue("name_vi", "length", "a name of 1 to 300 characters"))
    if data.get("model_type") not in MODEL_TYPES:
        issues.append(FieldIssue("model_type", "one-of", f"one of {', '.join(MODEL_TYPES)}"))
    status = data.get("status", "applied")
    if status not in MODEL_STATUSES:
        issues.append(FieldIssue("status", "one-of", f"one of {', '.join(MODEL_STATUSES)}"))
    sector = data.get("sector") or holder.sector
    if sector not in SECTORS:
        issues.append(FieldIssue("sector", "one-of", "one of the plan's sectors"))
    district = data.get("district") or holder.district
    if district not in DISTRICTS:
        issues.append(FieldIssue("district", "one-of", "one of the province's districts"))
    start_year = data.get("start_year")
    this_year = utcnow().year
    if not isinstance(start_year, int) or not plan.start_year <= start_year <= min(plan.end_year, this_year):
        issues.append(FieldIssue("start_year", "range", f"a year from {plan.start_year} to {this_year}"))
    results, result_issues = _results(data.get("results") or {})
    issues += result_issues
    if issues:
        raise InvalidInput(issues)
    model = ModelProject(
        plan_id=plan.id,
        organisation=holder,
        name_vi=name_vi,
        name_en=str(data.get("name_en") or "").strip()[:300],
        model_type=data["model_type"],
        sector=sector,
        district=district,
        start_year=start_year,
        status=status,
        results=results,
        description_vi=str(data.get("description_vi") or "").strip()[:20_000],
        created_by_id=actor.user_id,
    )
    session.add(model)
    session.flush()  # the model's id, for the audit entry
    audit.record(session, actor, "model_project.create", "model_project", model.id, holder.id, name=name_vi)
    return model


def add_evidence(
    session: Session,
    actor: Principal,
    model_id: int,
    filename: str,
    content: bytes,
    store: EvidenceStore,
    max_bytes: int,
) -> ModelProjectEvidence:
    """A file backing a model's results, checked and stored as an application's evidence is."""
    require_scope(actor, "plan:write")
    model = get_model(session, model_id)
    if not (actor.is_admin or model.organisation_id in actor.organisation_ids("enterprise")):
        raise PermissionDenied("only the enterprise's members or an administrator add evidence to its models")
    media_type, sha256 = keep(store, filename, content, max_bytes)
    evidence = ModelProjectEvidence(
        filename=filename[-255:],
        media_type=media_type,
        size=len(content),
        sha256=sha256,
        uploaded_by_id=actor.user_id,
    )
    model.evidence.append(evidence)
    session.flush()  # the file's id, for the audit entry
    audit.record(
        session,
        actor,
        "model_project.evidence",
        "model_project",
        model.id,
        model.organisation_id,
        sha256=sha256,
    )
    return evidence


def _results(given: object) -> tuple[dict[str, str], list[FieldIssue]]:
    if not isinstance(given, dict):
        return {}, [FieldIssue("results", "type", "an object of savings by kind")]
    results, issues = {}, []
    for key, raw in given.items():
        if key not in RESULTS:
            issues.append(FieldIssue(f"results.{key}", "one-of", f"one of {', '.join(RESULTS)}"))
            continue
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            issues.append(FieldIssue(f"results.{key}", "number", "a number"))
            continue
        if not value.is_finite() or value < 0 or value > Decimal("1e9"):
            issues.append(FieldIssue(f"results.{key}", "range", "a number from 0 to 1,000,000,000"))
        else:
            results[key] = str(value)
    return results, issues
