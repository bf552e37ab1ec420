"""/api/v1/plan, what enterprises bring to the plan: consumption declarations (and each sector's reduction)
and the register of model projects."""

from __future__ import annotations

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from app.api.plan import ReportEvidenceSchema, YearArgsSchema, the_plan
from app.api.schemas import ROW_ID, RowId
from app.auth import api_principal
from app.database import db
from app.evidence import evidence_store
from labels.errors import NotFound
from labels.plan import declaration_import, declarations, indicators, model_projects
from labels.plan.conversion import FUEL_GJ, SECTOR_OUTPUT_UNITS
from labels.registry.reference import DISTRICTS, SECTORS
from models import INPUT_KINDS, MODEL_STATUSES, MODEL_TYPES, Organisation

blp = Blueprint(
    "plan_enterprises",
    __name__,
    url_prefix="/api/v1/plan",
    description="Action plan 202/KH-UBND: enterprises' consumption declarations and model projects",
)


# --- model projects ------------------------------------------------------------------------------


class ModelSchema(Schema):
    id = fields.Integer(dump_only=True)
    organisation_id = RowId(required=True)
    organisation = fields.Function(lambda m: m.organisation.legal_name, dump_only=True)
    name_vi = fields.String(required=True, validate=validate.Length(min=1, max=300))
    name_en = fields.String(validate=validate.Length(max=300))
    model_type = fields.String(required=True, validate=validate.OneOf(MODEL_TYPES))
    sector = fields.String(validate=validate.OneOf(SECTORS))
    district = fields.String(validate=validate.OneOf(DISTRICTS))
    start_year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    status = fields.String(validate=validate.OneOf(MODEL_STATUSES))
    results = fields.Dict(
        keys=fields.String(validate=validate.OneOf(tuple(model_projects.RESULTS))),
        values=fields.Float(allow_nan=False),
        metadata={"description": "yearly savings: material_t, energy_gj, water_m3, waste_t, co2_t"},
    )
    description_vi = fields.String(validate=validate.Length(max=20_000))
    evidence = fields.List(fields.Nested(ReportEvidenceSchema), dump_only=True)


class ModelEvidenceUploadSchema(Schema):
    file = Upload(required=True)


class ModelArgs(Schema):
    sector = fields.String(validate=validate.OneOf(SECTORS))
    district = fields.String(validate=validate.OneOf(DISTRICTS))


class ModelListSchema(Schema):
    items = fields.List(fields.Nested(ModelSchema))


@blp.route("/models")
class Models(MethodView):
    @blp.arguments(ModelArgs, location="query")
    @blp.response(200, ModelListSchema)
    def get(self, args):
        """The register of sustainable production and consumption models (public)."""
        return {"items": model_projects.list_models(db.read_session, the_plan(db.read_session), **args)}

    @blp.arguments(ModelSchema)
    @blp.response(201, ModelSchema)
    def post(self, data):
        """Register a model of your enterprise (administrators: of any enterprise)."""
        return model_projects.register_model(db.session, api_principal(), the_plan(db.session), data)


@blp.route(f"/models/<{ROW_ID}:model_id>/evidence")
class ModelEvidence(MethodView):
    @blp.arguments(ModelEvidenceUploadSchema, location="files")
    @blp.response(201, ReportEvidenceSchema)
    def post(self, data, model_id):
        """Attach a file backing a model's results (the enterprise's members or administrators)."""
        upload = data["file"]
        return model_projects.add_evidence(
            db.session,
            api_principal(),
            model_id,
            upload.filename or "evidence",
            upload.read(),
            evidence_store(),
            current_app.config["EVIDENCE_MAX_BYTES"],
        )


# --- consumption declarations --------------------------------------------------------------------


class InputSchema(Schema):
    kind = fields.String(
        required=True, validate=validate.Length(max=20), metadata={"enum": list(INPUT_KINDS)}
    )
    name = fields.String(
        required=True,
        validate=validate.Length(max=60),
        metadata={"description": "a material's name; for a fuel one of " + ", ".join(FUEL_GJ)},
    )
    quantity = fields.Float(required=True, allow_nan=False)
    unit = fields.String(
        required=True,
        validate=validate.Length(max=20),
        metadata={"description": "materials: t, kg; energy: kWh, MWh, GJ, TOE; fuels: t (diesel also L)"},
    )
    common_quantity = fields.Float(dump_only=True)
    common_unit = fields.String(dump_only=True, metadata={"description": "t or GJ"})


