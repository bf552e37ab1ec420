"""Applying for a label (enterprises) and deciding on it (certifiers), in the browser."""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from app.auth import web_principal
from app.database import db
from app.evidence import evidence_store
from app.web.claim_forms import (
    COMPONENT_ROWS,
    claim_fields,
    claims_from_form,
    component_fields,
    has_components,
)
from app.web.forms import DecisionForm, EvidenceForm
from labels.certification import applications, schemes, workflow
from labels.errors import LabelsError
from models import Product

bp = Blueprint("certification", __name__, url_prefix="/portal")


ACTION_NAMES = {
    "submit": _l("Submit for review"),
    "start_review": _l("Start review"),
    "request_changes": _l("Request changes"),
    "approve": _l("Approve"),
    "reject": _l("Reject"),
    "issue": _l("Issue the label"),
    "suspend": _l("Suspend"),
    "reinstate": _l("Reinstate"),
    "withdraw": _l("Withdraw"),
}

# Views that catch a refusal and redirect roll back first: the edge commits every response below 400.


def _enterprise_id() -> int:
    ids = web_principal().organisation_ids("enterprise")
    if not ids:
        abort(404)
    return min(ids)


def _eligible_products(enterprise_id: int, scheme) -> list[Product]:
    query = select(Product).where(Product.holder_id == enterprise_id).order_by(Product.gtin)
    if scheme.product_groups:
        query = query.where(Product.product_group.in_(scheme.product_groups))
    return list(db.session.scalars(query))


@bp.get("/apply")
@login_required
def choose_scheme():
    """Step 1: choose the kind of label and the scheme."""
    _enterprise_id()
    return render_template(
        "certification/choose.html",
        kinds=schemes.list_kinds(db.session),
        schemes=schemes.list_schemes(db.session),
    )


@bp.route("/apply/<string(maxlength=40):scheme_code>", methods=["GET", "POST"])
@login_required
def apply(scheme_code: str):
    """Step 2: products, claims, criteria and evidence; save as a draft or submit."""
    enterprise_id = _enterprise_id()
    scheme = schemes.get_scheme(db.session, scheme_code)
    criteria = schemes.current_criteria(scheme).criteria
    issues, status = [], 200
    form = EvidenceForm(meta={"csrf": True})
    if request.method == "POST":
        principal = web_principal()
        claims = claims_from_form(scheme.kind_code, request.form, [c.code for c in criteria])
        try:
            application = applications.create_application(
                db.session, principal, enterprise_id, scheme.code, request.form.getlist("gtins"), claims
            )
            upload = request.files.get("file")
            if upload and upload.filename:
                applications.add_evidence(
                    db.session,
                    principal,
                    application.id,
                    upload.filename,
                    upload.read(),
                    evidence_store(),
                    current_app.config["EVIDENCE_MAX_BYTES"],
                )
            if request.form.get("submit") == "submit":
                workflow.transition_application(db.session, principal, application.id, "submit")
        except LabelsError as exc:
            db.session.rollback()
            issues = getattr(exc, "issues", [])
            flash(exc.detail, "error")
            status = 422
        else:
            flash(_("Application saved."), "success")
            return redirect(url_for("certification.application", application_id=application.id))
    return render_template(
        "certification/apply.html",
        scheme=scheme,
        criteria=criteria,
        form=form,
        issues=issues,
        products=_eligible_products(enterprise_id, scheme),
        fields=claim_fields(scheme.kind_code, _locale()),
        components=component_fields(_locale()) if has_components(scheme.kind_code) else [],
        component_rows=COMPONENT_ROWS,
        values=request.form,
    ), status


def _locale() -> str:
    from app import _select_locale

    return _select_locale()


@bp.get("/applications/<int:application_id>")
@login_required
def application(application_id: int):
    """An application: criteria results and evidence side by side, history, and the next decisions."""
    principal = web_principal()
    found = applications.get_application(db.session, principal, application_id)
    return render_template(
        "certification/application.html",
        application=found,
        results=applications.criteria_results(found),
        reviewer=applications.is_reviewer(principal, found),
        applicant=found.applicant_id in principal.organisation_ids("enterprise"),
        decision=DecisionForm(),
        evidence_form=EvidenceForm(),
        steps=workflow.APPLICATION_STEPS,
    )


# The URL accepts exactly the workflow's actions: derived from its tables, never listed twice.
ACTIONS = f"any({', '.join(workflow.APPLICATION_STEPS)})"
LABEL_ACTIONS = f"any({', '.join(workflow.LABEL_STEPS)})"


@bp.post(f"/applications/<int:application_id>/<{ACTIONS}:action>")
@login_required
def decide(application_id: int, action: str):
    """Move an application on; the reason (and override reason) come from the form."""
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    _attempt(
        lambda: workflow.transition_application(
            db.session,
            web_principal(),
            application_id,
            action,
            form.reason.data or "",
            form.override_reason.data or None,
        ),
        _("Done: %(action)s.", action=ACTION_NAMES[action]),
    )
    return redirect(url_for("certification.application", application_id=application_id))


@bp.post("/applications/<int:application_id>/evidence")
@login_required
def upload_evidence(application_id: int):
    """Add an evidence file to an application."""
    form = EvidenceForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to upload."), "error")
        return redirect(url_for("certification.application", application_id=application_id))
    upload = form.file.data
    _attempt(
        lambda: applications.add_evidence(
            db.session,
            web_principal(),
            application_id,
            upload.filename,
            upload.read(),
            evidence_store(),
            current_app.config["EVIDENCE_MAX_BYTES"],
            request.form.get("criterion_code") or None,
        ),
        _("Evidence uploaded."),
    )
    return redirect(url_for("certification.application", application_id=application_id))


@bp.get("/applications/<int:application_id>/evidence/<int:evidence_id>")
@login_required
def evidence(application_id: int, evidence_id: int):
    """Download an evidence file (the applicant and the scheme's certifiers only)."""
    found, content = applications.evidence_file(
        db.session, web_principal(), application_id, evidence_id, evidence_store()
    )
    return send_file(
        io.BytesIO(content), mimetype=found.media_type, as_attachment=True, download_name=found.filename
    )


@bp.post(f"/labels/<string(maxlength=40):label_number>/<{LABEL_ACTIONS}:action>")
@login_required
def label_decision(label_number: str, action: str):
    """Suspend, reinstate or withdraw a label, with a reason."""
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    _attempt(
        lambda: workflow.transition_label(
            db.session, web_principal(), label_number, action, form.reason.data or ""
        ),
        _("Done: %(action)s.", action=ACTION_NAMES[action]),
    )
    return redirect(url_for("catalogue.label", label_number=label_number))


@bp.post("/labels/<string(maxlength=40):label_number>/renew")
@login_required
def renew(label_number: str):
    """Start renewing a label: a draft prefilled from it."""
    if not DecisionForm().validate_on_submit():
        abort(400)
    renewal = _attempt(lambda: workflow.start_renewal(db.session, web_principal(), label_number))
    if renewal is None:
        return redirect(url_for("catalogue.label", label_number=label_number))
    return redirect(url_for("certification.application", application_id=renewal.id))


def _attempt(change, success: str | None = None):
    """Run ``change``; on a refusal roll it back and tell the user why (the redirect would be committed)."""
    try:
        result = change()
    except LabelsError as exc:
        db.session.rollback()
        flash(exc.detail, "error")
        return None
    if success:
        flash(success, "success")
    return result
