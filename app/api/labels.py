"""/api/v1/labels: the public catalogue of issued labels, status decisions, renewal, PACT export."""

from __future__ import annotations

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.api.applications import ApplicationSerialised
from app.api.schemas import PageArgsSchema, RowId, page_of
from app.auth import api_principal
from app.database import db
from labels.certification import catalogue, pact, workflow
from labels.codes import printing
from labels.codes.artwork import MAX_DPI, MIN_DPI
from labels.registry.reference import DISTRICTS, SECTORS

blp = Blueprint("labels", __name__, url_prefix="/api/v1/labels", description="Issued labels")


class LabelProductSchema(Schema):
    gtin = fields.String()
    name_vi = fields.String()
    name_en = fields.String()


class LabelEventSchema(Schema):
    action = fields.String()
    from_status = fields.String()
    to_status = fields.String()
    reason = fields.String()
    at = fields.DateTime()


class LabelSchema(Schema):
    label_number = fields.String(metadata={"example": "DN-ENR-2026-000001"})
    kind = fields.String(attribute="kind_code")
    iso_type = fields.String()
    scheme = fields.Function(lambda label: label.scheme.code)
    scheme_name_vi = fields.Function(lambda label: label.scheme.name_vi)
    scheme_name_en = fields.Function(lambda label: label.scheme.name_en)
    criteria_version = fields.Function(lambda label: label.criteria_set.version)
    status = fields.Function(
        lambda label: workflow.effective_status(label),
        metadata={"description": "active, suspended, withdrawn or expired"},
    )
    status_reason = fields.String()
    valid_from = fields.DateTime()
    valid_until = fields.DateTime()
    holder = fields.Function(
        lambda label: {
            "id": label.holder.id,
            "legal_name": label.holder.legal_name,
            "tax_code": label.holder.tax_code,
        }
    )
    issuer = fields.Function(lambda label: {"id": label.issuer.id, "legal_name": label.issuer.legal_name})
    products = fields.List(fields.Nested(LabelProductSchema))
    claims = fields.Dict()
    version = fields.Integer()
    replaces = fields.Function(lambda label: label.replaces.label_number if label.replaces else None)
    issued_at = fields.DateTime()
    events = fields.List(fields.Nested(LabelEventSchema))


class LabelQuerySchema(PageArgsSchema):
    kind = fields.String(validate=validate.Length(max=40))
    status = fields.String(validate=validate.OneOf(catalogue.STATUSES))
    sector = fields.String(validate=validate.OneOf(SECTORS))
    district = fields.String(validate=validate.OneOf(DISTRICTS))
    holder = RowId(metadata={"description": "holder organisation id"})
    gtin = fields.String(validate=validate.Regexp(r"^\d{8,14}$"))
    q = fields.String(validate=validate.Length(max=100))


class LabelTransitionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(tuple(workflow.LABEL_STEPS)))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ArtworkQuerySchema(Schema):
    gtin = fields.String(
        validate=validate.Regexp(r"^\d{8,14}$"),
        metadata={"description": "the product's GTIN; optional when the label covers one product"},
    )
    dpi = fields.Integer(load_default=300, validate=validate.Range(min=MIN_DPI, max=MAX_DPI))


NUMBER = "<string(maxlength=40):label_number>"


@blp.route("")
class Labels(MethodView):
    @blp.arguments(LabelQuerySchema, location="query")
    @blp.response(200, page_of(LabelSchema, "LabelPage"))
    def get(self, args):
        """Search issued labels (public): by kind, status, sector, district, holder, GTIN or text."""
        return catalogue.list_labels(db.session, **args)


@blp.route(f"/{NUMBER}")
class LabelByNumber(MethodView):
    @blp.response(200, LabelSchema)
    def get(self, label_number):
        """One issued label with its status history (public)."""
        return workflow.get_label(db.session, label_number)


@blp.route(f"/{NUMBER}/transitions")
class LabelTransitions(MethodView):
    @blp.arguments(LabelTransitionSchema)
    @blp.response(200, LabelSchema)
    def post(self, data, label_number):
        """Suspend, reinstate or withdraw a label (the issuing body's certifiers), with a reason."""
        return workflow.transition_label(
            db.session, api_principal(), label_number, data["action"], data["reason"]
        )


@blp.route(f"/{NUMBER}/renewal")
class LabelRenewal(MethodView):
    @blp.response(201, ApplicationSerialised)
    def post(self, label_number):
        """Start renewing a label: a draft application prefilled from it (the holder's members)."""
        return workflow.start_renewal(db.session, api_principal(), label_number)


@blp.route(f"/{NUMBER}/pact")
class LabelPact(MethodView):
    @blp.response(200)
    def get(self, label_number):
        """A carbon label as a PACT v2 ProductFootprint document."""
        return pact.product_footprint(workflow.get_label(db.session, label_number))


@blp.route(f"/{NUMBER}/artwork.png")
class LabelArtwork(MethodView):
    @blp.arguments(ArtworkQuerySchema, location="query")
    @blp.response(200, content_type="image/png")
    def get(self, args, label_number):
        """The printable artwork of an active label for one of its products (public): PNG at ``dpi``
        with the kind's mark, the label's name, number and validity and the product's Digital Link QR."""
        png = printing.label_artwork(
            db.session, label_number, args.get("gtin"), current_app.config["PUBLIC_BASE_URL"], args["dpi"]
        )
        return Response(png, mimetype="image/png")
