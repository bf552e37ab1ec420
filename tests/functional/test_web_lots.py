"""The enterprise portal's lots: registering one through a CSRF-protected form with errors beside their
fields, issuing a few serials at once, printing them, and other tenants kept out with a 404.

A request big enough to run in the background is followed in test_serial_jobs.py, where a worker
thread has a database of its own.
"""

import io
import re

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from labels.codes.lots import create_lot
from labels.codes.qrclaim import claim_keys, verify_uri
from models import Lot, Serial
from tests.helpers import (
    PASSWORD,
    make_label,
    make_org,
    make_product,
    make_scheme,
    make_user,
    principal,
)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def login(client, user):
    form = {"email": user.email, "password": PASSWORD}
    found = re.search(
        r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', client.get("/login").get_data(as_text=True)
    )
    if found:  # CSRF checks are on in this test
        form["csrf_token"] = found.group(1)
    assert client.post("/login", data=form).status_code == 302


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def labelled(session):
    certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
    member = make_user(session, enterprise, "enterprise")
    product = make_product(session, enterprise, published=True, name_vi="Áo thun cotton hữu cơ")
    label = make_label(
        session,
        member,
        make_scheme(session, certifier),
        [product],
        make_user(session, certifier, "certifier"),
    )
    session.flush()
    return {
        "product": product,
        "label": label,
        "member": member,
        "enterprise": enterprise,
        "certifier": certifier,
    }


def lot_count(session, product) -> int:
    return session.scalar(select(func.count()).select_from(Lot).where(Lot.product_id == product.id))


def test_an_enterprise_registers_a_lot_through_the_form(csrf_app, client, session, labelled):
    product = labelled["product"]
    login(client, labelled["member"])
    portal = client.get("/portal/enterprise").get_data(as_text=True)
    url = f"/portal/products/{product.gtin}/lots"
    assert f'href="{url}"' in portal
    page = client.get(url).get_data(as_text=True)
    assert "Đăng ký lô hàng" in page and "Chưa có lô hàng nào." in page
    token = csrf_token(page)

    assert client.post(url, data={"lot_number": "2611A"}).status_code == 400  # no CSRF token
    bad = client.post(
        url,
        data={
            "csrf_token": token,
            "lot_number": "LÔ 1",
            "production_date": "2026-11-01",
            "expiry_date": "2026-10-01",
        },
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert 'id="lot_number-error"' in html and 'id="expiry_date-error"' in html
    assert 'aria-describedby="lot_number-error"' in html
    assert 'value="LÔ 1"' in html  # what was typed stays in the form
    not_a_date = client.post(url, data={"csrf_token": token, "lot_number": "A1", "production_date": "1/11"})
    assert not_a_date.status_code == 422 and 'id="production_date-error"' in not_a_date.get_data(as_text=True)
    assert lot_count(session, product) == 0

    good = {"csrf_token": token, "lot_number": "2611A", "production_date": "2026-11-01", "quantity": "500"}
    created = client.post(url, data=good)
    assert created.status_code == 302
    lot = session.scalar(select(Lot).where(Lot.product_id == product.id))
    assert created.headers["Location"] == f"/portal/lots/{lot.id}"
    assert (lot.lot_number, lot.quantity, str(lot.production_date)) == ("2611A", 500, "2026-11-01")
    assert "Đã đăng ký lô 2611A." in client.get(created.headers["Location"]).get_data(as_text=True)
    duplicate = client.post(url, data=good)
    assert duplicate.status_code == 422 and 'id="lot_number-error"' in duplicate.get_data(as_text=True)
    listing = client.get(url).get_data(as_text=True)
    assert f'href="/portal/lots/{lot.id}">2611A</a>' in listing


def test_a_few_serials_are_issued_at_once_and_print(client, session, labelled):
    product, label = labelled["product"], labelled["label"]
    lot = create_lot(session, principal(labelled["member"]), product.gtin, "L7")
    session.flush()
    login(client, labelled["member"])
    page = client.get(f"/portal/lots/{lot.id}").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1)
    assert "Tờ in sẽ có khi các số sê-ri đã được cấp." in page
    form = {"count": "12", "idempotency_key": key}
    issued = client.post(f"/portal/lots/{lot.id}/serials", data=form)
    assert issued.status_code == 302 and issued.headers["Location"] == f"/portal/lots/{lot.id}"
    page = client.get(f"/portal/lots/{lot.id}").get_data(as_text=True)
    assert "Đã cấp 12 số sê-ri." in page and 'id="serial-total">12<' in page
    again = client.post(f"/portal/lots/{lot.id}/serials", data=form)  # the same form sent twice
    job_page = again.headers["Location"]
    assert re.fullmatch(rf"/portal/lots/{lot.id}/jobs/\d+", job_page)
    assert session.scalar(select(func.count()).select_from(Serial).where(Serial.lot_id == lot.id)) == 12

    job = client.get(job_page).get_data(as_text=True)
    assert 'data-state="succeeded"' in job and "đã xong" in job
    assert "http-equiv" not in job and "serial-job.js" not in job  # a finished job needs no refreshing
    state = client.get(f"{job_page}.json").get_json()
    assert (state["state"], state["issued"], state["percent"], state["state_name"]) == (
        "succeeded",
        12,
        100,
        "đã xong",
    )

    sheet = client.get(f"/portal/lots/{lot.id}/sheet.pdf?start=0")
    assert sheet.mimetype == "application/pdf" and sheet.data.startswith(b"%PDF")
    assert "attachment" in sheet.headers["Content-Disposition"]
    serial = re.search(r"<code>([0-9A-Za-z]{12})</code>", page).group(1)
    png = client.get(f"/portal/lots/{lot.id}/serials/{serial}/qr.png")
    assert png.mimetype == "image/png"
    [decoded] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    keys = claim_keys(client.get("/.well-known/jwks.json").get_json())
    _, path, fields = verify_uri(decoded.text, keys.__getitem__)
    assert path.endswith(f"/10/L7/21/{serial}") and fields.labels == (label.label_number,)
    artwork = f"/api/v1/labels/{label.label_number}/artwork.png?gtin={product.gtin}"
    assert f'href="{artwork}"' in page
    assert client.get(artwork).mimetype == "image/png"


