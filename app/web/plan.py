"""The action plan's pages: the public dashboard and task list, and the portal where agencies file their
yearly reports and Sở Công Thương reviews them."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.auth import web_principal
from app.database import db
from app.evidence import evidence_store
from app.web.plan_charts import trend_svg
from labels.errors import IllegalTransition, InvalidInput, LabelsError, NotFound, PermissionDenied
from labels.plan import (
    closing,
    declaration_import,
    declarations,
    indicators,
    model_projects,
    reminders,
    reports,
)
from labels.plan.conversion import SECTOR_OUTPUT_UNITS
from labels.plan.seed import get_plan
from labels.plan.targets import FIGURES_BY_CODE, figures_for
from labels.registry.permissions import is_plan_reviewer
from labels.registry.product_import import ImportRefused
from labels.registry.reference import DISTRICTS
from models import LabelKind, Organisation, Plan, PlanReport, utcnow

bp = Blueprint("action_plan", __name__)

STATUSES = {
    "met": _l("Target met"),
    "on-track": _l("On track"),
    "at-risk": _l("At risk"),
    "missed": _l("Missed"),
    "no-data": _l("No data yet"),
    "no-target": _l("No number set by the plan"),
}
REPORT_STATES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted, awaiting review"),
    "returned": _l("Returned for changes"),
    "accepted": _l("Accepted"),
}
PROGRESS = {"not-started": _l("Not started"), "in-progress": _l("In progress"), "done": _l("Done")}
UNITS = {"%": "%", "models": _l("models")}
SOURCES = {
    "computed": _l("Computed by the registry from its records"),
    "reported": _l("From the agencies' accepted reports"),
    "declared": _l("From the enterprises' consumption declarations"),
    "qualitative": _l("Reported by the agencies; the plan sets no number"),
}
MODEL_TYPES = {
    "cleaner-production": _l("Cleaner production"),
    "resource-efficiency": _l("Resource efficiency"),
    "circular-economy": _l("Circular economy"),
    "industrial-symbiosis": _l("Industrial symbiosis"),
    "eco-design": _l("Eco-design"),
    "sustainable-supply-chain": _l("Sustainable supply chain"),
    "other": _l("Other"),
}
FIGURE_UNITS = {
    "zones": _l("zones"),
    "campaigns": _l("campaigns"),
    "stores": _l("stores"),
    "institutions": _l("institutions"),
}


def _plan(session=None) -> Plan:
    # Pages that write read the plan in the request's own session: a read session is for GETs only.
    plan = get_plan(session or db.read_session)
    if plan is None:
        abort(404)
    return plan


def _year(plan: Plan) -> int:
    years = indicators.years_of(plan)
    year = request.args.get("year", type=int)
    return year if year in years else years[-1]


@bp.get("/plan")
def dashboard():
    """The province's dashboard: every target's value, trend and verdict, who reported, what the registry
    counts itself."""
    plan = _plan()
    year = _year(plan)
    district = request.args.get("district")
    district = district if district in DISTRICTS else None
    trend = indicators.history(db.read_session, plan)
    # The chosen year is one of the years the trend already computed (``_year`` picks among them).
    current = {code: next(v for v in values if v.year == year) for code, values in trend.items()}
    charts = {
        code: trend_svg(values, str(_l("Trend of the target by year"))) for code, values in trend.items()
    }
    figures = indicators.registry_figures(db.read_session, year, district)
    material = next(t for t in plan.targets if t.indicator == "material-use")
    sectors = [
        (change, indicators.evaluate(material, year, change.change, (), {}))
        for change in declarations.sector_changes(db.read_session, plan, year).values()
    ]
    return render_template(
        "plan/dashboard.html",
        plan=plan,
        year=year,
        years=indicators.years_of(plan),
        district=district,
        districts=DISTRICTS,
        current=current,
        trend=trend,
        charts=charts,
        statuses=STATUSES,
        units=UNITS,
        sources=SOURCES,
        reporting=reports.reporting_status(db.read_session, plan, year, utcnow()),
        due_at=reports.due_at(plan, year),
        report_states=REPORT_STATES,
        figures=figures,
        sectors=sectors,
        closure=closing.get_closure(db.read_session, plan, year),
        kinds={k.code: k for k in db.read_session.query(LabelKind)},
        models=model_projects.list_models(db.read_session, plan, district=district),
        model_types=MODEL_TYPES,
    )


@bp.get("/plan/tasks")
def tasks():
    """The annex: every task with its lead agencies, and what they reported for the year."""
    plan = _plan()
    year = _year(plan)
    progress = {}
    for report in reports.accepted_reports(db.read_session, plan, year).values():
        for row in report.tasks:
            progress.setdefault(row.task_id, []).append((report, row))
    return render_template(
        "plan/tasks.html",
        plan=plan,
        year=year,
        years=indicators.years_of(plan),
        progress=progress,
        progress_names=PROGRESS,
    )


# --- the agencies' portal ------------------------------------------------------------------------


def _reporter_agencies() -> list[Organisation]:
    principal = web_principal()
    ids = principal.organisation_ids("reporter")
    return [db.session.get(Organisation, i) for i in sorted(ids)]


@bp.route("/portal/plan", methods=["GET", "POST"])
@login_required
def portal():
    """An agency's reports by year, and a reviewer's queue."""
    plan = _plan(db.session)
    principal = web_principal()
    agencies = _reporter_agencies()
    reviewer = is_plan_reviewer(principal)
    if not agencies and not reviewer:
        abort(404)
    errors = []
    if request.method == "POST" and request.form.get("close_year"):
        try:
            closing.close_year(db.session, principal, plan, request.form.get("close_year", type=int) or 0)
            flash(str(_l("The year was closed: its figures are signed and in the log.")))
            return redirect(url_for("action_plan.portal"))
        except LabelsError as exc:
            db.session.rollback()
            errors = _messages(exc)
    elif request.method == "POST":
        try:
            report = reports.start_report(
                db.session,
                principal,
                plan,
                request.form.get("organisation_id", type=int) or 0,
                request.form.get("year", type=int) or 0,
                request.form.get("reason", ""),
            )
            db.session.flush()
            return redirect(url_for("action_plan.report", report_id=report.id))
        except LabelsError as exc:
            db.session.rollback()
            errors = _messages(exc)
    own = [
        r for a in agencies for r in reports.list_reports(db.session, principal, plan, organisation_id=a.id)
    ]
    # The latest reminder of each agency yet to report this year.
    year_reminders = reminders.reminders_for(db.session, {a.id for a in agencies}, indicators.current_year())
    latest = {r.organisation_id: r for r in year_reminders[::-1]}
    queue = reports.list_reports(db.session, principal, plan, state="submitted") if reviewer else []
    return render_template(
        "plan/portal.html",
        plan=plan,
        agencies=agencies,
        own=own,
        reminders=[r for r in latest.values() if not any(o.year == r.year and o.submitted_at for o in own)],
        queue=queue,
        reviewer=reviewer,
        years=indicators.years_of(plan),
        report_states=REPORT_STATES,
        errors=errors,
        due=lambda year: reports.due_at(plan, year),
        closable=[
            y
            for y in indicators.years_of(plan)
            if reviewer
            and utcnow() >= reports.due_at(plan, y)
            and closing.get_closure(db.session, plan, y) is None
        ],
    )


def _report(report_id: int) -> PlanReport:
    try:
        return reports.get_report(db.session, web_principal(), report_id)
    except NotFound:
        abort(404)


@bp.route("/portal/plan/reports/<int(min=1, max=2147483647):report_id>", methods=["GET", "POST"])
@login_required
def report(report_id: int):
    """A report version: edit and submit a draft, or (Sở Công Thương) accept or return a submitted one."""
    found = _report(report_id)
    principal = web_principal()
    issues: dict[str, str] = {}
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        action = request.form.get("action", "save")
        try:
            if action in ("save", "submit"):
                reports.update_report(
                    db.session,
                    principal,
                    report_id,
                    summary_vi=request.form.get("summary_vi", ""),
                    tasks=[
                        {
                            "task_id": row.task_id,
                            "progress": request.form.get(f"progress-{row.task_id}", row.progress),
                            "done_vi": request.form.get(f"done-{row.task_id}", row.done_vi),
                        }
                        for row in found.tasks
                    ],
                    figures={
                        f.code: request.form.get(f"figure-{f.code}", "")
                        for f in figures_for(found.organisation.code or "")
                    },
                )
                upload = request.files.get("evidence")
                if upload and upload.filename:
                    reports.add_evidence(
                        db.session,
                        principal,
                        report_id,
                        upload.filename,
                        upload.read(),
                        evidence_store(),
                        current_app.config["EVIDENCE_MAX_BYTES"],
                    )
                if action == "submit":
                    reports.submit_report(db.session, principal, report_id)
                    flash(str(_l("The report was submitted to Sở Công Thương.")))
                else:
                    flash(str(_l("The draft was saved.")))
            elif action in ("accept", "return"):
                reports.review_report(
                    db.session, principal, report_id, action, request.form.get("comment", "")
                )
                flash(str(_l("The review was recorded.")))
            return redirect(url_for("action_plan.report", report_id=report_id))
        except (InvalidInput, IllegalTransition, PermissionDenied) as exc:
            db.session.rollback()
            issues = _issues(exc)
            errors = [] if issues else _messages(exc)
            status = 422
            found = _report(report_id)
    editable = found.state == "draft" and found.organisation_id in principal.organisation_ids("reporter")
    return (
        render_template(
            "plan/report.html",
            report=found,
            editable=editable,
            reviewable=found.state == "submitted" and is_plan_reviewer(principal),
            figures=figures_for(found.organisation.code or ""),
            figure_names=FIGURES_BY_CODE,
            figure_units=FIGURE_UNITS,
            values={f.code: f.value for f in found.figures},
            progress_names=PROGRESS,
            report_states=REPORT_STATES,
            late=reports.is_late(found.plan, found),
            due_at=reports.due_at(found.plan, found.year),
            issues=issues,
            errors=errors,
        ),
        status,
    )


def _issues(exc: LabelsError) -> dict[str, str]:
    """Each broken rule's message by its field, to show beside the field."""
    return {issue.field: issue.message for issue in getattr(exc, "issues", [])}


