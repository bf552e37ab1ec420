"""/api/v1/lots: production lots, serial issuance (idempotent, all or nothing), the jobs that issue
serials in the background, and the items' QR codes."""

from __future__ import annotations

from flask import Response, current_app, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from app import serial_jobs
from app.api.schemas import ROW_ID, PageArgsSchema, page_of
from app.auth import api_principal
from app.database import db
from labels.codes import lots, printing, qr
from labels.common.paging import paginate
from labels.errors import InvalidInput, NotFound
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


def job_links(job) -> dict:
    lot = {"lot_id": job.lot_id}
    return {
        "self": url_for("lots.SerialJobById", job_id=job.id, **lot),
        "lot": url_for("lots.LotById", **lot),
        "serials": url_for("lots.LotSerials", **lot),
        "sheet": url_for("lots.LotSheet", **lot),
    }


class _Derived:
    """A value computed from the dumped object, documented in OpenAPI with its field's own type."""

    def __init__(self, compute, *args, **kwargs):
        self._compute = compute
        super().__init__(*args, dump_only=True, **kwargs)

    def get_value(self, obj, attr, accessor=None, default=None):
        return self._compute(obj)


class DerivedInteger(_Derived, fields.Integer):
    pass


class DerivedNested(_Derived, fields.Nested):
    pass


class SerialJobLinksSchema(Schema):
    self = fields.String(metadata={"description": "this job: poll it until `state` is final"})
    lot = fields.String()
    serials = fields.String(metadata={"description": "the lot's issued serials"})
    sheet = fields.String(metadata={"description": "the lot's printable sheet"})


class SerialJobSchema(Schema):
    id = fields.Integer()
    lot_id = fields.Integer()
    idempotency_key = fields.String()
    requested = fields.Integer()
    issued = fields.Integer(
        metadata={"description": "serials signed so far; none of them is issued until the job succeeds"}
    )
    percent = DerivedInteger(lots.percent, metadata={"description": "0 to 100; 100 once succeeded"})
    state = fields.String(metadata={"description": "queued, running, succeeded or failed"})
    error = fields.String(metadata={"description": "why the job failed; empty otherwise"})
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    links = DerivedNested(job_links, SerialJobLinksSchema)

    class Meta:
        ordered = True


LOCATION = {"Location": {"description": "the job's URL", "schema": {"type": "string"}}}


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
    @blp.response(201, SerialJobSchema, headers=LOCATION, description="issued at once (a small request)")
    @blp.alt_response(202, schema=SerialJobSchema, headers=LOCATION, description="queued: poll `Location`")
    @blp.alt_response(
        200, schema=SerialJobSchema, headers=LOCATION, description="this key's job, as it is now"
    )
    def post(self, data, lot_id):
        """Issue N serials, each with a signed claim; send an ``Idempotency-Key`` header (required).

        At most ``SERIAL_SYNC_LIMIT`` (1,000) are issued at once (201); more are queued as a job that
        runs in the background (202): poll the job at ``Location``. Either way, all or nothing."""
        key = request.headers.get("Idempotency-Key", "")
        if not key:
            raise InvalidInput.one("Idempotency-Key", "required", "send an Idempotency-Key header")
        job, status = submit_serials(api_principal(), lot_id, data["count"], key)
        return job, status, {"Location": job_links(job)["self"]}


def submit_serials(principal, lot_id: int, count: int, key: str):
    """Issue at once or queue, by size; ``(job, status)``: 201 issued, 202 queued, 200 a known key."""
    at_once = count <= current_app.config["SERIAL_SYNC_LIMIT"]
    job, created = lots.submit_serials(db.session, principal, lot_id, count, key, at_once)
    if job.state == "queued":
        serial_jobs.wake_after_commit(db.session)
    if not created:
        return job, 200
    return job, 201 if at_once else 202


@blp.route(f"/<{ROW_ID}:lot_id>/serial-jobs")
class SerialJobs(MethodView):
    @blp.arguments(PageArgsSchema, location="query")
    @blp.response(200, page_of(SerialJobSchema, "SerialJobPage"))
    def get(self, args, lot_id):
        """The lot's serial jobs, newest first."""
        return lots.list_jobs(db.session, api_principal(), lot_id, **args)


@blp.route(f"/<{ROW_ID}:lot_id>/serial-jobs/<{ROW_ID}:job_id>")
class SerialJobById(MethodView):
    @blp.response(200, SerialJobSchema)
    def get(self, lot_id, job_id):
        """One serial job: its state, progress and, if it failed, why; poll it until the state is final."""
        job = lots.get_job(db.session, api_principal(), lot_id, job_id)
        return serial_jobs.current_state(db.session, job)


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
