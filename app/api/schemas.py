"""Marshmallow schemas shared by every API blueprint: problems, paging."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict


@Blueprint.ARGUMENTS_PARSER.location_loader("files")
def _load_multipart(request, schema):
    """A multipart/form-data body read as one: its files and its plain fields together.

    webargs reads ``files`` and ``form`` apart, but an OpenAPI 3 operation has one request body,
    so flask-smorest can document only one schema for it.
    """
    return MultiDictProxy(CombinedMultiDict([request.files, request.form]), schema)


class FieldErrorSchema(Schema):
    field = fields.String(
        required=True, metadata={"description": "the offending field, dotted for nested ones"}
    )
    rule = fields.String(
        required=True, metadata={"description": "the rule it breaks, e.g. required, check-digit"}
    )
    message = fields.String(required=True)
    location = fields.String(metadata={"description": "json, query, path, form, files, headers or body"})
    row = fields.Integer(metadata={"description": "for file imports: the row number, the header being row 1"})


class ProblemSchema(Schema):
    """An RFC 9457 problem document."""

    type = fields.String(
        required=True, metadata={"description": "URI of the problem type, e.g. /problems/conflict"}
    )
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Nested(FieldErrorSchema))
    rows = fields.Integer()


class PageArgsSchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=200))


class PageSchema(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """A page envelope ``{items: [...], total, page, per_page, pages}`` around ``item_schema``."""
    return type(name, (PageSchema,), {"items": fields.List(fields.Nested(item_schema), required=True)})


MAX_ROW_ID = 2**31 - 1
#: URL converter for row ids: bounded so that an absurd id is a 404, not a database overflow.
ROW_ID = f"int(min=1, max={MAX_ROW_ID})"


class RowId(fields.Integer):
    """An id of a stored row in a body or query: bounded to what the database can hold."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Range(min=1, max=MAX_ROW_ID), **kwargs)
