"""/api/v1/plan: the action plan, its indicators, the agencies' yearly reports and the model projects."""

from __future__ import annotations

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from app.api.schemas import ROW_ID, RowId
from app.auth import api_principal
from app.database import db
from app.evidence import evidence_store
from labels.errors import NotFound
from labels.plan import (
    annual_report,
    closing,
    indicators,
    reports,
)
from labels.plan.seed import get_plan
from models import (
    REPORT_STATES,
    TASK_PROGRESS,
    Plan,
    utcnow,
)

blp = Blueprint(
    "plan",
    __name__,
    url_prefix="/api/v1/plan",
    description="Action plan 202/KH-UBND: targets, indicators, agencies' reports, model projects",
)


def the_plan(session) -> Plan:
    plan = get_plan(session)
    if plan is None:
        raise NotFound("the action plan is not loaded (ecoreg plan load)")
    return plan


# --- the plan and its indicators -----------------------------------------------------------------


class TargetSchema(Schema):
    code = fields.String()
    name_vi = fields.String()
    name_en = fields.String()
    indicator_vi = fields.String()
    indicator_en = fields.String()
    unit = fields.String()
    baseline = fields.Float(allow_none=True)
    baseline_year = fields.Integer()
    target_2025 = fields.Float(allow_none=True)
    target_2025_max = fields.Float(allow_none=True)
    target_2030 = fields.Float(allow_none=True)
    target_2030_max = fields.Float(allow_none=True)
    source = fields.String(metadata={"description": "computed, reported, declared or qualitative"})
    reporters = fields.List(fields.String())


class TaskSchema(Schema):
    id = fields.Integer()
    section = fields.Integer()
    section_vi = fields.String()
    section_en = fields.String()
    number = fields.Integer()
    content_vi = fields.String()
    content_en = fields.String()
    goal_vi = fields.String()
    goal_en = fields.String()
    lead_vi = fields.String()
    leads = fields.Function(lambda t: [org.code for org in t.leads])
    coordinating_vi = fields.String()
    coordinating_en = fields.String()
    period = fields.String()
    start_year = fields.Integer()
    end_year = fields.Integer()
    funding = fields.List(fields.String())
    funding_vi = fields.String()


class PlanSchema(Schema):
    code = fields.String()
    title_vi = fields.String()
    title_en = fields.String()
    issued_on = fields.Date()
    start_year = fields.Integer()
    end_year = fields.Integer()
    report_due = fields.Function(lambda p: f"{p.report_due_month:02d}-{p.report_due_day:02d}")
    targets = fields.List(fields.Nested(TargetSchema))
    tasks = fields.List(fields.Nested(TaskSchema))


class YearArgsSchema(Schema):
    year = fields.Integer(
        validate=validate.Range(min=2000, max=2100),
        metadata={"description": "the year (default: this year)"},
    )


class ReportedBySchema(Schema):
    organisation = fields.String()
    version = fields.Integer()
    submitted_at = fields.String(allow_none=True)
    accepted_at = fields.String(allow_none=True)


class IndicatorSchema(TargetSchema):
    year = fields.Integer()
    value = fields.Float(allow_none=True)
    expected = fields.Float(allow_none=True, metadata={"description": "on the line to the period's target"})
    status = fields.String(metadata={"description": "met, on-track, at-risk, missed, no-data or no-target"})
    reported_by = fields.List(fields.Nested(ReportedBySchema))
    parts = fields.Dict(keys=fields.String(), values=fields.Float())


class IndicatorsSchema(Schema):
    plan = fields.String()
    year = fields.Integer()
    indicators = fields.List(fields.Nested(IndicatorSchema))


def _indicators(year: int | None) -> tuple[int, list]:
    plan = the_plan(db.read_session)
    year = year or indicators.current_year()
    return year, indicators.target_values(db.read_session, plan, year)


@blp.route("")
class PlanView(MethodView):
    @blp.response(200, PlanSchema)
    def get(self):
        """The plan: its targets and every task of its annex with the lead agencies."""
        return the_plan(db.read_session)


@blp.route("/indicators")
class Indicators(MethodView):
    @blp.arguments(YearArgsSchema, location="query")
    @blp.response(200, IndicatorsSchema)
    def get(self, args):
        """Each target's value for a year, its 2025 and 2030 values, whether it is on track, and where the
        number comes from (computed by the registry, or which agencies reported it and when)."""
        year, values = _indicators(args.get("year"))
        rows = [indicators.indicator_row(value) for value in values]
        return {"plan": the_plan(db.read_session).code, "year": year, "indicators": rows}


