"""/api/v1/signals: counterfeit signals from the scan log, for the authority (JSON or CSV)."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app.auth import api_principal
from app.database import db
from labels.retail import scans
from models import utcnow

blp = Blueprint(
    "signals", __name__, url_prefix="/api/v1", description="Counterfeit signals from the scan log"
)


class SignalQuerySchema(Schema):
    days = fields.Integer(
        validate=validate.Range(min=1, max=3660), metadata={"description": "the window: the last N days"}
    )


def found_signals(days: int | None) -> scans.Signals:
    config = current_app.config
    until = utcnow()
    since = until - timedelta(days=days or config["SIGNAL_DAYS"])
    return scans.signals(
        db.read_session,
        api_principal(),
        since,
        until,
        serial_limit=config["SIGNAL_SERIAL_LIMIT"],
        lot_factor=config["SIGNAL_LOT_FACTOR"],
    )


def signals_json(found: scans.Signals) -> dict:
    return {
        "since": found.since.isoformat(),
        "until": found.until.isoformat(),
        "byDistrict": found.by_district,
        "signals": [
            {
                "signal": s.kind,
                "gtin": s.gtin,
                "lot": s.lot,
                "serial": s.serial,
                "scans": s.scans,
                "districts": s.districts,
                "firstSeen": s.first.isoformat(),
                "lastSeen": s.last.isoformat(),
                "detail": s.detail,
            }
            for s in found.signals
        ],
    }


@blp.route("/signals")
class Signals(MethodView):
    @blp.arguments(SignalQuerySchema, location="query")
    @blp.response(200, description="scans per district and verdict, and each signal")
    def get(self, args):
        """Forged and never-issued codes, serials seen in several districts or too often, withdrawn labels
        still scanned; with the scans per district."""
        return signals_json(found_signals(args.get("days")))


@blp.route("/signals.csv")
class SignalsCsv(MethodView):
    @blp.arguments(SignalQuerySchema, location="query")
    @blp.response(200, content_type="text/csv", description="the signals as CSV (UTF-8 with BOM)")
    def get(self, args):
        """The same signals as a spreadsheet."""
        body = scans.signals_csv(found_signals(args.get("days")))
        return Response(
            body,
            mimetype="text/csv",
            headers={"Content-Disposition": 'attachment; filename="ecoreg-signals.csv"'},
        )
