"""/api/v1/organisations: the public directory of organisations and their administration."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.schemas import ROW_ID, PageArgsSchema, page_of
from app.auth import api_principal
from app.database import db
from labels.registry import organisations
from labels.registry.reference import DISTRICTS, SECTORS
from models import ORGANISATION_KINDS

blp = Blueprint(
    "organisations",
    __name__,
    url_prefix="/api/v1/organisations",
    description="Enterprises, retailers, certifiers, the authority and the plan's agencies",
)


class OrganisationSchema(Schema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(required=True, validate=validate.OneOf(ORGANISATION_KINDS))
    legal_name = fields.String(required=True, validate=validate.Length(min=1, max=300))
    tax_code = fields.String(
        required=True,
        allow_none=True,
        validate=validate.Length(min=10, max=14),
        metadata={
            "example": "0300588569",
            "description": "mã số thuế: 10 digits, or 10-3; may be null only for a public agency",
        },
    )
    code = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"description": "an agency's slug in the action plan (so-cong-thuong, ubnd-bien-hoa)"},
    )
    gs1_company_prefix = fields.String(allow_none=True, validate=validate.Length(max=12))
    address = fields.String(validate=validate.Length(max=500))
    district = fields.String(allow_none=True, validate=validate.OneOf(DISTRICTS))
    sector = fields.String(allow_none=True, validate=validate.OneOf(SECTORS))
    events_public = fields.Boolean(
        metadata={
            "description": "show the organisation's traceability events to everyone (default: members only)"
        }
    )
    created_at = fields.DateTime(dump_only=True)


class OrganisationPatchSchema(OrganisationSchema):
    """The same fields, each optional (loaded with ``partial=True``)."""


class OrganisationQuerySchema(PageArgsSchema):
    q = fields.String(validate=validate.Length(max=100))
    kind = fields.String(validate=validate.OneOf(ORGANISATION_KINDS))
    district = fields.String(validate=validate.OneOf(DISTRICTS))
    sector = fields.String(validate=validate.OneOf(SECTORS))


OrganisationPageSchema = page_of(OrganisationSchema, "OrganisationPage")


@blp.route("")
class Organisations(MethodView):
    @blp.arguments(OrganisationQuerySchema, location="query")
    @blp.response(200, OrganisationPageSchema)
    def get(self, args):
        """List organisations (public)."""
        return organisations.list_organisations(db.session, **args)

    @blp.arguments(OrganisationSchema)
    @blp.response(201, OrganisationSchema)
    def post(self, data):
        """Register an organisation (administrators)."""
        return organisations.create_organisation(db.session, api_principal(), **data)


@blp.route(f"/<{ROW_ID}:organisation_id>")
class OrganisationById(MethodView):
    @blp.response(200, OrganisationSchema)
    def get(self, organisation_id):
        """One organisation's public profile."""
        return organisations.get_organisation(db.session, organisation_id)

    @blp.arguments(OrganisationPatchSchema(partial=True))
    @blp.response(200, OrganisationSchema)
    def patch(self, data, organisation_id):
        """Edit an organisation (its members: address, district, sector; administrators: everything)."""
        return organisations.update_organisation(db.session, api_principal(), organisation_id, **data)
