"""EPCIS capture over HTTP: 202 and a job, all-or-nothing or proceed, duplicates, limits, who may capture,
and a signed receipt in the transparency log for every event kept."""

import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select

from labels.trust import merkle
from labels.trust.signing import verify_proof
from models import CaptureJob, EpcisEvent, SignedRecord
from tests.epcis_samples import document, gtin, item, object_event
from tests.helpers import bearer, make_org, make_token, make_user

CAPTURE = "/epcis/capture"
JSON_LD = "application/ld+json"


@pytest.fixture
def mill(session):
    """A textile enterprise and one of its staff, with an API token."""
    org = make_org(session, "enterprise")
    user = make_user(session, org, "enterprise")
    session.flush()
    return {"org": org, "user": user, "auth": bearer(make_token(session, user))}


def post(client, doc, auth, behaviour=None, **params):
    headers = dict(auth)
    if behaviour:
        headers["GS1-Capture-Error-Behaviour"] = behaviour
    return client.post(
        CAPTURE, data=json.dumps(doc), content_type=JSON_LD, headers=headers, query_string=params
    )


def events_stored(session):
    return session.scalar(select(func.count()).select_from(EpcisEvent))


def yarn(org, serial="Y1"):
    return item(_gtin(org, 1), serial)


def _gtin(org, number):
    return gtin(org.gs1_company_prefix, number)


def test_a_capture_answers_202_with_its_job_and_stores_each_event(client, session, mill):
    doc = document(
        object_event([yarn(mill["org"], "Y1"), yarn(mill["org"], "Y2")]),
        object_event([yarn(mill["org"], "Y1")], biz_step="shipping", action="OBSERVE"),
    )
    response = post(client, doc, mill["auth"])
    assert response.status_code == 202, response.get_json()
    assert response.headers["GS1-EPCIS-Version"].startswith("2.0")
    job_url = response.headers["Location"]
    job = client.get(job_url, headers=mill["auth"]).get_json()
    assert job["success"] is True and job["running"] is False
    assert job["capturedCount"] == 2 and job["errors"] == []
    assert events_stored(session) == 2
    hashes = session.scalars(select(EpcisEvent.event_hash)).all()
    assert all(h.startswith("ni:///sha-256;") and h.endswith("?ver=CBV2.0") for h in hashes)


def test_each_event_has_a_signed_receipt_in_the_log_that_binds_its_stored_bytes(client, session, mill):
    response = post(client, document(object_event([yarn(mill["org"])])), mill["auth"])
    assert response.status_code == 202
    event = session.scalar(select(EpcisEvent))
    record = session.scalar(select(SignedRecord).where(SignedRecord.leaf_index == event.leaf_index))
    assert record.record_type == "epcis-event" and record.subject == event.event_hash
    assert record.leaf_hash == merkle.leaf_hash(record.canonical)
    receipt = json.loads(record.canonical)
    subject = receipt["credentialSubject"]
    assert subject["id"] == event.event_hash
    assert subject["storedEventSHA256"] == hashlib.sha256(event.document.encode()).hexdigest()
    assert subject["capturedBy"]["taxCode"] == mill["org"].tax_code

    # The receipt verifies with nothing but the published keys.
    jwks = client.get("/.well-known/jwks.json").get_json()["keys"]
    keys = {}
    for jwk in jwks:
        raw = base64.urlsafe_b64decode(jwk["x"] + "==")
        keys[jwk["kid"]] = Ed25519PublicKey.from_public_bytes(raw)
    verify_proof(receipt, lambda method: keys[method.rsplit("#", 1)[1]])

    # And the log proves its inclusion under the latest checkpoint.
    proof = client.get(f"/api/v1/log/proof/inclusion?index={event.leaf_index}").get_json()
    assert base64.b64decode(proof["leaf_hash"]) == record.leaf_hash


def test_rollback_refuses_the_whole_document_when_one_event_was_captured_before(client, session, mill):
    first = object_event([yarn(mill["org"], "A1")])
    assert post(client, document(first), mill["auth"]).status_code == 202
    again = post(client, document(object_event([yarn(mill["org"], "A2")]), first), mill["auth"])
    assert again.status_code == 409
    problem = again.get_json()
    assert problem["errors"][0]["field"] == "epcisBody.eventList[1]"
    assert problem["errors"][0]["rule"] == "duplicate"
    assert events_stored(session) == 1


