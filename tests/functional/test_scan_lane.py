"""The scan lane in front of Flask (app/scan_lane.py) answers a scanning app's JSON scan exactly as the
resolver view does, byte for byte and header for header, for every verdict; everything else reaches
Flask."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from flask import request_started
from sqlalchemy import select
from werkzeug.test import Client

from app.scan_lane import ScanLane
from labels.certification.workflow import transition_label
from labels.codes.qrclaim import split_claim
from models import Scan
from tests.functional.test_resolver_http import world  # noqa: F401 - the fixture
from tests.helpers import principal

JSON = {"Accept": "application/json"}


@pytest.fixture
def lane(app):
    assert isinstance(app.wsgi_app, ScanLane)
    return app.wsgi_app


@pytest.fixture
def flask_requests(app):
    """The requests that reached Flask."""
    seen: list[str] = []

    def started(sender, **_extra):
        from flask import request

        seen.append(request.path)

    request_started.connect(started, app)
    yield seen
    request_started.disconnect(started, app)


def both(lane, url: str, headers: dict):
    """The lane's answer and the resolver view's answer to the same request."""
    answers = []
    for wsgi in (lane, lane.next):
        response = Client(wsgi).get(url, headers=headers)
        # Behind Flask, Flask-Login's remember-cookie hook looks into the session on every response, and
        # Flask then adds Cookie to Vary; the verdict depends on no cookie (and is never stored anyway).
        if wsgi is lane.next:
            assert response.headers["Vary"] == "Accept, Cookie"
            response.headers["Vary"] = "Accept"
        answers.append((response.status, sorted(response.headers.items()), response.get_data()))
    return answers


def codes(world):  # noqa: F811 - the fixture's value
    gtin, serial = world["gtin"], world["serial"].serial
    claim, _ = split_claim(world["code"].split("?", 1)[1])
    tampered = claim[:-2] + ("AA" if not claim.endswith("AA") else "BB")
    return {
        "valid-serial": world["code"],
        "valid-serial-no-claim": f"/01/{gtin}/10/2611A/21/{serial}",
        "forged": f"/01/{gtin}/10/2611A/21/{serial}?{tampered}",
        "serial-not-issued": f"/01/{gtin}/10/2611A/21/NEVER1",
        "wrong-lot": f"/01/{gtin}/10/OTHER/21/{serial}",
        "lot": f"/01/{gtin}/10/2611A",
        "product": f"/01/{gtin}",
        "gtin-13": f"/01/{gtin[1:]}",
        "escaped-lot": f"/01/{gtin}/10/26%2F11",
        "not-registered": "/01/09506000134352",
        "expiry-attribute": f"/01/{gtin}?17=261231",
    }


def test_every_scan_is_answered_by_the_lane_as_the_view_answers_it(lane, session, world, flask_requests):  # noqa: F811
    reviewer, number = principal(world["reviewer"]), world["label"].label_number
    seen_verdicts = set()

    def compare() -> None:
        for name, url in codes(world).items():
            for headers in (JSON, JSON | {"Ecoreg-Client": "scanner", "Ecoreg-District": "bien-hoa"}):
                flask_requests.clear()
                (lane_answer, view_answer) = both(lane, url, headers)
                assert lane_answer == view_answer, name
                # The first answer came from the lane itself; only the second reached Flask.
                assert len(flask_requests) == 1, name
                seen_verdicts.add(Client(lane).get(url, headers=headers).get_json()["verdict"])

    compare()
    later = world["label"].valid_until + timedelta(days=1)
    with (
        mock.patch("app.web.resolver.utcnow", return_value=later),
        mock.patch("app.scan_lane.utcnow", return_value=later),
    ):
        compare()
    transition_label(session, reviewer, number, "suspend", "audit pending")
    session.flush()
    compare()
    transition_label(session, reviewer, number, "withdraw", "failed audit")
    session.flush()
    compare()
    assert seen_verdicts == {
        "valid",
        "forged",
        "serial-not-issued",
        "not-registered",
        "expired",
        "suspended",
        "withdrawn",
    }


def test_the_lane_logs_each_scan_as_the_view_does(lane, session, world):  # noqa: F811
    url = codes(world)["serial-not-issued"]
    for wsgi in (lane, lane.next):
        Client(wsgi).get(url, headers=JSON | {"Ecoreg-District": "long-khanh"})
    logged = session.scalars(select(Scan).order_by(Scan.id)).all()
    rows = [(s.gtin, s.lot, s.serial, s.verdict, s.client_class, s.district) for s in logged]
    assert rows == [(world["gtin"], "2611A", "NEVER1", "serial-not-issued", "app", "long-khanh")] * 2


@pytest.mark.parametrize(
    ("method", "url", "headers", "status"),
    [
        ("GET", "/01/{gtin}", {"Accept": "text/html"}, 200),  # the consumer page
        ("GET", "/01/{gtin}", {"Accept": "application/json, text/html;q=0.5"}, 200),
        ("GET", "/01/{gtin}?linkType=gs1:pip", JSON, 307),
        ("GET", "/01/{gtin}?linkType=linkset", JSON, 200),
        ("HEAD", "/01/{gtin}", JSON, 200),
        ("OPTIONS", "/01/{gtin}", JSON, 204),
        ("GET", "/01/09506000134353", JSON, 400),  # a bad check digit: Flask's problem document
        ("GET", "/.well-known/gs1resolver", JSON, 200),
    ],
)
def test_everything_else_reaches_flask(lane, world, flask_requests, method, url, headers, status):  # noqa: F811
    response = Client(lane).open(url.format(gtin=world["gtin"]), method=method, headers=headers)
    assert response.status_code == status
    assert len(flask_requests) == 1
    if status == 400:
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["errors"][0]["rule"] == "check-digit"
