"""The agencies' yearly reports on the plan: draft, submit, return or accept, and corrections as versions.

Each agency that leads a task, or owns a figure of a target, files one report a year: progress and what
was done on each task it leads, the figures it owns, a summary and evidence files. The plan makes them
due before 1 December (``due_at``); a report submitted at or after that instant is late. Sở Công Thương's
administrators accept a submitted report or return it with comments. A submitted version never changes
again: the answer to a return, or a correction of an accepted report, is the next version, with its
reason, and the figures counted for a year are those of the latest accepted version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labels.certification.evidence import EvidenceStore, keep
from labels.errors import Conflict, FieldIssue, IllegalTransition, InvalidInput, NotFound
from labels.plan.targets import FIGURES_BY_CODE, figures_for
from labels.registry import audit
from labels.registry.permissions import (
    Principal,
    can_see_plan_report,
    require_plan_reviewer,
    require_reporter,
    require_scope,
)
from labels.registry.reference import VIETNAM
from models import (
    TASK_PROGRESS,
    Organisation,
    Plan,
    PlanReport,
    PlanReportEvidence,
    PlanReportFigure,
    PlanReportTask,
    PlanTask,
    plan_task_leads,
    utcnow,
)

OPEN_STATES = ("draft",)
MAX_TEXT = 20_000
MAX_FIGURE = Decimal("1e9")


def due_at(plan: Plan, year: int) -> datetime:
    """The instant a year's report is due: the plan's day (1 December), midnight in Vietnam."""
    return datetime(year, plan.report_due_month, plan.report_due_day, tzinfo=VIETNAM).astimezone(UTC)


def is_late(plan: Plan, report: PlanReport) -> bool:
    """Submitted at or after the deadline (a later version keeps the first version's punctuality)."""
    return report.submitted_at is not None and report.submitted_at >= due_at(plan, report.year)


def led_tasks(session: Session, plan: Plan, organisation_id: int, year: int) -> list[PlanTask]:
    """The annex tasks the agency leads that run in ``year``."""
    return list(
        session.scalars(
            select(PlanTask)
            .join(plan_task_leads, plan_task_leads.c.task_id == PlanTask.id)
            .where(
                PlanTask.plan_id == plan.id,
                plan_task_leads.c.organisation_id == organisation_id,
                PlanTask.start_year <= year,
                PlanTask.end_year >= year,
            )
            .order_by(PlanTask.position)
        )
    )


def reporting_agencies(session: Session, plan: Plan) -> list[Organisation]:
    """Every organisation that owes the plan a yearly report: task leads and figure owners."""
    leads = select(plan_task_leads.c.organisation_id).join(PlanTask).where(PlanTask.plan_id == plan.id)
    candidates = session.scalars(
        select(Organisation)
        .where((Organisation.id.in_(leads)) | (Organisation.code.is_not(None)))
        .order_by(Organisation.id)
    )
    lead_ids = set(session.scalars(leads))
    return [org for org in candidates if org.id in lead_ids or (org.code and figures_for(org.code))]


# --- reading -------------------------------------------------------------------------------------


def get_report(session: Session, actor: Principal, report_id: int) -> PlanReport:
    report = session.get(PlanReport, report_id)
    if report is None or not can_see_plan_report(actor, report.organisation_id, report.state):
        raise NotFound("no such plan report")
    return report


def list_reports(
    session: Session,
    actor: Principal,
    plan: Plan,
    year: int | None = None,
    organisation_id: int | None = None,
    state: str | None = None,
) -> list[PlanReport]:
    """The report versions the caller may see, newest year first, each agency's versions in order."""
    query = select(PlanReport).where(PlanReport.plan_id == plan.id)
    if year is not None:
        query = query.where(PlanReport.year == year)
    if organisation_id is not None:
        query = query.where(PlanReport.organisation_id == organisation_id)
    if state is not None:
        query = query.where(PlanReport.state == state)
    query = query.order_by(PlanReport.year.desc(), PlanReport.organisation_id, PlanReport.version)
    return [r for r in session.scalars(query) if can_see_plan_report(actor, r.organisation_id, r.state)]


def latest_versions(session: Session, plan: Plan, year: int) -> dict[int, PlanReport]:
    """Each agency's latest version for ``year`` (whatever its state), by organisation id."""
    latest: dict[int, PlanReport] = {}
    query = select(PlanReport).where(PlanReport.plan_id == plan.id, PlanReport.year == year)
    for report in session.scalars(query.order_by(PlanReport.version)):
        latest[report.organisation_id] = report
    return latest


def accepted_reports(session: Session, plan: Plan, year: int) -> dict[int, PlanReport]:
    """Each agency's latest accepted version for ``year``: the one the province's figures count."""
    accepted: dict[int, PlanReport] = {}
    query = select(PlanReport).where(
        PlanReport.plan_id == plan.id, PlanReport.year == year, PlanReport.state == "accepted"
    )
    for report in session.scalars(query.order_by(PlanReport.version)):
        accepted[report.organisation_id] = report
    return accepted


@dataclass(frozen=True)
class AgencyStatus:
    """Where one agency stands for a year: its latest version, and whether that is late or missing."""

    organisation: Organisation
    report: PlanReport | None
    first_submitted_at: datetime | None
    late: bool
    missing: bool  # the deadline has passed and nothing was submitted


def reporting_status(session: Session, plan: Plan, year: int, now: datetime) -> list[AgencyStatus]:
    """Every reporting agency's standing for ``year`` (public: who has reported is the province's record)."""
    latest = latest_versions(session, plan, year)
    first_submitted = dict(
        session.execute(
            select(PlanReport.organisation_id, func.min(PlanReport.submitted_at))
            .where(PlanReport.plan_id == plan.id, PlanReport.year == year)
            .group_by(PlanReport.organisation_id)
        ).all()
    )
    deadline = due_at(plan, year)
    statuses = []
    for agency in reporting_agencies(session, plan):
        submitted = first_submitted.get(agency.id)
        if submitted is not None and submitted.tzinfo is None:  # SQLite's aggregate skips the type
            submitted = submitted.replace(tzinfo=UTC)
        late = submitted is not None and submitted >= deadline
        missing = submitted is None and now >= deadline
        statuses.append(AgencyStatus(agency, latest.get(agency.id), submitted, late, missing))
    return statuses


# --- writing -------------------------------------------------------------------------------------


def start_report(
    session: Session, actor: Principal, plan: Plan, organisation_id: int, year: int, reason: str = ""
) -> PlanReport:
    """A new draft: version 1, or the next version after a returned or accepted one (with a reason)."""
    require_reporter(actor, organisation_id)
    agency = session.get(Organisation, organisation_id)
    if agency is None or agency.kind not in ("agency", "authority"):
        raise NotFound("no such agency")
    current_year = utcnow().astimezone(VIETNAM).year
    if not plan.start_year <= year <= min(plan.end_year, current_year):
        message = f"reports cover a year from {plan.start_year} to {min(plan.end_year, current_year)}"
        raise InvalidInput.one("year", "range", message)
    latest = latest_versions(session, plan, year).get(organisation_id)
    if latest is not None and latest.state in ("draft", "submitted"):
        raise Conflict(
            f"version {latest.version} of this report is {latest.state}: finish it first",
            field="year",
            rule="one-open-version",
        )
    reason = (reason or "").strip()
    if latest is not None and not reason:
        raise InvalidInput.one("reason", "required", "say why this new version is needed")
    tasks = led_tasks(session, plan, organisation_id, year)
    if not tasks and not (agency.code and figures_for(agency.code)):
        raise InvalidInput.one("organisation_id", "reports", "this organisation has nothing to report on")
    report = PlanReport(
        plan_id=plan.id,
        organisation=agency,
        year=year,
        version=1 if latest is None else latest.version + 1,
        reason=reason[:MAX_TEXT],
        created_by_id=actor.user_id,
    )
    previous = {row.task_id: row for row in latest.tasks} if latest is not None else {}
    for task in tasks:
        before = previous.get(task.id)
        report.tasks.append(
            PlanReportTask(
                task=task,
                progress=before.progress if before else "not-started",
                done_vi=before.done_vi if before else "",
            )
        )
    if latest is not None:
        report.summary_vi = latest.summary_vi
        report.figures = [PlanReportFigure(code=f.code, value=f.value) for f in latest.figures]
    session.add(report)
    session.flush()  # the report's id, for the audit entry
    audit.record(
        session, actor, "plan_report.start", "plan_report", report.id, organisation_id,
        year=year, version=report.version,
    )  # fmt: skip
    return report


def update_report(
    session: Session,
    actor: Principal,
    report_id: int,
    summary_vi: str | None = None,
    tasks: list[dict] | None = None,
    figures: dict[str, object] | None = None,
) -> PlanReport:
    """Change a draft: its summary, any of its tasks, any of its figures. Every broken rule at once."""
    report = _own_draft(session, actor, report_id, "edit")
    issues: list[FieldIssue] = []
    if summary_vi is not None:
        if len(summary_vi) > MAX_TEXT:
            issues.append(FieldIssue("summary_vi", "length", f"at most {MAX_TEXT} characters"))
        else:
            report.summary_vi = summary_vi.strip()
    rows = {row.task_id: row for row in report.tasks}
    for index, given in enumerate(tasks or []):
        where = f"tasks[{index}]"
        row = rows.get(given.get("task_id")) if isinstance(given, dict) else None
        if row is None:
            issues.append(FieldIssue(f"{where}.task_id", "exists", "not a task this report covers"))
            continue
        progress = given.get("progress", row.progress)
        if progress not in TASK_PROGRESS:
            issues.append(FieldIssue(f"{where}.progress", "one-of", f"one of {', '.join(TASK_PROGRESS)}"))
        else:
            row.progress = progress
        done = given.get("done_vi", row.done_vi)
        if not isinstance(done, str) or len(done) > MAX_TEXT:
            issues.append(FieldIssue(f"{where}.done_vi", "length", f"text of at most {MAX_TEXT} characters"))
        else:
            row.done_vi = done.strip()
    if figures:
        issues += _set_figures(report, figures)
    if issues:
        raise InvalidInput(issues)
    report.updated_at = utcnow()
    return report


def _set_figures(report: PlanReport, figures: dict[str, object]) -> list[FieldIssue]:
    owned = {figure.code for figure in figures_for(report.organisation.code or "")}
    issues: list[FieldIssue] = []
    values: dict[str, Decimal] = {f.code: f.value for f in report.figures}
    for code, raw in figures.items():
        field = f"figures.{code}"
        if code not in owned:
            issues.append(FieldIssue(field, "owned", "this agency does not report this figure"))
            continue
        if raw is None or raw == "":
            values.pop(code, None)
            continue
        try:
            value = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            issues.append(FieldIssue(field, "number", "a number"))
            continue
        if not value.is_finite() or value < 0 or value > MAX_FIGURE:
            issues.append(FieldIssue(field, "range", "a number from 0 to 1,000,000,000"))
        elif FIGURES_BY_CODE[code].integer and value != value.to_integral_value():
            issues.append(FieldIssue(field, "integer", "a whole number"))
        else:
            values[code] = value
    for part, whole in (
        ("zones-reached", "zones-total"),
        ("supermarkets-eco-packaging", "supermarkets-total"),
        ("institutions-integrated", "institutions-total"),
    ):
        if part in values and whole in values and values[part] > values[whole]:
            issues.append(FieldIssue(f"figures.{part}", "at-most-total", f"cannot exceed {whole}"))
    if not issues:
        kept = {f.code: f for f in report.figures}
        report.figures = [_figure(kept.get(code), code, value) for code, value in sorted(values.items())]
    return issues


def _figure(existing: PlanReportFigure | None, code: str, value: Decimal) -> PlanReportFigure:
    if existing is None:
        return PlanReportFigure(code=code, value=value)
    existing.value = value
    return existing


def add_evidence(
    session: Session,
    actor: Principal,
    report_id: int,
    filename: str,
    content: bytes,
    store: EvidenceStore,
    max_bytes: int,
) -> PlanReportEvidence:
    """A file backing a draft, checked and stored exactly as an application's evidence is."""
    report = _own_draft(session, actor, report_id, "add evidence to")
    media_type, sha256 = keep(store, filename, content, max_bytes)
    evidence = PlanReportEvidence(
        filename=filename[-255:],
        media_type=media_type,
        size=len(content),
        sha256=sha256,
        uploaded_by_id=actor.user_id,
    )
    report.evidence.append(evidence)
    return evidence


def submit_report(
    session: Session, actor: Principal, report_id: int, now: datetime | None = None
) -> PlanReport:
    """Freeze a draft and send it to Sở Công Thương; every missing answer is named first."""
    report = _own_draft(session, actor, report_id, "submit")
    issues = [
        FieldIssue(f"figures.{figure.code}", "required", "give this figure (0 if there is none)")
        for figure in figures_for(report.organisation.code or "")
        if figure.code not in {f.code for f in report.figures}
    ]
    issues += [
        FieldIssue(f"tasks[{index}].done_vi", "required", "say what was done, or why nothing was")
        for index, row in enumerate(report.tasks)
        if not row.done_vi
    ]
    if not report.summary_vi:
        issues.append(FieldIssue("summary_vi", "required", "summarise the year's results"))
    if issues:
        raise InvalidInput(issues)
    now = now or utcnow()
    report.state = "submitted"
    report.submitted_at = now
    report.submitted_by_id = actor.user_id
    report.updated_at = now
    audit.record(
        session, actor, "plan_report.submit", "plan_report", report.id, report.organisation_id,
        year=report.year, version=report.version,
    )  # fmt: skip
    return report


def review_report(
    session: Session,
    actor: Principal,
    report_id: int,
    action: str,
    comment: str = "",
    now: datetime | None = None,
) -> PlanReport:
    """Sở Công Thương accepts a submitted report, or returns it with comments for a new version."""
    require_plan_reviewer(actor)
    report = get_report(session, actor, report_id)
    if action not in ("accept", "return"):
        raise InvalidInput.one("action", "one-of", "accept or return")
    if report.state != "submitted":
        raise IllegalTransition(action, report.state, ("submitted",))
    comment = (comment or "").strip()
    if action == "return" and not comment:
        raise InvalidInput.one("comment", "required", "say what the agency must change")
    now = now or utcnow()
    report.state = "accepted" if action == "accept" else "returned"
    report.review_comment = comment[:MAX_TEXT]
    report.reviewed_at = now
    report.reviewed_by_id = actor.user_id
    report.updated_at = now
    audit.record(
        session, actor, f"plan_report.{action}", "plan_report", report.id, report.organisation_id,
        year=report.year, version=report.version,
    )  # fmt: skip
    return report


def _own_draft(session: Session, actor: Principal, report_id: int, action: str) -> PlanReport:
    require_scope(actor, "plan:write")
    report = get_report(session, actor, report_id)
    require_reporter(actor, report.organisation_id)
    if report.state not in OPEN_STATES:
        raise IllegalTransition(action, report.state, OPEN_STATES)
    return report
