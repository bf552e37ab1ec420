"""The authority's page of counterfeit signals: scans per district and each signal, with a CSV export."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from app.auth import web_principal
from app.database import db
from labels.errors import PermissionDenied
from labels.retail import scans
from models import utcnow

bp = Blueprint("surveillance", __name__, url_prefix="/portal/signals")

KINDS = {
    "suspicious-code": _l("Forged or never-issued code"),
    "roaming-serial": _l("One serial scanned in several districts"),
    "over-scanned-serial": _l("One serial scanned too often"),
    "over-scanned-lot": _l("A lot scanned more often than its size allows"),
    "withdrawn-still-scanned": _l("Withdrawn label still scanned"),
}
DAYS = (7, 30, 90, 365)


def _found(days: int) -> scans.Signals:
    config = current_app.config
    until = utcnow()
    try:
        return scans.signals(
            db.read_session,
            web_principal(),
            until - timedelta(days=days),
            until,
            serial_limit=config["SIGNAL_SERIAL_LIMIT"],
            lot_factor=config["SIGNAL_LOT_FACTOR"],
        )
    except PermissionDenied:
        abort(404)


def _days() -> int:
    days = request.args.get("days", type=int)
    return days if days in DAYS else current_app.config["SIGNAL_DAYS"]


@bp.get("")
@login_required
def page():
    days = _days()
    found = _found(days)
    verdicts = sorted({v for counts in found.by_district.values() for v in counts})
    return render_template(
        "portal/signals.html", found=found, kinds=KINDS, days=days, choices=DAYS, verdicts=verdicts
    )


@bp.get("/signals.csv")
@login_required
def export():
    body = scans.signals_csv(_found(_days()))
    disposition = 'attachment; filename="ecoreg-signals.csv"'
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})
