"""/api/v1/audit: the audit trail, for administrators and each organisation's own members."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.schemas import PageArgsSchema, page_of
from app.auth import api_principal
from app.database import db
from labels.registry import audit

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Who did what, and when")


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.DateTime()
    actor_user_id = fields.Integer(allow_none=True)
    channel = fields.String()
    organisation_id = fields.Integer(allow_none=True)
    action = fields.String()
    target_type = fields.String()
    target_id = fields.String()
    detail = fields.Dict()


class AuditQuerySchema(PageArgsSchema):
    action = fields.String(validate=validate.Length(max=60))


@blp.route("")
class AuditTrail(MethodView):
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, page_of(AuditEntrySchema, "AuditPage"))
    def get(self, args):
        """Audit entries, newest first."""
        return audit.list_entries(db.session, api_principal(), **args)
