"""The consumer's view of a product's journey: a timeline rebuilt from the public traceability events."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l

from app.auth import web_principal
from app.database import db
from labels.errors import InvalidInput
from labels.traceability import journeys

bp = Blueprint("journey", __name__)

#: CBV 2.0 business steps a consumer meets on a journey, in words (others show the CBV word itself).
BIZ_STEPS = {
    "commissioning": _l("Made"),
    "creating_class_instance": _l("Produced"),
    "harvesting": _l("Harvested"),
    "inspecting": _l("Inspected"),
    "packing": _l("Packed"),
    "unpacking": _l("Unpacked"),
    "loading": _l("Loaded"),
    "shipping": _l("Shipped"),
    "departing": _l("Departed"),
    "transporting": _l("In transport"),
    "arriving": _l("Arrived"),
    "receiving": _l("Received"),
    "accepting": _l("Accepted"),
    "storing": _l("Stored"),
    "stocking": _l("Put on the shelf"),
    "retail_selling": _l("Sold"),
    "repackaging": _l("Repacked"),
    "assembling": _l("Assembled"),
    "destroying": _l("Destroyed"),
}
#: How a step relates to the item scanned.
RELATIONS = {
    "self": _l("this item"),
    "container": _l("its carton or pallet"),
    "upstream": _l("made from"),
    "downstream": _l("went into"),
}


def step_name(step: dict) -> str:
    word = step.get("bizStepWord")
    if word in BIZ_STEPS:
        return str(BIZ_STEPS[word])
    if step["eventType"] == "TransformationEvent":
        return str(_l("Processed"))
    return (word or step["eventType"]).replace("_", " ")


def local_time(step: dict) -> str:
    """The step's time in the registry's time zone (Asia/Ho_Chi_Minh), as the reader's locale writes it."""
    return format_datetime(datetime.fromisoformat(step["eventTime"]), "short")


@bp.get("/journey")
def page():
    """The journey of the item, lot or product named by ``?id=`` (Digital Link URI, EPC URN or GTIN)."""
    given = request.args.get("id", "").strip()
    journey, error, status = None, None, 200
    if given:
        try:
            journey = journeys.journey(db.read_session, web_principal(), given[:500])
        except InvalidInput as exc:
            error, status = exc.issues[0].message, 400
    else:
        error, status = _l("Give the code of a product: a GS1 Digital Link, an EPC or a GTIN."), 400
    html = render_template(
        "journey/page.html",
        given=given,
        journey=journey,
        error=error,
        step_name=step_name,
        local_time=local_time,
        relations=RELATIONS,
    )
    return html, status
