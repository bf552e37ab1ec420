"""Lots and serials over HTTP: idempotent, all-or-nothing issuance, and QR codes that verify offline."""

import io

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from labels.codes.qrclaim import claim_keys, verify_uri
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


def make_lot(client, labelled, number="L9"):
    response = client.post(
        "/api/v1/lots",
        json={"gtin": labelled["product"].gtin, "lot_number": number},
        headers=bearer(labelled["token"]),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_a_small_request_answers_201_with_the_job_to_read_back(client, labelled):
    auth = bearer(labelled["token"])
    lot_id = make_lot(client, labelled)
    issued = client.post(
        f"/api/v1/lots/{lot_id}/serials", json={"count": 3}, headers=auth | {"Idempotency-Key": "s-1"}
    )
    assert issued.status_code == 201
    job = issued.get_json()
    location = f"/api/v1/lots/{lot_id}/serial-jobs/{job['id']}"
    assert issued.headers["Location"] == location
    assert (job["state"], job["requested"], job["issued"], job["percent"], job["error"]) == (
        "succeeded",
        3,
        3,
        100,
        "",
    )
    assert job["links"] == {
        "self": location,
        "lot": f"/api/v1/lots/{lot_id}",
        "serials": f"/api/v1/lots/{lot_id}/serials",
        "sheet": f"/api/v1/lots/{lot_id}/sheet.pdf",
    }
    assert client.get(location, headers=auth).get_json() == job
    replay = client.post(
        f"/api/v1/lots/{lot_id}/serials", json={"count": 3}, headers=auth | {"Idempotency-Key": "s-1"}
    )
    assert replay.status_code == 200 and replay.get_json()["id"] == job["id"]
    assert replay.headers["Location"] == location
    listed = client.get(f"/api/v1/lots/{lot_id}/serial-jobs", headers=auth).get_json()
    assert listed["total"] == 1 and listed["items"] == [job]


def test_a_job_is_found_only_under_its_own_lot(client, labelled):
    auth = bearer(labelled["token"])
    first, second = make_lot(client, labelled, "LA"), make_lot(client, labelled, "LB")
    job = client.post(
        f"/api/v1/lots/{first}/serials", json={"count": 1}, headers=auth | {"Idempotency-Key": "x"}
    ).get_json()
    assert client.get(f"/api/v1/lots/{second}/serial-jobs/{job['id']}", headers=auth).status_code == 404
    assert client.get(f"/api/v1/lots/{first}/serial-jobs/2147483647", headers=auth).status_code == 404
    assert client.get(f"/api/v1/lots/{first}/serial-jobs/{job['id']}").status_code == 404  # anonymous


def test_a_big_request_is_refused_up_front_when_its_job_could_only_fail(client, session):
    enterprise = make_org(session, "enterprise")
    product = make_product(session, enterprise, published=True)  # no label: codes would claim nothing
    token = make_token(session, make_user(session, enterprise, "enterprise"))
    labelled = {"product": product, "token": token}
    lot_id = make_lot(client, labelled)
    response = client.post(
        f"/api/v1/lots/{lot_id}/serials",
        json={"count": 50_000},
        headers=bearer(token) | {"Idempotency-Key": "big"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["rule"] == "labelled-product"
    assert client.get(f"/api/v1/lots/{lot_id}/serial-jobs", headers=bearer(token)).get_json()["total"] == 0
