"""/api/v1/tokens: your own API tokens; the secret is in the creation response only."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.schemas import ROW_ID
from app.auth import api_principal
from app.database import db
from labels.registry import tokens
from labels.registry.permissions import SCOPES
from labels.registry.tokens import MAX_DAYS

blp = Blueprint("tokens", __name__, url_prefix="/api/v1/tokens", description="API bearer tokens")


class TokenSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    scopes = fields.List(
        fields.String(validate=validate.OneOf(SCOPES)), required=True, validate=validate.Length(min=1)
    )
    days = fields.Integer(load_only=True, load_default=90, validate=validate.Range(min=1, max=MAX_DAYS))
    prefix = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    expires_at = fields.DateTime(dump_only=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.String(
        dump_only=True, metadata={"description": "the secret; shown this once, never again"}
    )


@blp.route("")
class Tokens(MethodView):
    @blp.response(200, TokenSchema(many=True))
    def get(self):
        """Your tokens (never their secrets)."""
        return tokens.list_tokens(db.session, api_principal())

    @blp.arguments(TokenSchema)
    @blp.response(201, NewTokenSchema)
    def post(self, data):
        """Create a token for yourself; copy the secret from this response."""
        token, secret = tokens.issue_own_token(
            db.session, api_principal(), data["name"], data["scopes"], data["days"]
        )
        token.token = secret
        return token


@blp.route(f"/<{ROW_ID}:token_id>")
class TokenById(MethodView):
    @blp.response(200, TokenSchema)
    def delete(self, token_id):
        """Revoke one of your tokens."""
        return tokens.revoke_token(db.session, api_principal(), token_id)