class DeclarationSchema(Schema):
    id = fields.Integer(dump_only=True)
    organisation_id = RowId(required=True)
    sector = fields.String(validate=validate.OneOf(declarations.PLAN_SECTORS))
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
    output_quantity = fields.Float(required=True, allow_nan=False)
    output_unit = fields.String(
        validate=validate.Length(max=20),
        metadata={
            "description": "the sector's unit (the default): "
            + ", ".join(f"{s} {u}" for s, u in SECTOR_OUTPUT_UNITS.items())
        },
    )
    baseline_year = fields.Integer(validate=validate.Range(min=2000, max=2100))
    inputs = fields.List(fields.Nested(InputSchema), required=True, validate=validate.Length(max=50))
    flags = fields.List(fields.String(), dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class DeclarationListSchema(Schema):
    items = fields.List(fields.Nested(DeclarationSchema))


class DeclarationArgs(Schema):
    organisation_id = RowId()


class DeclarationImportSchema(Schema):
    file = Upload(required=True)
    organisation_id = RowId(required=True)


class ImportResultSchema(Schema):
    rows = fields.Integer()
    created = fields.List(
        fields.String(), metadata={"description": "the declarations stored: sector and year"}
    )


class SectorChangeSchema(Schema):
    sector = fields.String()
    change = fields.Float(allow_none=True, metadata={"description": "% reduction against the baselines"})
    enterprises = fields.Integer()
    declared = fields.Integer()
    flagged = fields.Integer()


class SectorsSchema(Schema):
    year = fields.Integer()
    province = fields.Float(allow_none=True)
    sectors = fields.List(fields.Nested(SectorChangeSchema))


@blp.route("/declarations")
class Declarations(MethodView):
    @blp.arguments(DeclarationArgs, location="query")
    @blp.response(200, DeclarationListSchema)
    def get(self, args):
        """Your enterprise's consumption declarations (Sở Công Thương's administrators: every one)."""
        plan = the_plan(db.read_session)
        return {"items": declarations.list_declarations(db.read_session, api_principal(), plan, **args)}

    @blp.arguments(DeclarationSchema)
    @blp.response(201, DeclarationSchema)
    def post(self, data):
        """Declare a year's output and consumption for one sector (replaces that year's declaration)."""
        return declarations.declare(db.session, api_principal(), the_plan(db.session), data)


@blp.route(f"/declarations/<{ROW_ID}:declaration_id>")
class Declaration(MethodView):
    @blp.response(200, DeclarationSchema)
    def get(self, declaration_id):
        """One declaration, with each input in its common unit and the reviewer's flags."""
        return declarations.get_declaration(db.session, api_principal(), declaration_id)


@blp.route("/declarations/import")
class DeclarationImport(MethodView):
    @blp.arguments(DeclarationImportSchema, location="files")
    @blp.response(201, ImportResultSchema)
    def post(self, data):
        """Import declarations from CSV or Excel (the template's columns): all or nothing, every row's
        problems at once."""
        upload = data["file"]
        organisation = db.session.get(Organisation, data["organisation_id"])
        if organisation is None:
            raise NotFound("no such organisation")
        return declaration_import.import_declarations(
            db.session,
            api_principal(),
            the_plan(db.session),
            organisation,
            upload.filename or "",
            upload.read(),
        )


@blp.route("/declarations/template.csv")
class DeclarationTemplate(MethodView):
    @blp.response(200, content_type="text/csv", description="the import template with example rows")
    def get(self):
        """The declarations template (UTF-8 with BOM)."""
        return Response(
            declaration_import.template_csv(),
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="ecoreg-declarations.csv"'},
        )


@blp.route("/sectors")
class Sectors(MethodView):
    @blp.arguments(YearArgsSchema, location="query")
    @blp.response(200, SectorsSchema)
    def get(self, args):
        """Each of the plan's eight sectors: its output-weighted reduction of material and energy use per
        unit of output against the enterprises' baselines (public aggregates; no enterprise's figures)."""
        plan = the_plan(db.read_session)
        year = args.get("year") or indicators.current_year()
        changes = declarations.sector_changes(db.read_session, plan, year)
        return {
            "year": year,
            "province": declarations.province_change(changes),
            "sectors": list(changes.values()),
        }
