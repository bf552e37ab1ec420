"""/api/v1/products: products by GTIN, paging and search, bulk import."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from app.api.schemas import PageArgsSchema, RowId, page_of
from app.auth import api_principal
from app.database import db
from labels.errors import InvalidInput, NotFound
from labels.registry import products
from labels.registry.organisations import get_organisation
from labels.registry.product_import import import_products
from labels.registry.reference import SECTORS

blp = Blueprint(
    "products", __name__, url_prefix="/api/v1/products", description="Products identified by GTIN"
)

GTIN = validate.Regexp(
    r"^(\d{8}|\d{12,14})$", error="String does not match expected pattern: 8, 12, 13 or 14 digits"
)


class ProductSchema(Schema):
    gtin = fields.String(
        required=True,
        validate=GTIN,
        metadata={"example": "08935049500018", "description": "GTIN-8/12/13/14; stored as GTIN-14"},
    )
    name_vi = fields.String(required=True, validate=validate.Length(min=1, max=300))
    name_en = fields.String(validate=validate.Length(max=300))
    brand = fields.String(validate=validate.Length(max=200))
    product_group = fields.String(validate=validate.Length(max=100))
    sector = fields.String(required=True, validate=validate.OneOf(SECTORS))
    published = fields.Boolean()
    holder_id = RowId(required=True)
    holder_name = fields.Function(lambda p: p.holder.legal_name, dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ProductUpdateSchema(Schema):
    name_vi = fields.String(validate=validate.Length(min=1, max=300))
    name_en = fields.String(validate=validate.Length(max=300))
    brand = fields.String(validate=validate.Length(max=200))
    product_group = fields.String(validate=validate.Length(max=100))
    sector = fields.String(validate=validate.OneOf(SECTORS))
    published = fields.Boolean()


class ProductQuerySchema(PageArgsSchema):
    q = fields.String(
        validate=validate.Length(max=100), metadata={"description": "name, brand or GTIN contains"}
    )
    holder_id = RowId()
    sector = fields.String(validate=validate.OneOf(SECTORS))
    published = fields.Boolean()


class ImportSchema(Schema):
    """A multipart/form-data body: the file, and optionally the holder of rows that name none."""

    file = Upload(
        required=True, metadata={"description": "a .csv (UTF-8) or .xlsx file; row 1 names the columns"}
    )
    holder_id = RowId(
        metadata={"description": "holder of rows without a holder_tax_code; default: your own enterprise"}
    )


class ImportReportSchema(Schema):
    rows = fields.Integer(required=True)
    created = fields.List(fields.String(), required=True)


ProductPageSchema = page_of(ProductSchema, "ProductPage")


@blp.route("")
class Products(MethodView):
    @blp.arguments(ProductQuerySchema, location="query")
    @blp.response(200, ProductPageSchema)
    def get(self, args):
        """List products: published ones, plus your own organisation's drafts."""
        return products.list_products(db.session, api_principal(), **args)

    @blp.arguments(ProductSchema)
    @blp.response(201, ProductSchema)
    def post(self, data):
        """Register a product for your enterprise."""
        holder_id = data.pop("holder_id")
        return products.create_product(db.session, api_principal(), holder_id, **data)


@blp.route("/import")
class ProductImport(MethodView):
    @blp.arguments(ImportSchema, location="files")
    @blp.response(201, ImportReportSchema)
    def post(self, form):
        """Import products from a CSV or XLSX file: every row or none, with a per-row error report."""
        upload = form["file"]
        principal = api_principal()
        holder = None
        if form.get("holder_id") is not None:
            try:
                holder = get_organisation(db.session, form["holder_id"])
            except NotFound:
                raise InvalidInput.one("holder_id", "exists", "no such organisation") from None
        return import_products(db.session, principal, upload.filename or "upload.csv", upload.read(), holder)


@blp.route("/<string:gtin>")
class ProductByGtin(MethodView):
    @blp.response(200, ProductSchema)
    def get(self, gtin):
        """One product by GTIN (any length; answered in GTIN-14)."""
        return products.get_product(db.session, api_principal(), gtin)

    @blp.arguments(ProductUpdateSchema)
    @blp.response(200, ProductSchema)
    def patch(self, data, gtin):
        """Edit a product of your enterprise."""
        return products.update_product(db.session, api_principal(), gtin, **data)