def test_a_refused_request_is_told_beside_the_count(client, session, labelled):
    unlabelled = make_product(session, labelled["enterprise"], published=True)
    lot = create_lot(session, principal(labelled["member"]), unlabelled.gtin, "L8")
    session.flush()
    login(client, labelled["member"])
    zero = client.post(f"/portal/lots/{lot.id}/serials", data={"count": "0", "idempotency_key": "k"})
    assert zero.status_code == 422 and 'id="count-error"' in zero.get_data(as_text=True)
    nothing_to_claim = client.post(
        f"/portal/lots/{lot.id}/serials", data={"count": "3", "idempotency_key": "k"}
    )
    assert nothing_to_claim.status_code == 422
    assert "the product has no valid label" in nothing_to_claim.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Serial).where(Serial.lot_id == lot.id)) == 0


def test_only_the_holders_members_see_its_lots(client, session, labelled):
    product = labelled["product"]
    lot = create_lot(session, principal(labelled["member"]), product.gtin, "L9")
    session.flush()
    client.post("/login", data={"email": labelled["member"].email, "password": PASSWORD})
    client.post(f"/portal/lots/{lot.id}/serials", data={"count": "2", "idempotency_key": "k"})
    serial = session.scalar(select(Serial.serial).where(Serial.lot_id == lot.id))
    job_id = session.scalar(select(Serial.job_id).where(Serial.lot_id == lot.id))
    client.post("/logout")
    urls = [
        f"/portal/products/{product.gtin}/lots",
        f"/portal/lots/{lot.id}",
        f"/portal/lots/{lot.id}/jobs/{job_id}",
        f"/portal/lots/{lot.id}/jobs/{job_id}.json",
        f"/portal/lots/{lot.id}/sheet.pdf",
        f"/portal/lots/{lot.id}/serials/{serial}/qr.png",
    ]
    # Another enterprise, and a certifier (who may read lots through the API, but has no portal here).
    for outsider in (
        make_user(session, make_org(session), "enterprise"),
        make_user(session, labelled["certifier"], "certifier"),
    ):
        login(client, outsider)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 404, (outsider.email, url)
            assert "L9" not in response.get_data(as_text=True)
        for url in (f"/portal/products/{product.gtin}/lots", f"/portal/lots/{lot.id}/serials"):
            assert (
                client.post(url, data={"lot_number": "X1", "count": "1", "idempotency_key": "z"}).status_code
                == 404
            )
        client.post("/logout")
    assert lot_count(session, product) == 1
    assert session.scalar(select(func.count()).select_from(Serial).where(Serial.lot_id == lot.id)) == 2
    assert client.get(f"/portal/lots/{lot.id}").status_code == 302  # logged out: to the login page
