"""Named queries over HTTP: the reference query documents saved and run, refused with named parameters,
and private to the user who saved them."""

import json

import pytest

from tests.conformance.test_epcis_capture_vectors import SHARED_TESTDATA
from tests.epcis_samples import document, gtin, item, object_event
from tests.helpers import bearer, make_org, make_token, make_user

QUERIES = SHARED_TESTDATA / "epcis" / "queries"


@pytest.fixture
def two_users(session):
    org = make_org(session, "enterprise", events_public=True)
    owner, other = (
        make_user(session, org, "enterprise"),
        make_user(session, make_org(session, "retailer"), "retailer"),
    )
    session.flush()
    return {
        "org": org,
        "owner": bearer(make_token(session, owner)),
        "other": bearer(make_token(session, other)),
    }


def test_the_reference_query_document_is_saved_and_runs(client, two_users):
    query = json.loads((QUERIES / "SimpleEventQuery.json").read_text())
    saved = client.post(
        "/epcis/queries", json={"name": "shipping-2026", "query": query}, headers=two_users["owner"]
    )
    assert saved.status_code == 201, saved.get_json()
    assert saved.headers["Location"].endswith("/epcis/queries/shipping-2026")
    ran = client.get("/epcis/queries/shipping-2026/events", headers=two_users["owner"])
    assert ran.status_code == 200 and ran.get_json()["type"] == "EPCISQueryDocument"
    listed = client.get("/epcis/queries", headers=two_users["owner"]).get_json()["queries"]
    assert [q["name"] for q in listed] == ["shipping-2026"]


def test_a_saved_query_finds_events_and_pages(client, two_users):
    shirt = gtin(two_users["org"].gs1_company_prefix, 3)
    events = [object_event([item(shirt, f"S{i}")], biz_step="shipping", action="OBSERVE") for i in range(3)]
    captured = client.post(
        "/epcis/capture",
        data=json.dumps(document(*events)),
        content_type="application/json",
        headers=two_users["owner"],
    )
    assert captured.status_code == 202
    query = {"EQ_bizStep": ["shipping"], "orderBy": "eventTime", "orderDirection": "ASC"}
    client.post("/epcis/queries", json={"name": "shipped", "query": query}, headers=two_users["owner"])
    first = client.get("/epcis/queries/shipped/events?perPage=2", headers=two_users["owner"])
    assert len(first.get_json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]) == 2
    assert 'rel="next"' in first.headers["Link"]
    refused = client.get("/epcis/queries/shipped/events?EQ_bizStep=receiving", headers=two_users["owner"])
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["field"] == "EQ_bizStep"


@pytest.mark.parametrize("name", ["Query_with_invalid_values.json", "Query_with_unknown_parameter.json"])
def test_invalid_reference_query_documents_are_refused_naming_parameters(client, two_users, name):
    query = json.loads((QUERIES / "Invalid" / name).read_text())
    response = client.post("/epcis/queries", json={"name": "bad", "query": query}, headers=two_users["owner"])
    assert response.status_code == 400
    assert response.get_json()["type"] == "/problems/invalid-query"
    assert client.get("/epcis/queries/bad", headers=two_users["owner"]).status_code == 404


def test_names_are_unique_and_queries_private(client, two_users):
    body = {"name": "mine", "query": {"eventType": ["ObjectEvent"]}}
    assert client.post("/epcis/queries", json=body, headers=two_users["owner"]).status_code == 201
    assert client.post("/epcis/queries", json=body, headers=two_users["other"]).status_code == 409
    assert client.get("/epcis/queries/mine", headers=two_users["other"]).status_code == 404
    assert client.get("/epcis/queries/mine/events", headers=two_users["other"]).status_code == 404
    assert client.delete("/epcis/queries/mine", headers=two_users["other"]).status_code == 404
    assert client.get("/epcis/queries/mine").status_code == 401
    assert client.delete("/epcis/queries/mine", headers=two_users["owner"]).status_code == 204
    assert client.get("/epcis/queries/mine", headers=two_users["owner"]).status_code == 404


def test_a_bad_name_or_body_is_a_problem(client, two_users):
    bad = client.post("/epcis/queries", json={"name": "a b", "query": {}}, headers=two_users["owner"])
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "name"
    assert client.post("/epcis/queries", json=[1], headers=two_users["owner"]).status_code == 422
