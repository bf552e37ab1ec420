"""Loading plan 202/KH-UBND into the database: its targets, its annex tasks and the agencies that lead them.

The plan is the province's own data, not demo data: ``ecoreg plan load`` (run by ``make run``) loads it
into any database, once. Agencies are organisations of kind ``agency`` known by a code; an organisation
that already carries the code (the registry's own Sở Công Thương, say) is reused, not duplicated.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.plan import annex
from labels.plan.targets import PLAN_CODE, PLAN_TITLE_EN, PLAN_TITLE_VI, TARGETS, district_agency_code
from labels.registry import audit
from labels.registry.permissions import Principal, require_admin
from labels.registry.reference import DISTRICTS
from models import Organisation, Plan, PlanTarget, PlanTask


def agencies() -> dict[str, tuple[str, str, str | None]]:
    """``{code: (name_vi, name_en, district)}`` of every agency the plan names, districts included."""
    named = {code: (vi, en, None) for code, (vi, en, _kind) in annex.AGENCIES.items()}
    for district, (vi, en) in DISTRICTS.items():
        # "UBND thành phố Biên Hòa": the unit's kind in lower case, its name as written.
        named[district_agency_code(district)] = (
            f"UBND {vi[0].lower()}{vi[1:]}",
            f"{en} People's Committee",
            district,
        )
    return named


def get_plan(session: Session, code: str = PLAN_CODE) -> Plan | None:
    return session.scalar(select(Plan).where(Plan.code == code))


def load_plan(session: Session, actor: Principal) -> Plan:
    """The plan, its targets, tasks and agencies; nothing is added when it is loaded already."""
    require_admin(actor, "plan:review")
    existing = get_plan(session)
    if existing is not None:
        return existing
    by_code = _agencies(session)
    sections = {section.number: section for section in annex.SECTIONS}
    plan = Plan(
        code=PLAN_CODE,
        title_vi=PLAN_TITLE_VI,
        title_en=PLAN_TITLE_EN,
        issued_on=date(2022, 9, 14),
        start_year=2022,
        end_year=2030,
        report_due_month=12,
        report_due_day=1,
    )
    for position, target in enumerate(TARGETS, start=1):
        plan.targets.append(
            PlanTarget(
                code=target.code,
                position=position,
                name_vi=target.name_vi,
                name_en=target.name_en,
                indicator_vi=target.indicator_vi,
                indicator_en=target.indicator_en,
                unit=target.unit,
                baseline=target.baseline,
                baseline_year=target.baseline_year,
                target_2025=target.target_2025,
                target_2025_max=target.target_2025_max,
                target_2030=target.target_2030,
                target_2030_max=target.target_2030_max,
                source=target.source,
                indicator=target.indicator,
                reporters=list(target.reporters),
            )
        )
    for position, task in enumerate(annex.TASKS, start=1):
        section = sections[task.section]
        plan.tasks.append(
            PlanTask(
                position=position,
                section=task.section,
                section_vi=section.title_vi,
                section_en=section.title_en,
                number=task.number,
                content_vi=task.content_vi,
                content_en=task.content_en,
                goal_vi=task.goal_vi,
                goal_en=task.goal_en,
                lead_vi=task.lead_vi,
                coordinating_vi=task.coordinating_vi,
                coordinating_en=task.coordinating_en,
                period=task.period,
                start_year=task.start_year,
                end_year=task.end_year,
                funding=list(task.funding),
                funding_vi=task.funding_vi,
                leads=[by_code[code] for code in task.lead],
            )
        )
    session.add(plan)
    session.flush()  # the plan's id, for the audit entry
    audit.record(session, actor, "plan.load", "plan", plan.id, None, code=PLAN_CODE, tasks=len(plan.tasks))
    return plan


def _agencies(session: Session) -> dict[str, Organisation]:
    found = {
        org.code: org
        for org in session.scalars(select(Organisation).where(Organisation.code.in_(list(agencies()))))
    }
    for code, (name_vi, _name_en, district) in agencies().items():
        if code not in found:
            found[code] = Organisation(kind="agency", code=code, legal_name=name_vi, district=district)
            session.add(found[code])
    return found
