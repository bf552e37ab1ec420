"""The retailer portal's watchlist: notices of watched labels (unread ones first), watching and
unwatching products and labels, and the webhook endpoints with their delivery log."""

from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from app.auth import web_principal
from app.database import db
from labels.certification import workflow
from labels.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from labels.notices import watchlists, webhooks
from models import Label, Notification, Product
from models.label import label_products

bp = Blueprint("watchlist", __name__, url_prefix="/portal/watchlist")

NOTICE_TEXT = {
    "suspended": _l("The label %(number)s of %(products)s has been suspended."),
    "withdrawn": _l("The label %(number)s of %(products)s has been withdrawn."),
    "reinstated": _l("The label %(number)s of %(products)s is valid again."),
    "expired": _l("The label %(number)s of %(products)s has expired."),
}
DELIVERY_STATE_NAMES = {
    "pending": _l("waiting to be sent"),
    "delivered": _l("delivered"),
    "failed": _l("given up"),
}
UNREAD_SHOWN = 5


class WatchForm(FlaskForm):
    target = StringField(_l("GTIN or label number"), validators=[DataRequired(), Length(max=40)])


class EndpointForm(FlaskForm):
    url = StringField(_l("URL"), validators=[DataRequired(), Length(max=2000)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=200)])


class ActionForm(FlaskForm):
    """A button's form: only its CSRF token."""


def _retailer():
    """The retailer whose watchlist the user keeps (the first, if they keep several), or 404."""
    for membership in current_user.user.memberships:
        if membership.role == "retailer":
            return membership.organisation
    abort(404)


def _product_names(label: Label) -> str:
    english = str(get_locale()) == "en"
    return ", ".join(p.name_en if english and p.name_en else p.name_vi for p in label.products)


@bp.app_template_global("notice_text")
def notice_text(notification: Notification) -> str:
    label = notification.label
    return str(NOTICE_TEXT[notification.kind]) % {
        "number": label.label_number,
        "products": _product_names(label),
    }


@bp.app_template_global("unread_notices")
def unread_notices(organisation) -> tuple[int, list[Notification]]:
    """How many notices the retailer has not read, and the newest of them (for the portal's home)."""
    page = watchlists.list_notifications(
        db.session, web_principal(), organisation.id, unread=True, per_page=UNREAD_SHOWN
    )
    return page.total, page.items


def _refused(exc) -> None:
    # Nothing of a refused change may stay, and a redirect (a 302) would commit the session.
    db.session.rollback()
    flash(exc.detail, "error")


def _page(organisation, endpoint_form=None, new_secret=None, status=200):
    principal = web_principal()
    unread = watchlists.list_notifications(db.session, principal, organisation.id, unread=True, per_page=50)
    recent = watchlists.list_notifications(db.session, principal, organisation.id, per_page=20)
    watches = watchlists.list_watches(db.session, principal, organisation.id, per_page=200).items
    watched_products = {w.product_id for w in watches if w.product_id}
    # Labelled products from the public catalogue, to watch with one click.
    offered = db.session.scalars(
        select(Product)
        .where(
            Product.published.is_(True),
            Product.id.in_(select(label_products.c.product_id)),
            Product.id.not_in(watched_products) if watched_products else True,
        )
        .order_by(Product.name_vi)
        .limit(50)
    ).all()
    html = render_template(
        "watchlist/page.html",
        organisation=organisation,
        unread=unread,
        recent=recent.items,
        watches=[(w, watchlists.watched_labels(db.session, w)) for w in watches],
        offered=offered,
        endpoints=webhooks.list_endpoints(db.session, principal, organisation.id),
        watch_form=WatchForm(),
        endpoint_form=endpoint_form or EndpointForm(),
        action=ActionForm(),
        new_secret=new_secret,
        notice_text=notice_text,
        effective_status=workflow.effective_status,
    )
    return html, status


@bp.get("")
@login_required
def page():
    return _page(_retailer())


