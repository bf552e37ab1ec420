"""EPCIS 2.0 capture validation against the openepcis reference capture documents.

The vectors (openepcis/openepcis-test-resources, ``.../2.0/EPCIS/JSON/Capture/``) are read in place
from ``../shared/testdata/epcis``; ``SOURCES.md`` there describes them. Every valid document must
be accepted without a single issue; every invalid one must be refused, naming the field its file
name is about. The schema the module ships must be the official file, byte for byte.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from labels.errors import InvalidInput
from labels.traceability.validation import SCHEMA_FILE, validate_capture_document

# tests/conftest.py's SHARED_TESTDATA, found again here so that the file list needed for
# parametrising does not depend on how pytest was started (``pytest`` or ``python -m pytest``).
SHARED_TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "testdata"
EPCIS = "epcis"
EVENTS = "epcisBody.eventList"

# What each invalid document must be refused for: (field, rule) pairs, all of which must be named.
EXPECTED_ISSUES = {
    "Combination_of_events_with_missing_mandatory_fields.json": [
        (f"{EVENTS}[0].action", "required"),
        (f"{EVENTS}[1].eventTimeZoneOffset", "required"),
        (f"{EVENTS}[1].action", "required"),
    ],
    "Combination_of_multiple_invalid_fields.json": [
        (f"{EVENTS}[0].bizStep", "enum"),
        (f"{EVENTS}[1].disposition", "enum"),
        (f"{EVENTS}[2].sourceList[0].type", "enum"),
        (f"{EVENTS}[3].ilmd.materialType", "namespace"),
        (f"{EVENTS}[4].eventTime", "format"),
        (f"{EVENTS}[4].action", "enum"),
    ],
    "Combination_of_non_standard_bizStep_and_disposition.json": [
        (f"{EVENTS}[0].bizStep", "enum"),
        (f"{EVENTS}[1].disposition", "enum"),
    ],
    "EPCISDocument_without_context.json": [("@context", "required")],
    "ObjectEvent_with_ilmd_field_without_namespace.json": [(f"{EVENTS}[0].ilmd.materialType", "namespace")],
    "ObjectEvent_with_invalid_action.json": [(f"{EVENTS}[0].action", "enum")],
    "ObjectEvent_with_invalid_certificationInfo.json": [
        (f"{EVENTS}[0].certificationInfo[0]", "type"),
        (f"{EVENTS}[0].certificationInfo[1]", "type"),
    ],
    "ObjectEvent_with_invalid_eventTime_format.json": [(f"{EVENTS}[0].eventTime", "format")],
    "ObjectEvent_with_non_standard_bizStep.json": [(f"{EVENTS}[0].bizStep", "enum")],
    "ObjectEvent_with_non_standard_bizStep_in_second_event.json": [(f"{EVENTS}[1].bizStep", "enum")],
    "ObjectEvent_with_non_standard_disposition.json": [(f"{EVENTS}[0].disposition", "enum")],
    "ObjectEvent_with_quantity_as_text.json": [(f"{EVENTS}[0].quantityList[0].quantity", "type")],
    "ObjectEvent_with_unknown_field_in_quantityList.json": [
        (f"{EVENTS}[0].quantityList[0].weight", "additionalProperties")
    ],
    "ObjectEvent_without_action_and_eventTime.json": [
        (f"{EVENTS}[0].action", "required"),
        (f"{EVENTS}[0].eventTime", "required"),
    ],
    # An ObjectEvent needs an epcList, a quantityList or sensor data with a readPoint.
    "ObjectEvent_without_identifier_list.json": [(f"{EVENTS}[0].epcList", "required")],
}


def vector_names(kind: str) -> list[str]:
    """File names of every capture document of one kind (``capture-valid``, ``capture-invalid``)."""
    return sorted(path.name for path in (SHARED_TESTDATA / EPCIS / kind).glob("*.json"))


def load(shared_testdata, kind: str, name: str) -> dict:
    return json.loads((shared_testdata / EPCIS / kind / name).read_text(encoding="utf-8"))


def refusal(doc: dict) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        validate_capture_document(doc)
    return refused.value


def test_the_shipped_schema_is_the_official_one(shared_testdata):
    shipped = (resources.files("labels.traceability") / "epcis_schema" / SCHEMA_FILE).read_bytes()
    assert shipped == (shared_testdata / EPCIS / "schema" / SCHEMA_FILE).read_bytes()


def test_all_vectors_are_present():
    assert len(vector_names("capture-valid")) == 38
    assert sorted(EXPECTED_ISSUES) == vector_names("capture-invalid")


@pytest.mark.parametrize("name", vector_names("capture-valid"))
def test_valid_capture_document_is_accepted(shared_testdata, name):
    validate_capture_document(load(shared_testdata, "capture-valid", name))


@pytest.mark.parametrize("name", vector_names("capture-invalid"))
def test_invalid_capture_document_is_refused_naming_the_field(shared_testdata, name):
    issues = refusal(load(shared_testdata, "capture-invalid", name)).issues

    named = {(issue.field, issue.rule) for issue in issues}
    assert set(EXPECTED_ISSUES[name]) <= named, issues


@pytest.mark.parametrize("name", vector_names("capture-invalid"))
def test_refusal_messages_are_sentences_not_schema_dumps(shared_testdata, name):
    for issue in refusal(load(shared_testdata, "capture-invalid", name)).issues:
        assert len(issue.message) < 300, issue
        assert "anyOf" not in issue.message
        assert "{" not in issue.message, issue
