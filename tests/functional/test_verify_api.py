"""POST /api/v1/verify: many real codes at once, each with its live verdict in order; limits; scans kept."""

import pytest
from sqlalchemy import select

from models import Scan
from tests.functional.test_api_lots import labelled  # noqa: F401 - the fixture
from tests.helpers import bearer, make_org, make_token, make_user

VERIFY = "/api/v1/verify"


@pytest.fixture
def issued(client, labelled):  # noqa: F811
    auth = bearer(labelled["token"])
    lot = client.post(
        "/api/v1/lots", json={"gtin": labelled["product"].gtin, "lot_number": "V1"}, headers=auth
    ).get_json()
    url = f"/api/v1/lots/{lot['id']}/serials"
    assert client.post(url, json={"count": 3}, headers=auth | {"Idempotency-Key": "v"}).status_code == 201
    uris = [s["uri"] for s in client.get(url, headers=auth).get_json()["items"]]
    return labelled | {"uris": uris, "auth": auth}


def forge(uri: str) -> str:
    last = uri[-1]
    return uri[:-1] + ("A" if last != "A" else "B")


def test_each_code_gets_its_verdict_in_order(client, session, issued):
    gtin = issued["product"].gtin
    never = issued["uris"][0].split("/21/")[0] + "/21/NEVERISSUED9"
    codes = [issued["uris"][0], forge(issued["uris"][1]), never, gtin[1:], "hello", issued["uris"][2]]
    response = client.post(VERIFY, json={"codes": codes, "lang": "en", "district": "bien-hoa"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    verdicts = [r["verdict"] for r in body["results"]]
    assert verdicts == ["valid", "forged", "serial-not-issued", "valid", "not-an-ecoreg-code", "valid"]
    assert [r["code"] for r in body["results"]] == codes
    assert body["results"][0]["labels"][0]["label_number"] == issued["label"].label_number
    assert body["results"][1]["message"] == body["results"][1]["message_en"]
    assert body["summary"] == {"total": 6, "valid": 3, "compliance_percent": 50.0}
    # Every product code checked is in the scan log, with no personal data and the district offered.
    logged = session.scalars(select(Scan).order_by(Scan.id)).all()
    assert [s.verdict for s in logged] == [v for v in verdicts if v != "not-an-ecoreg-code"]
    assert {s.district for s in logged} == {"bien-hoa"} and {s.client_class for s in logged} == {"api"}


def test_a_suspended_label_shows_at_once(client, session, issued):
    certifier = make_user(session, issued["label"].issuer, "certifier")
    response = client.post(
        f"/api/v1/labels/{issued['label'].label_number}/transitions",
        json={"action": "suspend", "reason": "kiểm tra thị trường"},
        headers=bearer(make_token(session, certifier)),
    )
    assert response.status_code == 200, response.get_json()
    result = client.post(VERIFY, json={"codes": issued["uris"][:1]}).get_json()["results"][0]
    assert result["verdict"] == "suspended"


def test_too_many_codes_or_none_is_a_422_naming_codes(client):
    assert client.post(VERIFY, json={"codes": []}).get_json()["errors"][0]["field"] == "codes"
    many = client.post(VERIFY, json={"codes": ["0"] * 1001})
    assert many.status_code == 422 and many.get_json()["errors"][0]["field"] == "codes"


def test_anonymous_callers_are_limited_but_a_retailers_token_is_not(client, session, rate_limits, issued):
    rate_limits(VERIFY_RATE_LIMIT="2 per minute")
    body = {"codes": issued["uris"][:1]}
    assert [client.post(VERIFY, json=body).status_code for _ in range(3)] == [200, 200, 429]
    assert client.post(VERIFY, json=body).get_json()["type"] == "/problems/rate-limited"
    retailer = bearer(make_token(session, make_user(session, make_org(session, "retailer"), "retailer")))
    assert all(client.post(VERIFY, json=body, headers=retailer).status_code == 200 for _ in range(4))
