"""POST /api/v1/verify: up to 1,000 codes in one request, each with its live verdict, in order.

Open to anyone, so that a small shop's app can check its shelf; beyond ``VERIFY_RATE_LIMIT`` a caller
gets a 429 problem. A retailer's token lifts the limit: supermarkets check whole deliveries.
"""

from __future__ import annotations

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app import scan_log
from app.auth import api_principal
from app.database import db
from app.extensions import limiter
from labels.errors import AuthenticationRequired
from labels.registry.reference import DISTRICTS
from labels.retail.verification import MAX_CODES, verify_codes
from models import utcnow

blp = Blueprint("verify", __name__, url_prefix="/api/v1", description="Verify many codes at once")


def _retailer_token() -> bool:
    try:
        principal = api_principal()
    except AuthenticationRequired:
        return False
    return bool(principal.organisation_ids("retailer"))


class VerifyRequestSchema(Schema):
    codes = fields.List(
        fields.String(validate=validate.Length(min=1, max=2000)),
        required=True,
        validate=validate.Length(min=1, max=MAX_CODES),
        metadata={
            "description": f"Digital Link URIs (with or without their claim) or GTINs; at most {MAX_CODES}"
        },
    )
    district = fields.String(
        validate=validate.OneOf(DISTRICTS),
        metadata={
            "description": "where the codes were scanned (optional; kept for the authority's statistics)"
        },
    )
    lang = fields.String(load_default="vi", validate=validate.OneOf(("vi", "en")))


class VerifyResultSchema(Schema):
    code = fields.String()
    verdict = fields.String(
        metadata={
            "description": "valid, expired, suspended, withdrawn, serial-not-issued, not-registered, forged, "
            "or not-an-ecoreg-code"
        }
    )
    message = fields.String()
    message_vi = fields.String()
    message_en = fields.String()
    gtin = fields.String(allow_none=True)
    lot = fields.String(allow_none=True)
    serial = fields.String(allow_none=True)
    genuine = fields.Boolean(allow_none=True)
    product = fields.Dict(allow_none=True)
    labels = fields.List(fields.Dict())


class VerifyResponseSchema(Schema):
    results = fields.List(fields.Nested(VerifyResultSchema))
    summary = fields.Dict()


@blp.route("/verify")
class Verify(MethodView):
    decorators = [limiter.limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], exempt_when=_retailer_token)]

    @blp.arguments(VerifyRequestSchema)
    @blp.response(200, VerifyResponseSchema)
    def post(self, data):
        """The verdict on each code, in the order given, and how many of them are valid."""
        results = verify_codes(db.read_session, data["codes"], utcnow())
        client, district = scan_log.client_class(default="api"), data.get("district")
        for result in results:
            if result.gtin:
                scan_log.note(result.gtin, result.lot, result.serial, result.verdict, client, district)
        valid = sum(result.passes for result in results)
        return {
            "results": [result.as_dict(data["lang"]) for result in results],
            "summary": {
                "total": len(results),
                "valid": valid,
                "compliance_percent": round(100 * valid / len(results), 1),
            },
        }