def test_the_same_event_spelt_with_an_epc_urn_is_a_duplicate_too(client, session, mill):
    org = mill["org"]
    gtin14 = _gtin(org, 1)
    as_link = object_event([item(gtin14, "U1")], time="2026-10-02T08:00:00.000+07:00")
    prefix = org.gs1_company_prefix
    as_urn = dict(as_link, epcList=[f"urn:epc:id:sgtin:{prefix}.0{gtin14[1 + len(prefix) : 13]}.U1"])
    assert post(client, document(as_link), mill["auth"]).status_code == 202
    assert post(client, document(as_urn), mill["auth"]).status_code == 409


def test_proceed_keeps_the_good_events_and_reports_each_refused_one(client, session, mill):
    first = object_event([yarn(mill["org"], "P1")])
    post(client, document(first), mill["auth"])
    bad = object_event([yarn(mill["org"], "P3")])
    bad["action"] = "TELEPORT"
    doc = document(object_event([yarn(mill["org"], "P2")]), first, bad)
    response = post(client, doc, mill["auth"], behaviour="proceed")
    assert response.status_code == 202
    job = response.get_json()
    assert job["success"] is False and job["capturedCount"] == 1 and job["eventCount"] == 3
    refused = {(e["event"], e["rule"]) for e in job["errors"]}
    assert (1, "duplicate") in refused
    assert any(e["event"] == 2 and e["field"].startswith("epcisBody.eventList[2]") for e in job["errors"])
    assert events_stored(session) == 2
    assert session.get(CaptureJob, int(job["captureID"])).state == "partial"


def test_an_invalid_document_is_a_400_naming_the_event_and_field_and_keeps_nothing(client, session, mill):
    bad = object_event([yarn(mill["org"], "V2")])
    bad["bizStep"] = "dancing"
    response = post(client, document(object_event([yarn(mill["org"], "V1")]), bad), mill["auth"])
    assert response.status_code == 400, response.get_json()
    problem = response.get_json()
    assert problem["type"] == "/problems/invalid-epcis-document"
    assert any(
        e["field"].startswith("epcisBody.eventList[1]") and "bizStep" in e["field"] for e in problem["errors"]
    )
    assert events_stored(session) == 0


def test_a_bad_error_behaviour_header_and_a_non_json_body_are_problems(client, mill):
    doc = document(object_event([yarn(mill["org"])]))
    wrong = post(client, doc, mill["auth"], behaviour="sometimes")
    assert (
        wrong.status_code == 422 and wrong.get_json()["errors"][0]["field"] == "GS1-Capture-Error-Behaviour"
    )
    garbage = client.post(CAPTURE, data=b"{not json", content_type=JSON_LD, headers=mill["auth"])
    assert garbage.status_code == 400 and garbage.get_json()["errors"][0]["rule"] == "json"


def test_options_advertises_the_capture_limits_and_a_larger_document_is_a_413(app, client, mill):
    options = client.options(CAPTURE)
    assert options.headers["GS1-EPCIS-Capture-Limit"] == str(app.config["EPCIS_CAPTURE_LIMIT"])
    assert int(options.headers["GS1-EPCIS-Capture-File-Size-Limit"]) > 0
    saved = app.config["EPCIS_CAPTURE_LIMIT"]
    app.config["EPCIS_CAPTURE_LIMIT"] = 2
    try:
        doc = document(*(object_event([yarn(mill["org"], f"L{i}")]) for i in range(3)))
        response = post(client, doc, mill["auth"])
    finally:
        app.config["EPCIS_CAPTURE_LIMIT"] = saved
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["field"] == "epcisBody.eventList"


def test_only_members_capture_for_an_organisation(client, session, mill):
    other = make_org(session, "enterprise")
    session.flush()
    doc = document(object_event([yarn(mill["org"])]))
    assert post(client, doc, {}).status_code == 401
    refused = post(client, doc, mill["auth"], organisation=other.tax_code)
    assert refused.status_code == 403
    certifier = make_user(session, make_org(session, "certifier"), "certifier")
    assert post(client, doc, bearer(make_token(session, certifier))).status_code == 403
    reader = bearer(make_token(session, mill["user"], scopes=["events:read"]))
    assert post(client, doc, reader).status_code == 403
    assert events_stored(session) == 0


def test_a_capture_job_is_private_to_its_organisation(client, session, mill):
    job_url = post(client, document(object_event([yarn(mill["org"])])), mill["auth"]).headers["Location"]
    stranger = make_user(session, make_org(session, "enterprise"), "enterprise")
    assert client.get(job_url, headers=bearer(make_token(session, stranger))).status_code == 404
    assert client.get(job_url).status_code == 404