@blp.route("/indicators.csv")
class IndicatorsCsv(MethodView):
    @blp.arguments(YearArgsSchema, location="query")
    @blp.response(200, content_type="text/csv", description="the indicators as CSV (UTF-8 with BOM)")
    def get(self, args):
        """The same indicators as open data."""
        year, values = _indicators(args.get("year"))
        return Response(
            indicators.indicators_csv(values),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="ecoreg-plan-indicators-{year}.csv"'},
        )


class AgencyStatusSchema(Schema):
    organisation_id = fields.Function(lambda s: s.organisation.id)
    code = fields.Function(lambda s: s.organisation.code)
    name = fields.Function(lambda s: s.organisation.legal_name)
    state = fields.Function(lambda s: s.report.state if s.report else None)
    version = fields.Function(lambda s: s.report.version if s.report else None)
    first_submitted_at = fields.DateTime(allow_none=True)
    late = fields.Boolean()
    missing = fields.Boolean()


class ReportingSchema(Schema):
    year = fields.Integer()
    due_at = fields.DateTime()
    agencies = fields.List(fields.Nested(AgencyStatusSchema))


@blp.route("/reporting")
class Reporting(MethodView):
    @blp.arguments(YearArgsSchema, location="query")
    @blp.response(200, ReportingSchema)
    def get(self, args):
        """Which agencies have reported for a year, which were late, which are missing."""
        plan = the_plan(db.read_session)
        year = args.get("year") or indicators.current_year()
        statuses = reports.reporting_status(db.read_session, plan, year, utcnow())
        return {"year": year, "due_at": reports.due_at(plan, year), "agencies": statuses}


# --- reports -------------------------------------------------------------------------------------


class ReportTaskSchema(Schema):
    task_id = fields.Integer()
    section = fields.Function(lambda r: r.task.section)
    number = fields.Function(lambda r: r.task.number)
    content_vi = fields.Function(lambda r: r.task.content_vi)
    progress = fields.String()
    done_vi = fields.String()


class ReportEvidenceSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    media_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()


class ReportSchema(Schema):
    id = fields.Integer()
    organisation_id = fields.Integer()
    organisation = fields.Function(lambda r: r.organisation.legal_name)
    year = fields.Integer()
    version = fields.Integer()
    state = fields.String()
    summary_vi = fields.String()
    reason = fields.String()
    review_comment = fields.String()
    tasks = fields.List(fields.Nested(ReportTaskSchema))
    figures = fields.Function(lambda r: {f.code: float(f.value) for f in r.figures})
    evidence = fields.List(fields.Nested(ReportEvidenceSchema))
    late = fields.Function(lambda r: reports.is_late(r.plan, r))
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    reviewed_at = fields.DateTime(allow_none=True)


class ReportListArgs(Schema):
    year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    organisation_id = RowId()
    state = fields.String(validate=validate.OneOf(REPORT_STATES))


class ReportListSchema(Schema):
    items = fields.List(fields.Nested(ReportSchema))


class NewReportSchema(Schema):
    organisation_id = RowId(required=True)
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    reason = fields.String(
        load_default="",
        validate=validate.Length(max=20_000),
        metadata={"description": "required for a new version: why it is needed"},
    )


class TaskUpdateSchema(Schema):
    task_id = RowId(required=True)
    # Checked by the service with the figures, so that every broken rule comes back at once.
    progress = fields.String(validate=validate.Length(max=20), metadata={"enum": list(TASK_PROGRESS)})
    done_vi = fields.String(validate=validate.Length(max=20_000))


class ReportPatchSchema(Schema):
    summary_vi = fields.String(validate=validate.Length(max=20_000))
    tasks = fields.List(fields.Nested(TaskUpdateSchema), validate=validate.Length(max=200))
    figures = fields.Dict(
        keys=fields.String(validate=validate.Length(max=60)),
        values=fields.Float(allow_none=True, allow_nan=False),
        metadata={"description": "figure code -> value; null removes it"},
    )


class ReviewSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(("accept", "return")))
    comment = fields.String(load_default="", validate=validate.Length(max=20_000))


class ReportEvidenceUploadSchema(Schema):
    file = Upload(required=True)


@blp.route("/reports")
class Reports(MethodView):
    @blp.arguments(ReportListArgs, location="query")
    @blp.response(200, ReportListSchema)
    def get(self, args):
        """Report versions: accepted ones for everyone; an agency's reporters see its own drafts too, and
        Sở Công Thương's administrators every submitted one."""
        plan = the_plan(db.read_session)
        return {"items": reports.list_reports(db.read_session, api_principal(), plan, **args)}

    @blp.arguments(NewReportSchema)
    @blp.response(201, ReportSchema)
    def post(self, data):
        """Start a year's report for an agency (version 1), or the next version after a returned or
        accepted one (``reason`` required)."""
        plan = the_plan(db.session)
        return reports.start_report(db.session, api_principal(), plan, **data)


