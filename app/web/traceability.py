"""The traceability page of the enterprise and retailer portals: who may see the organisation's events,
importing events from a spreadsheet, and the latest events with their journeys."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField

from app.auth import web_principal
from app.database import db
from app.web.forms import ProductImportForm
from labels.errors import InvalidEpcisDocument, InvalidInput, LabelsError
from labels.registry import organisations
from labels.registry.permissions import EVENT_CAPTURING_ROLES
from labels.registry.product_import import ImportRefused
from labels.traceability import event_import
from labels.traceability.events import cbv_word
from models import EpcisEvent

bp = Blueprint("traceability", __name__, url_prefix="/portal/traceability")


class VisibilityForm(FlaskForm):
    events_public = BooleanField()


def _organisation():
    """The organisation whose events the user records (the first, if they record for several)."""
    for membership in current_user.user.memberships:
        if membership.role in EVENT_CAPTURING_ROLES:
            return membership.organisation
    abort(404)


def _page(organisation, form, report_errors=(), status=200):
    latest = db.session.scalars(
        select(EpcisEvent)
        .where(EpcisEvent.organisation_id == organisation.id)
        .order_by(EpcisEvent.id.desc())
        .limit(20)
    ).all()
    visibility = VisibilityForm(events_public=organisation.events_public)
    html = render_template(
        "portal/traceability.html",
        organisation=organisation,
        form=form,
        visibility=visibility,
        report_errors=report_errors,
        latest=latest,
        cbv_word=cbv_word,
    )
    return html, status


@bp.get("")
@login_required
def page():
    return _page(_organisation(), ProductImportForm())


@bp.post("/import")
@login_required
def import_file():
    organisation = _organisation()
    form = ProductImportForm()
    if not form.validate_on_submit():
        return _page(organisation, form, status=422)
    upload = form.file.data
    try:
        job = event_import.import_events(
            db.session,
            web_principal(),
            organisation,
            upload.filename or "upload.csv",
            upload.read(),
            limit=current_app.config["EPCIS_CAPTURE_LIMIT"],
        )
    except ImportRefused as exc:
        flash(exc.detail, "error")
        return _page(organisation, form, exc.report.errors, 422)
    except (InvalidEpcisDocument, InvalidInput, LabelsError) as exc:
        flash(exc.detail, "error")
        return _page(organisation, form, status=422)
    flash(_("%(count)d events recorded, signed and logged.", count=job.captured_count), "success")
    return redirect(url_for("traceability.page"))


@bp.post("/visibility")
@login_required
def visibility():
    organisation = _organisation()
    form = VisibilityForm()
    if form.validate_on_submit():
        organisations.update_organisation(
            db.session, web_principal(), organisation.id, events_public=bool(form.events_public.data)
        )
        if form.events_public.data:
            flash(_("Your events are now shown to everyone who follows a product's journey."), "success")
        else:
            flash(_("Your events are now shown only to your organisation."), "success")
    return redirect(url_for("traceability.page"))
