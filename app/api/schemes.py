"""/api/v1/label-kinds and /api/v1/schemes: what can be certified, and on which criteria."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.schemas import RowId
from app.auth import api_principal
from app.database import db
from labels.certification import schemes
from models import COMPARATORS, CRITERION_KINDS, ISO_TYPES

blp = Blueprint("schemes", __name__, url_prefix="/api/v1", description="Label kinds, schemes and criteria")


class LabelKindSchema(Schema):
    code = fields.String(
        required=True, validate=validate.Length(min=2, max=40), metadata={"example": "green-building"}
    )
    number_prefix = fields.String(
        required=True, validate=validate.Length(equal=3), metadata={"example": "BLD"}
    )
    name_vi = fields.String(required=True, validate=validate.Length(min=1, max=200))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=200))
    built_in = fields.Boolean(dump_only=True)


class CriterionSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40))
    text_vi = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    text_en = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    kind = fields.String(required=True, validate=validate.OneOf(CRITERION_KINDS))
    mandatory = fields.Boolean(load_default=True)
    claim = fields.String(
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={"description": "numeric: the claim compared, e.g. annual_energy_kwh"},
    )
    comparator = fields.String(allow_none=True, validate=validate.OneOf(COMPARATORS))
    threshold = fields.Float(allow_none=True, validate=validate.Range(min=-1e12, max=1e12))
    unit = fields.String(allow_none=True, validate=validate.Length(max=40))
    evidence_vi = fields.String(load_default="", validate=validate.Length(max=500))
    evidence_en = fields.String(load_default="", validate=validate.Length(max=500))


class CriteriaSetSchema(Schema):
    version = fields.Integer(dump_only=True)
    effective_from = fields.DateTime(dump_only=True)
    criteria = fields.List(
        fields.Nested(CriterionSchema), required=True, validate=validate.Length(min=1, max=100)
    )


class SchemeSchema(Schema):
    code = fields.String(
        required=True, validate=validate.Regexp(r"^[A-Z0-9][A-Z0-9-]{1,39}$"), metadata={"example": "VGL-PKG"}
    )
    kind_code = fields.String(required=True, validate=validate.Length(min=2, max=40))
    iso_type = fields.String(required=True, validate=validate.OneOf(ISO_TYPES))
    name_vi = fields.String(required=True, validate=validate.Length(min=1, max=300))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=300))
    description_vi = fields.String(load_default="", validate=validate.Length(max=2000))
    description_en = fields.String(load_default="", validate=validate.Length(max=2000))
    product_groups = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list)
    validity_months = fields.Integer(load_default=36, validate=validate.Range(min=1, max=120))
    certifier_id = RowId(required=True)
    active = fields.Boolean(dump_only=True)
    criteria = fields.List(
        fields.Nested(CriterionSchema),
        load_only=True,
        required=True,
        validate=validate.Length(min=1, max=100),
    )
    current_criteria = fields.Function(
        lambda s: CriteriaSetSchema().dump(schemes.current_criteria(s)), dump_only=True
    )


class SchemeQuerySchema(Schema):
    kind = fields.String(validate=validate.Length(max=40))


@blp.route("/label-kinds")
class LabelKinds(MethodView):
    @blp.response(200, LabelKindSchema(many=True))
    def get(self):
        """The label kinds: green, energy, carbon, recycling, and those administrators added."""
        return schemes.list_kinds(db.session)

    @blp.arguments(LabelKindSchema)
    @blp.response(201, LabelKindSchema)
    def post(self, data):
        """Add a label kind, e.g. sustainable tourism or green building (administrators)."""
        return schemes.create_kind(db.session, api_principal(), **data)


@blp.route("/schemes")
class Schemes(MethodView):
    @blp.arguments(SchemeQuerySchema, location="query")
    @blp.response(200, SchemeSchema(many=True))
    def get(self, args):
        """Active certification schemes with their current criteria."""
        return schemes.list_schemes(db.session, kind=args.get("kind"))

    @blp.arguments(SchemeSchema)
    @blp.response(201, SchemeSchema)
    def post(self, data):
        """Define a scheme with its first criteria version (administrators)."""
        return schemes.create_scheme(db.session, api_principal(), **data)


@blp.route("/schemes/<string:code>")
class SchemeByCode(MethodView):
    @blp.response(200, SchemeSchema)
    def get(self, code):
        """One scheme."""
        return schemes.get_scheme(db.session, code)


@blp.route("/schemes/<string:code>/criteria")
class SchemeCriteria(MethodView):
    @blp.arguments(CriteriaSetSchema)
    @blp.response(201, CriteriaSetSchema)
    def post(self, data, code):
        """Publish a new criteria version; labels keep the version they were assessed against."""
        return schemes.add_criteria_version(db.session, api_principal(), code, data["criteria"])
