"""/api/v1/events: traceability events from a CSV or Excel spreadsheet, and the blank templates.

For enterprises without an EPCIS system: one row per event, imported through the same capture as
``POST /epcis/capture`` (validated, signed, logged), all rows or none.
"""

from __future__ import annotations

from flask import Response, current_app, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from app.api.epcis import capturing_organisation, job_json
from app.auth import api_principal
from app.database import db
from labels.traceability import event_columns, event_import

blp = Blueprint(
    "events_import",
    __name__,
    url_prefix="/api/v1/events",
    description="Traceability events from a CSV or XLSX spreadsheet",
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = "ecoreg-events-template"


class EventImportSchema(Schema):
    """A multipart/form-data body: the filled-in template."""

    file = Upload(
        required=True,
        metadata={"description": "a .csv (UTF-8) or .xlsx file in the template's columns; row 1 names them"},
    )


class OrganisationQuerySchema(Schema):
    organisation = fields.String(
        metadata={
            "description": "tax code of the organisation imported for (needed if you belong to several)"
        }
    )


def _attachment(content: bytes, mimetype: str, extension: str) -> Response:
    disposition = f'attachment; filename="{TEMPLATE_NAME}.{extension}"'
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": disposition})


@blp.route("/template.csv")
class CsvTemplate(MethodView):
    @blp.response(200, content_type="text/csv")
    def get(self):
        """The import template as CSV (UTF-8): the header row and example rows to overwrite."""
        return _attachment(event_columns.template_csv(), "text/csv", "csv")


@blp.route("/template.xlsx")
class XlsxTemplate(MethodView):
    @blp.response(200, content_type=XLSX)
    def get(self):
        """The import template as an Excel workbook, with a help sheet in Vietnamese and English."""
        return _attachment(event_columns.template_xlsx(), XLSX, "xlsx")


@blp.route("/import")
class EventImport(MethodView):
    @blp.arguments(OrganisationQuerySchema, location="query")
    @blp.arguments(EventImportSchema, location="files")
    @blp.response(201, description="captured; Location names the capture job")
    @blp.alt_response(422, description="the file has errors, each with its row and column; nothing was kept")
    def post(self, _query, form):
        """Import events from a filled-in template: every row or none, with a per-row error report."""
        principal = api_principal()
        organisation = capturing_organisation(principal)
        upload = form["file"]
        job = event_import.import_events(
            db.session,
            principal,
            organisation,
            upload.filename or "upload.csv",
            upload.read(),
            limit=current_app.config["EPCIS_CAPTURE_LIMIT"],
        )
        db.session.flush()
        return job_json(job), 201, {"Location": url_for("epcis.CaptureJobById", capture_id=job.id)}