def _messages(exc: LabelsError) -> list[str]:
    return [i.message for i in getattr(exc, "issues", [])] or [exc.detail]


# --- enterprises' consumption declarations --------------------------------------------------------

INPUT_ROWS = 6
INPUT_KINDS_NAMES = {"material": _l("Material"), "fuel": _l("Fuel"), "energy": _l("Energy")}


def _enterprises() -> list[Organisation]:
    ids = web_principal().organisation_ids("enterprise")
    return [db.session.get(Organisation, i) for i in sorted(ids)]


def _declaration_form() -> dict:
    form = request.form
    inputs = []
    for index in range(INPUT_ROWS):
        if form.get(f"name-{index}", "").strip() or form.get(f"quantity-{index}", "").strip():
            inputs.append(
                {
                    "kind": form.get(f"kind-{index}", ""),
                    "name": form.get(f"name-{index}", ""),
                    "quantity": form.get(f"quantity-{index}", ""),
                    "unit": form.get(f"unit-{index}", "").strip(),
                }
            )
    return {
        "organisation_id": form.get("organisation_id", type=int),
        "sector": form.get("sector") or None,
        "year": form.get("year", type=int),
        "baseline_year": form.get("baseline_year", type=int),
        "output_quantity": form.get("output_quantity", ""),
        "output_unit": form.get("output_unit", "").strip(),
        "inputs": inputs,
    }


