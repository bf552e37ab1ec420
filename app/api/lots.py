"""/api/v1/lots: production lots, serial issuance (idempotent, all or nothing) and their QR codes."""

from __future__ import annotations

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app.api.schemas import ROW_ID, PageArgsSchema, page_of
from app.auth import api_principal
from app.database import db
from labels import lots, printing, qr
from labels.errors import InvalidInput, NotFound
from labels.paging import paginate
from models import Serial

blp = Blueprint("lots", __name__, url_prefix="/api/v1/lots", description="Lots, serials and their QR codes")


class LotSchema(Schema):
    id = fields.Integer(dump_only=True)
    gtin = fields.String(required=True, validate=validate.Regexp(r"^(\d{8}|\d{12,14})$"))
    lot_number = fields.String(required=True, validate=validate.Length(min=1, max=20))
    production_date = fields.Date(allow_none=True)
    expiry_date = fields.Date(allow_none=True)
    quantity = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10**9))
    site_gln = fields.String(allow_none=True, validate=validate.Length(max=13))
    created_at = fields.DateTime(dump_only=True)


class LotSerialised(LotSchema):
    gtin = fields.Function(lambda lot: lot.product.gtin)


class SerialRequestSchema(Schema):
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=lots.MAX_SERIALS_PER_REQUEST))


class SerialJobSchema(Schema):
    id = fields.Integer()
    lot_id = fields.Integer()
    idempotency_key = fields.String()
    requested = fields.Integer()
    issued = fields.Integer()
    state = fields.String()
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)


class SerialSchema(Schema):
    serial = fields.String()
    uri = fields.Function(lambda s: s.uri)


class QRQuerySchema(Schema):
    format = fields.String(load_default="png", validate=validate.OneOf(("png", "svg")))
    module_px = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))
    dpi = fields.Integer(load_default=300, validate=validate.Range(min=72, max=2400))


class SheetQuerySchema(Schema):
    start = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=10**9),
        metadata={"description": "skip this many of the lot's serials (in the order they were issued)"},
    )
    count = fields.Integer(
        load_default=printing.MAX_SHEET_CODES,
        validate=validate.Range(min=1, max=printing.MAX_SHEET_CODES),
        metadata={"description": "at most this many codes"},
    )


@blp.route("")
class Lots(MethodView):
    @blp.arguments(LotSchema)
    @blp.response(201, LotSerialised)
    def post(self, data):
        """Register a production lot of your product."""
        return lots.create_lot(db.session, api_principal(), **data)


@blp.route(f"/<{ROW_ID}:lot_id>")
class LotById(MethodView):
    @blp.response(200, LotSerialised)
    def get(self, lot_id):
        """One lot (the holder and certifiers)."""
        return lots.get_lot(db.session, api_principal(), lot_id)


@blp.route(f"/<{ROW_ID}:lot_id>/serials")
class LotSerials(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(SerialSchema, "SerialPage"))
    def get(self, args, lot_id):
        """The lot's serials with the text of each one's QR code."""
        lot = lots.get_lot(db.session, api_principal(), lot_id)
        page = paginate(db.session, select(Serial).where(Serial.lot_id == lot.id).order_by(Serial.id), **args)
        base = current_app.config["PUBLIC_BASE_URL"]
        for serial in page.items:
            serial.uri = lots.code_uri(base, lot.product, lot, serial)
        return page

    @blp.arguments(SerialRequestSchema)
    @blp.response(201, SerialJobSchema)
    def post(self, data, lot_id):
        """Issue N serials, each with a signed claim; send an ``Idempotency-Key`` header (required)."""
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            raise InvalidInput.one("Idempotency-Key", "required", "send an Idempotency-Key header")
        return lots.issue_serials(db.session, api_principal(), lot_id, data["count"], key)


@blp.route(f"/<{ROW_ID}:lot_id>/serials/<string(maxlength=20):serial>/qr")
class SerialQR(MethodView):
    @blp.arguments(QRQuerySchema, location="query")
    @blp.response(200, content_type="image/png")
    def get(self, args, lot_id, serial):
        """The item's QR code, PNG (module size and DPI chosen by the caller) or SVG."""
        lot = lots.get_lot(db.session, api_principal(), lot_id)
        found = lots.find_serial(db.session, lot.product.gtin, serial)
        if found is None or found.lot_id != lot.id:
            raise NotFound(f"no serial {serial} in this lot")
        text = lots.code_uri(current_app.config["PUBLIC_BASE_URL"], lot.product, lot, found)
        if args["format"] == "svg":
            return Response(qr.render_svg(text), mimetype="image/svg+xml")
        return Response(qr.render_png(text, args["module_px"], args["dpi"]), mimetype="image/png")


@blp.route(f"/<{ROW_ID}:lot_id>/sheet.pdf")
class LotSheet(MethodView):
    @blp.arguments(SheetQuerySchema, location="query")
    @blp.response(200, content_type="application/pdf")
    def get(self, args, lot_id):
        """A printable A4 PDF of the lot's QR codes, serials and cut marks (holder and certifiers)."""
        pdf = printing.lot_sheet(
            db.session, api_principal(), lot_id, current_app.config["PUBLIC_BASE_URL"], **args
        )
        return Response(pdf, mimetype="application/pdf")
