"""Closing a year: the consolidated figures, signed and appended to the transparency log.

When Sở Công Thương closes a year (after its 1 December deadline), the year's figures (each target's
value and verdict, each sector's reduction, every agency's report standing, the model projects) become a
signed record, ``plan-year-closure``, in the same log as labels and events; a copy is kept for reading.
From then on a published figure cannot be quietly changed: ``ecoreg audit`` compares the copy with the
signed record, and anyone can check the record's signature and its inclusion in the log.

Numbers are written as decimal strings ("70.8"): the signed bytes then mean the same to every reader,
and the stored copy compares equal to the signed one after a round trip through any database.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.errors import Conflict, InvalidInput
from labels.plan import declarations, indicators, reports
from labels.plan.model_projects import list_models
from labels.registry import audit
from labels.registry.permissions import Principal, require_plan_reviewer
from labels.trust.credentials import CONTEXT
from labels.trust.notary import notary_of, timestamp
from models import Plan, PlanYearClosure, SignedRecord, utcnow

RECORD_TYPE = "plan-year-closure"


def subject_of(plan: Plan, year: int) -> str:
    return f"{plan.code}/{year}"


def _text(number: Decimal | int | None) -> str | None:
    return None if number is None else format(Decimal(number).normalize(), "f")


def consolidated_figures(session: Session, plan: Plan, year: int, now: datetime) -> dict:
    """The year's figures as plain JSON: what a closing signs and the annual report shows."""
    values = indicators.target_values(session, plan, year)
    sectors = declarations.sector_changes(session, plan, year)
    statuses = reports.reporting_status(session, plan, year, now)
    models = [m for m in list_models(session, plan) if m.start_year <= year]
    return {
        "indicators": [
            {
                "code": v.target.code,
                "unit": v.target.unit,
                "target_2025": _text(v.target.target_2025),
                "target_2030": _text(v.target.target_2030),
                "value": _text(v.value),
                "expected": _text(v.expected),
                "status": v.status,
            }
            for v in values
        ],
        "sectors": [
            {"sector": c.sector, "change": _text(c.change), "enterprises": c.enterprises}
            for c in sectors.values()
        ],
        "province_change": _text(declarations.province_change(sectors)),
        "reports": [
            {
                "agency": s.organisation.code,
                "name": s.organisation.legal_name,
                "version": s.report.version if s.report else None,
                "state": s.report.state if s.report else None,
                "first_submitted_at": timestamp(s.first_submitted_at) if s.first_submitted_at else None,
                "late": s.late,
                "missing": s.missing,
            }
            for s in statuses
        ],
        "models": len([m for m in models if m.status in indicators.COUNTED_MODEL_STATUSES]),
    }


def get_closure(session: Session, plan: Plan, year: int) -> PlanYearClosure | None:
    return session.scalar(
        select(PlanYearClosure).where(PlanYearClosure.plan_id == plan.id, PlanYearClosure.year == year)
    )


def close_year(session: Session, actor: Principal, plan: Plan, year: int, now: datetime | None = None):
    """Sign and log the year's consolidated figures; a year closes once, after its deadline."""
    require_plan_reviewer(actor)
    now = now or utcnow()
    if not plan.start_year <= year <= plan.end_year:
        raise InvalidInput.one("year", "range", f"a year of the plan, {plan.start_year} to {plan.end_year}")
    if now < reports.due_at(plan, year):
        raise Conflict("a year closes after its reports are due (1 December)", field="year", rule="too-early")
    if get_closure(session, plan, year) is not None:
        raise Conflict(f"{year} is closed already", field="year", rule="closed")
    figures = consolidated_figures(session, plan, year, now)
    notary = notary_of(session)
    document = {
        "@context": CONTEXT,
        "type": ["VerifiableCredential", "PlanYearClosure"],
        "issuer": notary.issuer,
        "validFrom": timestamp(now),
        "credentialSubject": {
            "id": f"urn:ecoreg:plan:{plan.code}:{year}",
            "plan": plan.code,
            "year": year,
            "figures": figures,
        },
    }
    notary.record(session, RECORD_TYPE, subject_of(plan, year), document, now)
    notary.checkpoint(session)
    leaf = session.scalar(
        select(SignedRecord.leaf_index)
        .where(SignedRecord.record_type == RECORD_TYPE, SignedRecord.subject == subject_of(plan, year))
        .order_by(SignedRecord.leaf_index.desc())
    )
    closure = PlanYearClosure(
        plan_id=plan.id,
        year=year,
        leaf_index=leaf,
        figures=figures,
        closed_at=now,
        closed_by_id=actor.user_id,
    )
    session.add(closure)
    session.flush()  # the closure's id, for the audit entry
    audit.record(
        session, actor, "plan.close_year", "plan_year_closure", closure.id, None, year=year, leaf=leaf
    )
    return closure
