"""The public catalogue of labels, a page per label, and the open-data downloads."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, jsonify, render_template, request

from app.database import db
from app.web.forms import CatalogueFilterForm
from labels.certification import catalogue, schemes, workflow
from labels.errors import InvalidInput
from labels.registry.reference import DISTRICTS, SECTORS

bp = Blueprint("catalogue", __name__)


def _filters(form: CatalogueFilterForm) -> dict:
    names = ("kind", "status", "sector", "district", "gtin", "q")
    wanted = {name: getattr(form, name).data for name in names}
    return {k: v for k, v in wanted.items() if v}


@bp.get("/catalogue")
def index():
    """Search the issued labels by kind, status, sector, district, product or holder."""
    form = CatalogueFilterForm(request.args, meta={"csrf": False})
    form.kind.choices = [("", "—")] + [(k.code, k.code) for k in schemes.list_kinds(db.session)]
    form.sector.choices = [("", "—")] + [(code, code) for code in SECTORS]
    form.district.choices = [("", "—")] + [(code, code) for code in DISTRICTS]
    page = request.args.get("page", 1, type=int) or 1
    status = 200
    try:
        page = max(1, min(page, 10_000))
        results = catalogue.list_labels(db.session, page=page, per_page=20, **_filters(form))
    except InvalidInput as exc:
        results, status = None, 422
        form.gtin.errors = [exc.detail]
    return render_template(
        "catalogue/index.html",
        form=form,
        results=results,
        effective_status=workflow.effective_status,
        query=request.args.to_dict(),
    ), status


@bp.get("/catalogue/<string(maxlength=40):label_number>")
def label(label_number: str):
    """One label: its status first, then what it certifies, for whom, until when."""
    found = workflow.get_label(db.session, label_number)
    renewed_by = db.session.query(type(found)).filter_by(replaces_id=found.id).one_or_none()
    return render_template(
        "catalogue/label.html", label=found, status=workflow.effective_status(found), renewed_by=renewed_by
    )


@bp.get("/open-data/labels.json")
def open_data_json():
    """Every issued label as JSON (open data, CC BY 4.0)."""
    return jsonify({"licence": "CC-BY-4.0", "labels": catalogue.open_data_rows(db.session)})


@bp.get("/open-data/labels.csv")
def open_data_csv():
    """Every issued label as CSV (UTF-8 with BOM so Excel reads the Vietnamese correctly)."""
    rows = catalogue.open_data_rows(db.session)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["label_number"])
    writer.writeheader()
    writer.writerows(rows)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="ecoreg-labels.csv"'},
    )
