"""Every reference capture document through POST /epcis/capture: the valid ones captured whole (202, every
event stored, signed and logged), the invalid ones refused with a 400 problem naming event and field."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from labels.integrity.audit import audit
from models import EpcisEvent
from tests.conformance.test_epcis_capture_vectors import EXPECTED_ISSUES, SHARED_TESTDATA
from tests.helpers import bearer, make_org, make_token, make_user

VECTORS = SHARED_TESTDATA / "epcis"


def names(kind: str) -> list[str]:
    return sorted(path.name for path in (VECTORS / kind).glob("*.json"))


@pytest.fixture
def capturer(session):
    org = make_org(session, "enterprise")
    user = make_user(session, org, "enterprise")
    session.flush()
    return bearer(make_token(session, user))


def capture(client, auth, path):
    return client.post(
        "/epcis/capture", data=path.read_bytes(), content_type="application/ld+json", headers=auth
    )


@pytest.mark.parametrize("name", names("capture-valid"))
def test_every_valid_reference_document_is_captured_whole(client, session, capturer, name):
    document = json.loads((VECTORS / "capture-valid" / name).read_text())
    count = len(document["epcisBody"]["eventList"])
    response = capture(client, capturer, VECTORS / "capture-valid" / name)
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["capturedCount"] == count
    assert session.scalar(select(func.count()).select_from(EpcisEvent)) == count
    # What was stored re-verifies: receipts, hash IDs recomputed from the stored events, the index.
    report = audit(session)
    assert report.events == count and not [f for f in report.findings if f.table == "epcis_events"]


@pytest.mark.parametrize("name", names("capture-invalid"))
def test_every_invalid_reference_document_is_refused_naming_event_and_field(client, session, capturer, name):
    response = capture(client, capturer, VECTORS / "capture-invalid" / name)
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == "/problems/invalid-epcis-document"
    named = {(issue["field"], issue["rule"]) for issue in problem["errors"]}
    assert set(EXPECTED_ISSUES[name]) <= named
    assert session.scalar(select(func.count()).select_from(EpcisEvent)) == 0


def test_the_lists_of_vectors_are_complete():
    assert len(names("capture-valid")) == 38 and len(names("capture-invalid")) == 15
    assert set(EXPECTED_ISSUES) == set(names("capture-invalid"))
