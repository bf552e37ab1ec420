"""Schemathesis against /api/openapi.json: no input it can invent makes the API answer 5xx, or
answer anything its own OpenAPI document does not describe (status, content type, body schema).

Runs in-process over WSGI on the test database, with a bounded number of examples per operation,
once anonymously and once with an administrator's token so the authenticated paths are reached.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers import bearer, make_org, make_product, make_token, make_user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(app, connection):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.fixture
def admin_headers(session):
    enterprise = make_org(session)
    make_product(session, enterprise, published=True)
    return bearer(make_token(session, make_user(session, make_org(session, "authority"), "admin")))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_anonymous_calls_never_break_the_contract(case):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_administrator_calls_never_break_the_contract(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)