@bp.route("/portal/plan/declarations", methods=["GET", "POST"])
@login_required
def declarations_page():
    """An enterprise declares its yearly output and consumption (a form, or the spreadsheet import);
    Sở Công Thương's administrators see the declarations flagged for review."""
    plan = _plan(db.session)
    principal = web_principal()
    enterprises = _enterprises()
    reviewer = is_plan_reviewer(principal)
    if not enterprises and not reviewer:
        abort(404)
    issues: dict[str, str] = {}
    errors: list[str] = []
    row_errors = []
    status = 200
    if request.method == "POST":
        try:
            upload = request.files.get("file")
            if upload and upload.filename:
                organisation = db.session.get(
                    Organisation, request.form.get("organisation_id", type=int) or 0
                )
                if organisation is None:
                    abort(404)
                declaration_import.import_declarations(
                    db.session, principal, plan, organisation, upload.filename, upload.read()
                )
            else:
                declarations.declare(db.session, principal, plan, _declaration_form())
            flash(str(_l("The declaration was saved.")))
            return redirect(url_for("action_plan.declarations_page"))
        except ImportRefused as exc:
            db.session.rollback()
            row_errors = exc.report.errors
            status = 422
        except LabelsError as exc:
            db.session.rollback()
            issues = _issues(exc)
            errors = [] if issues else _messages(exc)
            status = 422
    own = [d for e in enterprises for d in declarations.list_declarations(db.session, principal, plan, e.id)]
    flagged = (
        [d for d in declarations.list_declarations(db.session, principal, plan) if d.flags]
        if reviewer
        else []
    )
    return (
        render_template(
            "plan/declarations.html",
            enterprises=enterprises,
            own=own,
            flagged=flagged,
            sectors=declarations.PLAN_SECTORS,
            sector_units=SECTOR_OUTPUT_UNITS,
            years=indicators.years_of(plan),
            kinds=INPUT_KINDS_NAMES,
            rows=range(INPUT_ROWS),
            form=request.form,
            issues=issues,
            errors=errors,
            row_errors=row_errors,
            intensity=declarations.intensity,
        ),
        status,
    )
