"""/api/v1/trace: the journey of an item, lot or product, rebuilt from the captured EPCIS events."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.auth import api_principal
from app.database import db
from labels.traceability import journeys

blp = Blueprint("trace", __name__, url_prefix="/api/v1/trace", description="Traceability chains")


class TraceQuerySchema(Schema):
    id = fields.String(
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"description": "a GS1 Digital Link URI, an EPC URN or a GTIN"},
    )
    depth = fields.Integer(
        load_default=journeys.DEFAULT_DEPTH,
        validate=validate.Range(min=1, max=journeys.MAX_DEPTH),
        metadata={"description": "how many transformation steps to follow up and down stream"},
    )


@blp.route("")
class Trace(MethodView):
    @blp.arguments(TraceQuerySchema, location="query")
    @blp.doc(
        summary="The journey: own events, containers, upstream inputs (recursively), downstream",
        responses={
            "200": {
                "description": "the journey",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    )
    def get(self, args):
        return journeys.journey(db.read_session, api_principal(), args["id"], args["depth"])
