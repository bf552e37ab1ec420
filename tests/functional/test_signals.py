"""Counterfeit signals for the authority, from the scan log: each kind of signal, per district, the CSV,
and only the authority's and certification bodies' staff may read them."""

from datetime import timedelta

import pytest

from labels.codes.lots import create_lot
from labels.retail import scans
from models import utcnow
from tests.functional.test_web_lots import login
from tests.helpers import bearer, make_org, make_product, make_token, make_user, principal

GTIN_FAKE = "08936000000017"


def scan(gtin, verdict="valid", lot=None, serial=None, district=None, minutes_ago=5):
    return {
        "scanned_at": utcnow() - timedelta(minutes=minutes_ago),
        "gtin": gtin,
        "lot": lot,
        "serial": serial,
        "verdict": verdict,
        "client_class": "browser",
        "district": district,
    }


@pytest.fixture
def market(app, session):
    authority = make_org(session, "authority")
    inspector = make_user(session, authority, "certifier")
    maker = make_org(session, "enterprise")
    member = make_user(session, maker, "enterprise")
    product = make_product(session, maker, published=True)
    session.flush()
    create_lot(session, principal(member), product.gtin, "L1", quantity=2)
    log = [scan(GTIN_FAKE, "forged", serial="FAKE1", district="bien-hoa") for _ in range(3)]
    log += [scan(product.gtin, "serial-not-issued", lot="L1", serial="NOPE")]
    log += [
        scan(product.gtin, lot="L1", serial="S1", district=d) for d in ("bien-hoa", "long-khanh", "bien-hoa")
    ]
    log += [scan(product.gtin, lot="L1", serial="S2", district="bien-hoa") for _ in range(4)]
    log += [scan(product.gtin, "withdrawn", serial="W1") for _ in range(2)]
    log += [scan(GTIN_FAKE, "forged", serial="=HYPERLINK(1)")]  # a forger's serial, shown in a spreadsheet
    log += [scan(product.gtin, serial="OLD", minutes_ago=60 * 24 * 400)]  # outside the default window
    scans.record(session, log)
    session.flush()
    app.config["SIGNAL_SERIAL_LIMIT"], saved = 3, app.config["SIGNAL_SERIAL_LIMIT"]
    yield {
        "gtin": product.gtin,
        "inspector": inspector,
        "member": member,
        "auth": bearer(make_token(session, inspector)),
    }
    app.config["SIGNAL_SERIAL_LIMIT"] = saved


def kinds(body):
    return {(s["signal"], s["serial"] or s["lot"] or s["gtin"]) for s in body["signals"]}


def test_each_kind_of_signal_is_raised(client, market):
    body = client.get("/api/v1/signals", headers=market["auth"]).get_json()
    found = kinds(body)
    assert ("suspicious-code", "FAKE1") in found and ("suspicious-code", "NOPE") in found
    assert ("roaming-serial", "S1") in found and ("roaming-serial", "S2") not in found
    assert ("over-scanned-serial", "S2") in found and ("over-scanned-serial", "S1") not in found
    assert ("over-scanned-lot", "L1") in found  # 8 scans of a lot of 2, over 3 x 2
    assert ("withdrawn-still-scanned", market["gtin"]) in found
    fake = next(s for s in body["signals"] if s["serial"] == "FAKE1")
    assert fake["scans"] == 3 and fake["districts"] == ["bien-hoa"]
    assert body["byDistrict"]["bien-hoa"]["forged"] == 3
    assert body["byDistrict"]["long-khanh"]["valid"] == 1
    assert not any(s["serial"] == "OLD" for s in body["signals"])


def test_the_csv_export_neutralises_formulas(client, market):
    response = client.get("/api/v1/signals.csv", headers=market["auth"])
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8-sig")
    assert text.splitlines()[0].startswith("signal,gtin,lot,serial")
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text


def test_only_surveillance_staff_read_signals(client, session, market):
    assert client.get("/api/v1/signals").status_code == 401
    member = bearer(make_token(session, market["member"]))
    assert client.get("/api/v1/signals", headers=member).status_code == 403
    retailer = make_user(session, make_org(session, "retailer"), "retailer")
    assert client.get("/api/v1/signals.csv", headers=bearer(make_token(session, retailer))).status_code == 403


def test_the_authoritys_page_shows_districts_and_signals(client, market):
    login(client, market["inspector"])
    html = client.get("/portal/signals").get_data(as_text=True)
    assert 'data-district="bien-hoa"' in html and 'data-signal="roaming-serial"' in html
    assert client.get("/portal/signals/signals.csv").status_code == 200


def test_others_do_not_find_the_page(client, market):
    login(client, market["member"])
    assert client.get("/portal/signals").status_code == 404
