"""The retailer portal's green-shelf audits: upload a shelf list or photos, read the report, keep the
history per store, export it."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app import scan_log
from app.auth import web_principal
from app.database import db
from labels.errors import InvalidInput
from labels.retail import shelf_audits
from models import utcnow
from scanner.decode import decode_image
from scanner.errors import DecodeError

bp = Blueprint("shelf", __name__, url_prefix="/portal/shelf-audits")

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
MAX_PHOTOS = 50


class ShelfAuditForm(FlaskForm):
    store = StringField(_l("Store (name or GLN)"), validators=[DataRequired(), Length(max=200)])
    files = MultipleFileField(
        _l("A shelf list (CSV or Excel, one code a row) or photos of the codes"), validators=[FileRequired()]
    )


def _retailer_id() -> int:
    for membership in current_user.user.memberships:
        if membership.role == "retailer":
            return membership.organisation_id
    abort(404)


def _codes(uploads) -> tuple[str, list[tuple[str, str]], list[str]]:
    """``(source, (origin, code) pairs, unreadable file names)`` from the uploaded files."""
    photos = [u for u in uploads if Path(u.filename or "").suffix.lower() in PHOTO_SUFFIXES]
    if not photos:
        upload = uploads[0]
        return "file", shelf_audits.codes_from_file(upload.filename or "list.csv", upload.read()), []
    if len(photos) > MAX_PHOTOS:
        raise InvalidInput.one("files", "max-items", f"send at most {MAX_PHOTOS} photos at a time")
    codes, unreadable = [], []
    for upload in photos:
        try:
            found = decode_image(upload.read())
        except DecodeError:
            unreadable.append(upload.filename)
            continue
        codes += [(upload.filename or "photo", code.gtin or code.text) for code in found]
        if not found:
            unreadable.append(upload.filename)
    return "photos", codes, unreadable


@bp.route("", methods=["GET", "POST"])
@login_required
def index():
    organisation_id = _retailer_id()
    principal = web_principal()
    form = ShelfAuditForm()
    errors, status = [], 200
    if form.validate_on_submit():
        try:
            source, codes, unreadable = _codes(form.files.data)
            shelf = shelf_audits.run_audit(
                db.session, principal, organisation_id, form.store.data, source, codes, utcnow()
            )
        except InvalidInput as exc:
            errors, status = [issue.message for issue in exc.issues], 422
        else:
            for item in shelf.items:
                if item.gtin:
                    scan_log.note(item.gtin, None, None, item.verdict, "scanner", None)
            query = {"unreadable": len(unreadable)} if unreadable else {}
            return redirect(url_for("shelf.report", audit_id=shelf.id, **query))
    elif request.method == "POST":
        status = 422
    store = request.args.get("store") or None
    return render_template(
        "shelf/index.html",
        form=form,
        errors=errors,
        audits=shelf_audits.list_audits(db.session, principal, organisation_id, store),
        stores=shelf_audits.stores(db.session, principal, organisation_id),
        store=store,
    ), status


@bp.get("/<int(min=1, max=2147483647):audit_id>")
@login_required
def report(audit_id: int):
    shelf = shelf_audits.get_audit(db.session, web_principal(), audit_id)
    failing = [item for item in shelf.items if item.verdict != "valid"]
    unreadable = request.args.get("unreadable", type=int) or 0
    return render_template("shelf/report.html", shelf=shelf, failing=failing, unreadable=unreadable)


@bp.get("/<int(min=1, max=2147483647):audit_id>.csv")
@login_required
def export(audit_id: int):
    shelf = shelf_audits.get_audit(db.session, web_principal(), audit_id)
    from app import _select_locale  # here: app imports this module while it is being built

    name = f"shelf-audit-{shelf.id}.csv"
    return Response(
        shelf_audits.report_csv(shelf, _select_locale()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