@blp.route(f"/reports/<{ROW_ID}:report_id>")
class Report(MethodView):
    @blp.response(200, ReportSchema)
    def get(self, report_id):
        """One report version."""
        return reports.get_report(db.session, api_principal(), report_id)

    @blp.arguments(ReportPatchSchema)
    @blp.response(200, ReportSchema)
    def patch(self, data, report_id):
        """Edit a draft: summary, tasks' progress and text, figures (every broken rule at once)."""
        return reports.update_report(db.session, api_principal(), report_id, **data)


@blp.route(f"/reports/<{ROW_ID}:report_id>/submit")
class SubmitReport(MethodView):
    @blp.response(200, ReportSchema)
    def post(self, report_id):
        """Submit a draft to Sở Công Thương; it can no longer change. Late after the due date."""
        return reports.submit_report(db.session, api_principal(), report_id)


@blp.route(f"/reports/<{ROW_ID}:report_id>/review")
class ReviewReport(MethodView):
    @blp.arguments(ReviewSchema)
    @blp.response(200, ReportSchema)
    def post(self, data, report_id):
        """Accept a submitted report, or return it with comments (Sở Công Thương's administrators)."""
        return reports.review_report(db.session, api_principal(), report_id, **data)


@blp.route(f"/reports/<{ROW_ID}:report_id>/evidence")
class ReportEvidence(MethodView):
    @blp.arguments(ReportEvidenceUploadSchema, location="files")
    @blp.response(201, ReportEvidenceSchema)
    def post(self, data, report_id):
        """Attach an evidence file to a draft (content-checked, SHA-256 recorded)."""
        upload = data["file"]
        return reports.add_evidence(
            db.session,
            api_principal(),
            report_id,
            upload.filename or "evidence",
            upload.read(),
            evidence_store(),
            current_app.config["EVIDENCE_MAX_BYTES"],
        )


# --- closing a year and the consolidated report ---------------------------------------------------

YEAR = "int(min=2000, max=2100)"


class ClosureSchema(Schema):
    year = fields.Integer()
    closed = fields.Boolean()
    closed_at = fields.DateTime(allow_none=True)
    leaf_index = fields.Integer(allow_none=True, metadata={"description": "the signed record in the log"})
    figures = fields.Dict(metadata={"description": "the consolidated figures (as signed, once closed)"})


def _closure_json(plan: Plan, year: int, session) -> dict:
    closure = closing.get_closure(session, plan, year)
    if closure is None:
        figures = closing.consolidated_figures(session, plan, year, utcnow())
        return {"year": year, "closed": False, "closed_at": None, "leaf_index": None, "figures": figures}
    return {
        "year": year,
        "closed": True,
        "closed_at": closure.closed_at,
        "leaf_index": closure.leaf_index,
        "figures": closure.figures,
    }


@blp.route(f"/years/<{YEAR}:year>")
class Year(MethodView):
    @blp.response(200, ClosureSchema)
    def get(self, year):
        """A year's consolidated figures: as signed once Sở Công Thương has closed it, live before."""
        return _closure_json(the_plan(db.read_session), year, db.read_session)


@blp.route(f"/years/<{YEAR}:year>/close")
class CloseYear(MethodView):
    @blp.response(201, ClosureSchema)
    def post(self, year):
        """Close a year after its deadline: its figures are signed and appended to the transparency log
        (Sở Công Thương's administrators; once)."""
        plan = the_plan(db.session)
        closing.close_year(db.session, api_principal(), plan, year)
        return _closure_json(plan, year, db.session)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _annual(year: int):
    plan = the_plan(db.read_session)
    return annual_report.annual_report(db.read_session, plan, year, utcnow())


@blp.route(f"/reports/<{YEAR}:year>.xlsx")
class AnnualReportXlsx(MethodView):
    @blp.response(200, content_type=XLSX, description="sheets: targets, tasks, sectors, models, agencies")
    def get(self, year):
        """The consolidated annual report for the Provincial People's Committee, as a workbook."""
        body = annual_report.report_xlsx(_annual(year))
        disposition = f'attachment; filename="bao-cao-202-KH-UBND-{year}.xlsx"'
        return Response(body, mimetype=XLSX, headers={"Content-Disposition": disposition})


@blp.route(f"/reports/<{YEAR}:year>.pdf")
class AnnualReportPdf(MethodView):
    @blp.response(200, content_type="application/pdf", description="A4, Vietnamese")
    def get(self, year):
        """The consolidated annual report as an A4 PDF ("Báo cáo kết quả thực hiện Kế hoạch ...")."""
        body = annual_report.report_pdf(_annual(year))
        disposition = f'attachment; filename="bao-cao-202-KH-UBND-{year}.pdf"'
        return Response(body, mimetype="application/pdf", headers={"Content-Disposition": disposition})