@bp.post("/watch")
@login_required
def watch():
    organisation = _retailer()
    form = WatchForm()
    if form.validate_on_submit():
        target = form.target.data.strip()
        by_gtin = target.isdigit()
        try:
            watchlists.watch(
                db.session,
                web_principal(),
                gtin=target if by_gtin else None,
                label_number=None if by_gtin else target,
                organisation_id=organisation.id,
            )
        except (InvalidInput, Conflict, NotFound, PermissionDenied) as exc:
            _refused(exc)
        else:
            flash(_("Now watching %(target)s.", target=target), "success")
    return redirect(url_for("watchlist.page"))


@bp.post("/<int:watch_id>/unwatch")
@login_required
def unwatch(watch_id):
    _retailer()
    if ActionForm().validate_on_submit():
        watchlists.unwatch(db.session, web_principal(), watch_id)
        flash(_("No longer watched."), "success")
    return redirect(url_for("watchlist.page"))


@bp.post("/notices/read")
@login_required
def read_all():
    organisation = _retailer()
    if ActionForm().validate_on_submit():
        watchlists.mark_all_read(db.session, web_principal(), organisation.id)
    return redirect(url_for("watchlist.page"))


@bp.post("/webhooks")
@login_required
def add_endpoint():
    organisation = _retailer()
    form = EndpointForm()
    if not form.validate_on_submit():
        return _page(organisation, form, status=422)
    try:
        endpoint = webhooks.create_endpoint(
            db.session,
            web_principal(),
            form.url.data,
            form.description.data or "",
            organisation.id,
            allow_private=current_app.config["WEBHOOK_ALLOW_PRIVATE_NETWORKS"],
        )
    except (InvalidInput, PermissionDenied) as exc:
        _refused(exc)
        return _page(organisation, form, status=422)
    # Shown in this answer only: a redirect would have to carry the secret in the session cookie.
    return _page(organisation, new_secret=(endpoint, endpoint.secret), status=201)


@bp.post("/webhooks/<int:endpoint_id>/active")
@login_required
def toggle_endpoint(endpoint_id):
    _retailer()
    if ActionForm().validate_on_submit():
        principal = web_principal()
        endpoint = webhooks.get_endpoint(db.session, principal, endpoint_id, "watchlist:write")
        webhooks.update_endpoint(db.session, principal, endpoint_id, active=not endpoint.active)
        flash(_("Deliveries resumed.") if endpoint.active else _("Deliveries paused."), "success")
    return redirect(url_for("watchlist.page"))


@bp.post("/webhooks/<int:endpoint_id>/test")
@login_required
def test_endpoint(endpoint_id):
    _retailer()
    if ActionForm().validate_on_submit():
        webhooks.send_test(db.session, web_principal(), endpoint_id)
        flash(_("A test event is on its way; see the delivery log."), "success")
    return redirect(url_for("watchlist.deliveries", endpoint_id=endpoint_id))


@bp.post("/webhooks/<int:endpoint_id>/delete")
@login_required
def delete_endpoint(endpoint_id):
    _retailer()
    if ActionForm().validate_on_submit():
        webhooks.delete_endpoint(db.session, web_principal(), endpoint_id)
        flash(_("Endpoint deleted."), "success")
    return redirect(url_for("watchlist.page"))


@bp.get("/webhooks/<int:endpoint_id>")
@login_required
def deliveries(endpoint_id):
    _retailer()
    principal = web_principal()
    endpoint = webhooks.get_endpoint(db.session, principal, endpoint_id, "watchlist:read")
    log = webhooks.list_deliveries(db.session, principal, endpoint_id, per_page=50)
    return render_template(
        "watchlist/deliveries.html",
        endpoint=endpoint,
        deliveries=log.items,
        total=log.total,
        action=ActionForm(),
        state_names=DELIVERY_STATE_NAMES,
        pretty=lambda text: json.dumps(json.loads(text), ensure_ascii=False, indent=2),
    )
