"""Every API refusal is an RFC 9457 problem document naming the field and the rule."""

import pytest

from tests.helpers import bearer, make_org, make_token, make_user

PROBLEM = "application/problem+json"


def assert_problem(response, status, type_name):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["type"] == f"/problems/{type_name}"
    assert body["status"] == status
    assert body["title"]
    assert body["instance"] == response.request.path
    return body


@pytest.fixture
def admin_token(session):
    authority = make_org(session, "authority")
    return make_token(session, make_user(session, authority, "admin"))


def test_malformed_json_is_a_400_naming_the_body(client, admin_token):
    response = client.post(
        "/api/v1/organisations",
        data="{not json",
        headers=bearer(admin_token),
        content_type="application/json",
    )
    body = assert_problem(response, 400, "bad-request")
    assert body["errors"][0]["rule"] == "json-syntax"


def test_missing_token_is_a_401_with_a_bearer_challenge(client):
    response = client.post("/api/v1/organisations", json={})
    assert_problem(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_garbage_token_is_a_401(client):
    assert_problem(client.get("/api/v1/tokens", headers=bearer("nope")), 401, "unauthenticated")
    assert_problem(
        client.get("/api/v1/tokens", headers={"Authorization": "Basic abc"}), 401, "unauthenticated"
    )


def test_forbidden_is_a_403(client, session):
    enterprise = make_org(session)
    token = make_token(session, make_user(session, enterprise, "enterprise"))
    payload = {"kind": "retailer", "legal_name": "Siêu thị", "tax_code": "0300588569"}
    assert_problem(
        client.post("/api/v1/organisations", json=payload, headers=bearer(token)), 403, "forbidden"
    )


def test_unknown_things_are_404(client):
    assert_problem(client.get("/api/v1/organisations/999999"), 404, "not-found")
    assert_problem(client.get("/api/v1/no-such-thing"), 404, "not-found")


def test_wrong_method_is_a_405_with_allow(client):
    response = client.delete("/api/v1/organisations")
    assert_problem(response, 405, "method-not-allowed")
    assert "GET" in response.headers["Allow"]


def test_duplicate_tax_code_is_a_409_naming_the_field(client, session, admin_token):
    existing = make_org(session, "retailer")
    payload = {"kind": "retailer", "legal_name": "Bản sao", "tax_code": existing.tax_code}
    body = assert_problem(
        client.post("/api/v1/organisations", json=payload, headers=bearer(admin_token)), 409, "conflict"
    )
    assert body["errors"] == [
        {"field": "tax_code", "rule": "unique", "message": body["detail"], "location": "json"}
    ]


def test_oversized_body_is_a_413(app, client, admin_token):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/api/v1/organisations",
        data=b"x" * (limit + 1),
        headers=bearer(admin_token),
        content_type="application/json",
    )
    body = assert_problem(response, 413, "payload-too-large")
    assert body["errors"][0]["rule"] == "max-size"


def test_schema_violations_are_a_422_listing_every_field_and_rule(client, admin_token):
    payload = {"kind": "bank", "legal_name": "", "unexpected": 1}
    body = assert_problem(
        client.post("/api/v1/organisations", json=payload, headers=bearer(admin_token)), 422, "invalid-input"
    )
    rules = {(e["field"], e["rule"]) for e in body["errors"]}
    assert ("kind", "one-of") in rules
    assert ("legal_name", "length") in rules
    assert ("tax_code", "required") in rules
    assert ("unexpected", "unknown-field") in rules
    assert all(e["location"] == "json" for e in body["errors"])


def test_domain_rules_are_a_422_naming_the_rule(client, admin_token):
    payload = {"kind": "retailer", "legal_name": "Siêu thị", "tax_code": "0300588568"}
    body = assert_problem(
        client.post("/api/v1/organisations", json=payload, headers=bearer(admin_token)), 422, "invalid-input"
    )
    assert body["errors"][0]["field"] == "tax_code"
    assert body["errors"][0]["rule"] == "check-digit"


def test_bad_query_parameters_are_a_422_naming_the_parameter(client):
    body = assert_problem(client.get("/api/v1/products?per_page=100000"), 422, "invalid-input")
    assert body["errors"][0] == {
        "field": "per_page",
        "location": "query",
        "rule": "range",
        "message": body["errors"][0]["message"],
    }


def test_too_many_logins_are_a_429(client, rate_limits):
    rate_limits(LOGIN_RATE_LIMIT="2 per minute")
    form = {"email": "x@example.vn", "password": "wrong password"}
    statuses = [
        client.post("/login", data=form, headers={"Accept": "application/json"}).status_code for _ in range(3)
    ]
    assert statuses == [401, 401, 429]


def test_anonymous_api_calls_are_rate_limited_but_tokens_are_not(client, admin_token, rate_limits):
    rate_limits(API_ANONYMOUS_RATE_LIMIT="2 per minute")
    anonymous = [client.get("/api/v1/organisations").status_code for _ in range(3)]
    with_token = [
        client.get("/api/v1/organisations", headers=bearer(admin_token)).status_code for _ in range(3)
    ]
    limited = client.get("/api/v1/organisations")
    assert anonymous == [200, 200, 429]
    assert with_token == [200, 200, 200]
    assert_problem(limited, 429, "rate-limited")
    assert "Retry-After" in limited.headers


def test_browsers_get_an_html_error_page(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "404" in response.get_data(as_text=True)


def test_every_problem_type_has_a_page(client):
    assert client.get("/problems/conflict", headers={"Accept": "text/html"}).status_code == 200


def test_nul_characters_are_refused_before_they_reach_the_database(client, admin_token):
    body = assert_problem(client.get("/api/v1/products?q=a%00b"), 422, "invalid-input")
    assert body["errors"][0]["field"] == "q" and body["errors"][0]["rule"] == "no-nul"
    payload = {"kind": "retailer", "legal_name": "Siêu\x00thị", "tax_code": "0300588569"}
    response = client.post("/api/v1/organisations", json=payload, headers=bearer(admin_token))
    body = assert_problem(response, 422, "invalid-input")
    assert body["errors"][0]["field"] == "legal_name"


def test_a_bad_token_does_not_escape_the_anonymous_rate_limit(client, rate_limits):
    rate_limits(API_ANONYMOUS_RATE_LIMIT="2 per minute")
    statuses = [client.get("/api/v1/organisations", headers=bearer("forged")).status_code for _ in range(3)]
    assert statuses == [401, 401, 429]
