"""The portals: one page per role, showing what that role can do next."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.auth import web_principal
from app.database import db
from app.web.forms import ProductImportForm
from labels import applications, audit, catalogue, products, schemes, workflow
from labels.errors import InvalidInput
from labels.product_import import ImportRefused, import_products
from models import APPLICATION_STATES, AuditEntry, Label, Organisation, Product, User

bp = Blueprint("portal", __name__, url_prefix="/portal")

ROLE_PAGES = {
    "admin": "portal.admin",
    "certifier": "portal.certifier",
    "enterprise": "portal.enterprise",
    "retailer": "portal.retailer",
}


def _membership(role: str):
    """The current user's membership in ``role``, or 404: a portal is only for its role."""
    for membership in current_user.user.memberships:
        if membership.role == role:
            return membership
    abort(404)


@bp.get("")
@login_required
def home():
    """Send the user to the page of their role; list them all if they hold several."""
    memberships = current_user.user.memberships
    if len(memberships) == 1:
        return redirect(url_for(ROLE_PAGES[memberships[0].role]))
    return render_template("portal/home.html", memberships=memberships, role_pages=ROLE_PAGES)


@bp.route("/enterprise", methods=["GET", "POST"])
@login_required
def enterprise():
    """An enterprise's products, drafts included, and a bulk import."""
    membership = _membership("enterprise")
    organisation = membership.organisation
    form = ProductImportForm()
    report_errors = []
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            report = import_products(
                db.session, web_principal(), upload.filename, upload.read(), organisation
            )
        except ImportRefused as exc:
            report_errors = exc.report.errors
            flash(exc.detail, "error")
            status = 422
        except InvalidInput as exc:
            flash(exc.detail, "error")
            status = 422
        else:
            flash(_("%(count)d products imported.", count=len(report.created)), "success")
            return redirect(url_for("portal.enterprise"))
    principal = web_principal()
    page = products.list_products(db.session, principal, holder_id=organisation.id, per_page=200)
    applied = applications.list_applications(
        db.session, principal, applicant_id=organisation.id, per_page=200
    )
    held = catalogue.list_labels(db.session, holder=organisation.id, per_page=200)
    return render_template(
        "portal/enterprise.html",
        organisation=organisation,
        products=page,
        form=form,
        report_errors=report_errors,
        applications=applied.items,
        labels=held.items,
        effective_status=workflow.effective_status,
    ), status


@bp.get("/certifier")
@login_required
def certifier():
    """A certifier's review queue, the labels their body issued, and the enterprises of the province."""
    membership = _membership("certifier")
    principal = web_principal()
    state = request.args.get("state") or None
    if state not in APPLICATION_STATES:
        state = None
    kind = request.args.get("kind") or None
    queue = applications.list_applications(db.session, principal, state=state, kind=kind, per_page=200)
    issued = db.session.scalars(
        select(Label).where(Label.issuer_id == membership.organisation_id).order_by(Label.issued_at.desc())
    ).all()
    enterprises = db.session.scalars(
        select(Organisation).where(Organisation.kind == "enterprise").order_by(Organisation.legal_name)
    ).all()
    counts = dict(
        db.session.execute(select(Product.holder_id, func.count()).group_by(Product.holder_id)).all()
    )
    return render_template(
        "portal/certifier.html",
        organisation=membership.organisation,
        queue=queue.items,
        state=state,
        kind=kind,
        kinds=schemes.list_kinds(db.session),
        issued=issued,
        enterprises=enterprises,
        counts=counts,
        effective_status=workflow.effective_status,
        states=APPLICATION_STATES,
    )


@bp.get("/retailer")
@login_required
def retailer():
    """A retailer's view: the published catalogue of registered products."""
    membership = _membership("retailer")
    page = products.list_products(db.session, web_principal(), published=True, per_page=200)
    return render_template("portal/retailer.html", organisation=membership.organisation, products=page)


@bp.get("/admin")
@login_required
def admin():
    """The registry administrator's overview: organisations, users, the latest audit entries."""
    _membership("admin")
    organisations = db.session.scalars(
        select(Organisation).order_by(Organisation.kind, Organisation.legal_name)
    ).all()
    users = db.session.scalar(select(func.count()).select_from(User))
    entries = audit.list_entries(db.session, web_principal(), per_page=20)
    actors = {
        u.id: u.email
        for u in db.session.scalars(
            select(User).where(User.id.in_({e.actor_user_id for e in entries.items if e.actor_user_id}))
        )
    }
    return render_template(
        "portal/admin.html",
        organisations=organisations,
        users=users,
        entries=entries.items,
        actors=actors,
        AuditEntry=AuditEntry,
    )
