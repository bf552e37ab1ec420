"""/api/v1/applications: applying for a label, evidence, and the certifier's decisions."""

from __future__ import annotations

import io

from flask import current_app, send_file
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from app.api.schemas import ROW_ID, PageArgsSchema, RowId, page_of
from app.auth import api_principal
from app.database import db
from app.evidence import evidence_store
from labels.certification import applications, workflow
from models import APPLICATION_STATES

blp = Blueprint(
    "applications",
    __name__,
    url_prefix="/api/v1/applications",
    description="Label applications and the certification workflow",
)


class EventSchema(Schema):
    action = fields.String()
    from_state = fields.String()
    to_state = fields.String()
    actor_user_id = fields.Integer(allow_none=True)
    reason = fields.String()
    at = fields.DateTime()


class EvidenceSchema(Schema):
    id = fields.Integer()
    criterion_code = fields.String(allow_none=True)
    filename = fields.String()
    media_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_at = fields.DateTime()


class CriterionResultSchema(Schema):
    code = fields.String()
    kind = fields.String()
    mandatory = fields.Boolean()
    passed = fields.Boolean(allow_none=True)
    value = fields.Float(allow_none=True)
    comparator = fields.String(allow_none=True)
    threshold = fields.Float(allow_none=True)
    unit = fields.String(allow_none=True)
    text_vi = fields.String()
    text_en = fields.String()


class ApplicationSchema(Schema):
    id = fields.Integer(dump_only=True)
    applicant_id = RowId(required=True)
    applicant_name = fields.Function(lambda a: a.applicant.legal_name, dump_only=True)
    scheme = fields.String(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={"description": "scheme code, e.g. VEL-AC"},
    )
    kind = fields.Function(lambda a: a.scheme.kind_code, dump_only=True)
    criteria_version = fields.Function(lambda a: a.criteria_set.version, dump_only=True)
    state = fields.String(dump_only=True)
    gtins = fields.List(
        fields.String(validate=validate.Length(min=8, max=14)),
        required=True,
        validate=validate.Length(max=200),
    )
    claims = fields.Dict(
        load_default=dict, metadata={"description": "kind-specific claims; see docs/labels.md"}
    )
    renews = fields.Function(
        lambda a: a.renews_label.label_number if a.renews_label else None,
        dump_only=True,
        metadata={"description": "the label number this application would renew"},
    )
    override_reason = fields.String(dump_only=True, allow_none=True)
    criteria_results = fields.Function(
        lambda a: CriterionResultSchema(many=True).dump(applications.criteria_results(a)), dump_only=True
    )
    evidence = fields.List(fields.Nested(EvidenceSchema), dump_only=True)
    events = fields.List(fields.Nested(EventSchema), dump_only=True)
    label_number = fields.Function(lambda a: a.label.label_number if a.label else None, dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ApplicationSerialised(ApplicationSchema):
    """The stored application, with its products as GTINs."""

    gtins = fields.Function(lambda a: [p.gtin for p in a.products])
    scheme = fields.Function(lambda a: a.scheme.code)


class ApplicationPatchSchema(Schema):
    gtins = fields.List(
        fields.String(validate=validate.Length(min=8, max=14)), validate=validate.Length(max=200)
    )
    claims = fields.Dict()


class TransitionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(tuple(workflow.APPLICATION_STEPS)))
    reason = fields.String(load_default="", validate=validate.Length(max=2000))
    override_reason = fields.String(
        validate=validate.Length(max=2000),
        metadata={"description": "approve despite failing mandatory criteria"},
    )


class ApplicationQuerySchema(PageArgsSchema):
    state = fields.String(validate=validate.OneOf(APPLICATION_STATES))
    scheme = fields.String(validate=validate.Length(max=40))
    kind = fields.String(validate=validate.Length(max=40))
    applicant_id = RowId()


class EvidenceUploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "PDF, PNG, JPEG, CSV or XLSX"})
    criterion_code = fields.String(validate=validate.Length(max=40))


@blp.route("")
class Applications(MethodView):
    @blp.arguments(ApplicationQuerySchema, location="query")
    @blp.response(200, page_of(ApplicationSerialised, "ApplicationPage"))
    def get(self, args):
        """Your organisation's applications and, for certifiers, the review queue."""
        return applications.list_applications(db.session, api_principal(), **args)

    @blp.arguments(ApplicationSchema)
    @blp.response(201, ApplicationSerialised)
    def post(self, data):
        """Start a draft application for your enterprise."""
        return applications.create_application(
            db.session, api_principal(), data["applicant_id"], data["scheme"], data["gtins"], data["claims"]
        )


@blp.route(f"/<{ROW_ID}:application_id>")
class ApplicationById(MethodView):
    @blp.response(200, ApplicationSerialised)
    def get(self, application_id):
        """One application with its criteria results, evidence and history."""
        return applications.get_application(db.session, api_principal(), application_id)

    @blp.arguments(ApplicationPatchSchema)
    @blp.response(200, ApplicationSerialised)
    def patch(self, data, application_id):
        """Edit a draft (or one sent back for changes): its products and claims."""
        return applications.update_draft(
            db.session, api_principal(), application_id, data.get("claims"), data.get("gtins")
        )


@blp.route(f"/<{ROW_ID}:application_id>/transitions")
class ApplicationTransitions(MethodView):
    @blp.arguments(TransitionSchema)
    @blp.response(200, ApplicationSerialised)
    def post(self, data, application_id):
        """Move the application on: submit (applicant); start_review, request_changes, approve, reject,
        issue (the scheme's certifiers). An illegal move is a 409 naming the current state."""
        return workflow.transition_application(db.session, api_principal(), application_id, **data)


@blp.route(f"/<{ROW_ID}:application_id>/evidence")
class ApplicationEvidence(MethodView):
    @blp.arguments(EvidenceUploadSchema, location="files")
    @blp.response(201, EvidenceSchema)
    def post(self, data, application_id):
        """Upload an evidence file (content-checked, SHA-256 recorded)."""
        upload = data["file"]
        return applications.add_evidence(
            db.session,
            api_principal(),
            application_id,
            upload.filename or "evidence",
            upload.read(),
            evidence_store(),
            current_app.config["EVIDENCE_MAX_BYTES"],
            data.get("criterion_code"),
        )


@blp.route(f"/<{ROW_ID}:application_id>/evidence/<{ROW_ID}:evidence_id>")
class EvidenceFile(MethodView):
    @blp.response(200, content_type="application/octet-stream")
    def get(self, application_id, evidence_id):
        """Download an evidence file (the applicant and the scheme's certifiers only)."""
        evidence, content = applications.evidence_file(
            db.session, api_principal(), application_id, evidence_id, evidence_store()
        )
        return send_file(
            io.BytesIO(content),
            mimetype=evidence.media_type,
            as_attachment=True,
            download_name=evidence.filename,
        )
