"""Lots and serials over HTTP: idempotent, all-or-nothing issuance, and QR codes that verify offline."""

import io

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from labels.qrclaim import claim_keys, verify_uri
from models import Serial
from tests.helpers import bearer, make_label, make_org, make_product, make_scheme, make_token, make_user


@pytest.fixture
def labelled(session):
    certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
    applicant = make_user(session, enterprise, "enterprise")
    product = make_product(session, enterprise, published=True)
    label = make_label(
        session,
        applicant,
        make_scheme(session, certifier),
        [product],
        make_user(session, certifier, "certifier"),
    )
    session.flush()
    return {"product": product, "label": label, "token": make_token(session, applicant)}


def serial_count(session):
    return session.scalar(select(func.count()).select_from(Serial))


def test_serials_are_issued_once_per_idempotency_key(client, session, labelled):
    auth = bearer(labelled["token"])
    lot = client.post(
        "/api/v1/lots",
        json={
            "gtin": labelled["product"].gtin,
            "lot_number": "2611A",
            "production_date": "2026-11-01",
            "expiry_date": "2027-11-01",
        },
        headers=auth,
    )
    assert lot.status_code == 201, lot.get_json()
    url = f"/api/v1/lots/{lot.get_json()['id']}/serials"
    first = client.post(url, json={"count": 25}, headers=auth | {"Idempotency-Key": "batch-1"})
    assert first.status_code == 201 and first.get_json()["issued"] == 25
    again = client.post(url, json={"count": 25}, headers=auth | {"Idempotency-Key": "batch-1"})
    assert again.get_json()["id"] == first.get_json()["id"]
    assert serial_count(session) == 25
    clash = client.post(url, json={"count": 3}, headers=auth | {"Idempotency-Key": "batch-1"})
    assert clash.status_code == 409 and clash.get_json()["errors"][0]["rule"] == "idempotency-key-reused"
    missing = client.post(url, json={"count": 3}, headers=auth)
    assert missing.status_code == 422 and missing.get_json()["errors"][0]["field"] == "Idempotency-Key"
    too_many = client.post(url, json={"count": 100_001}, headers=auth | {"Idempotency-Key": "big"})
    assert too_many.status_code == 422
    assert serial_count(session) == 25
    serials = client.get(f"{url}?per_page=100", headers=auth).get_json()["items"]
    assert len({s["serial"] for s in serials}) == 25
    assert all(len(s["serial"]) == 12 and s["serial"].isalnum() for s in serials)


def test_a_lot_number_outside_the_gs1_character_set_is_refused(client, labelled):
    response = client.post(
        "/api/v1/lots",
        json={"gtin": labelled["product"].gtin, "lot_number": "LÔ 1"},
        headers=bearer(labelled["token"]),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "lot_number"


def test_a_serials_qr_code_decodes_to_a_claim_that_verifies_with_the_published_keys(client, labelled):
    auth = bearer(labelled["token"])
    lot = client.post(
        "/api/v1/lots", json={"gtin": labelled["product"].gtin, "lot_number": "L7"}, headers=auth
    )
    url = f"/api/v1/lots/{lot.get_json()['id']}/serials"
    client.post(url, json={"count": 1}, headers=auth | {"Idempotency-Key": "one"})
    item = client.get(url, headers=auth).get_json()["items"][0]
    png = client.get(f"{url}/{item['serial']}/qr?module_px=4", headers=auth)
    assert png.mimetype == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert [d.text for d in decoded] == [item["uri"]]
    assert len(item["uri"]) <= 180
    keys = claim_keys(client.get("/.well-known/jwks.json").get_json())
    _, path, fields = verify_uri(item["uri"], keys.__getitem__)
    assert path.endswith(f"/10/L7/21/{item['serial']}")
    assert fields.labels == (labelled["label"].label_number,)
    svg = client.get(f"{url}/{item['serial']}/qr?format=svg", headers=auth)
    assert svg.mimetype == "image/svg+xml" and b"<svg xmlns" in svg.data
