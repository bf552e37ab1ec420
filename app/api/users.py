"""/api/v1/users: accounts and their memberships."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.schemas import ROW_ID, RowId
from app.auth import api_principal
from app.database import db
from labels.errors import InvalidInput, NotFound
from labels.registry import accounts
from labels.registry.organisations import get_organisation
from labels.registry.permissions import require_admin, require_authenticated
from models import ROLES

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Accounts and memberships")


class MembershipSchema(Schema):
    organisation_id = RowId(required=True)
    organisation_name = fields.Function(lambda m: m.organisation.legal_name, dump_only=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.Email(required=True)
    display_name = fields.String(validate=validate.Length(max=200))
    locale = fields.String(validate=validate.OneOf(("vi", "en")))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=10, max=200))
    is_active = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    memberships = fields.List(fields.Nested(MembershipSchema), dump_only=True)


@blp.route("")
class Users(MethodView):
    @blp.response(200, UserSchema(many=True))
    def get(self):
        """List the users you may see: your colleagues, or everyone for administrators."""
        return accounts.list_users(db.session, api_principal())

    @blp.arguments(UserSchema)
    @blp.response(201, UserSchema)
    def post(self, data):
        """Create a user account (administrators)."""
        return accounts.create_user(db.session, api_principal(), **data)


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, UserSchema)
    def get(self):
        """The user behind the token."""
        principal = api_principal()
        require_authenticated(principal)
        return accounts.get_user(db.session, principal, principal.user_id)


@blp.route(f"/<{ROW_ID}:user_id>")
class UserById(MethodView):
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """One user: yourself, a colleague, or anyone for administrators."""
        return accounts.get_user(db.session, api_principal(), user_id)


@blp.route(f"/<{ROW_ID}:user_id>/memberships")
class UserMemberships(MethodView):
    @blp.arguments(MembershipSchema)
    @blp.response(201, MembershipSchema)
    def post(self, data, user_id):
        """Give a user a role in an organisation (administrators)."""
        principal = api_principal()
        require_admin(principal, "users:write")
        user = accounts.user_by_id(db.session, user_id)
        try:
            organisation = get_organisation(db.session, data["organisation_id"])
        except NotFound:
            raise InvalidInput.one("organisation_id", "exists", "no such organisation") from None
        return accounts.add_membership(db.session, principal, user, organisation, data["role"])
