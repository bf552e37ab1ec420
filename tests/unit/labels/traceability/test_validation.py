"""EPCIS 2.0 capture validation: what the issues say, and the registry's few leniencies.

The official vectors are exercised by ``tests/conformance/test_epcis_capture_vectors.py``; these
documents are built here so that each test shows the one thing it is about.
"""

from __future__ import annotations

import copy

import pytest

from labels.errors import FieldIssue, InvalidInput
from labels.traceability.validation import (
    MAX_ISSUES,
    validate_capture_document,
    validate_envelope,
    validate_event,
)

EVENT_ID = "urn:uuid:6f0b3e8e-5d2a-4c55-9b6e-6a1f2d9c1e01"


def object_event(**fields) -> dict:
    event = {
        "type": "ObjectEvent",
        "eventTime": "2026-07-22T06:45:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "epcList": ["https://id.gs1.org/01/09521141012345/21/2017"],
        "bizStep": "shipping",
    }
    event.update(fields)
    return {name: value for name, value in event.items() if value is not None}


def document(*events) -> dict:
    return {
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-07-22T10:30:00Z",
        "epcisBody": {"eventList": list(events)},
    }


def issues_of(doc) -> list[FieldIssue]:
    with pytest.raises(InvalidInput) as refused:
        validate_capture_document(doc)
    return refused.value.issues


def only_issue(doc) -> FieldIssue:
    issues = issues_of(doc)
    assert len(issues) == 1, issues
    return issues[0]


def test_a_valid_document_passes():
    assert validate_capture_document(document(object_event(), object_event(action="ADD"))) is None


def test_an_empty_event_list_is_valid_as_the_schema_sets_no_minimum():
    validate_capture_document(document())


def test_a_non_standard_bizstep_names_the_event_the_field_and_the_value():
    issue = only_issue(document(object_event(), object_event(bizStep="transforming", eventID=EVENT_ID)))

    assert issue.field == "epcisBody.eventList[1].bizStep"
    assert issue.rule == "enum"
    assert issue.message.startswith(f"Event 1 (eventID {EVENT_ID}): 'transforming' is not a standard CBV")
    assert "must be a URI" in issue.message


def test_a_standard_bizstep_written_as_a_cbv_uri_asks_for_the_bare_word():
    issue = only_issue(document(object_event(bizStep="urn:epcglobal:cbv:bizstep:shipping")))

    assert (issue.field, issue.rule) == ("epcisBody.eventList[0].bizStep", "pattern")
    assert "'shipping'" in issue.message


def test_a_bizstep_of_ones_own_is_a_uri():
    validate_capture_document(document(object_event(bizStep="https://example.com/bizstep/grading")))


def test_a_missing_field_is_named_by_its_own_path():
    issue = only_issue(document(object_event(action=None)))

    assert (issue.field, issue.rule) == ("epcisBody.eventList[0].action", "required")
    assert issue.message == "Event 0: 'action' is required but missing."


def test_an_object_event_without_objects_is_one_issue_listing_the_alternatives():
    issue = only_issue(document(object_event(epcList=None)))

    assert (issue.field, issue.rule) == ("epcisBody.eventList[0].epcList", "required")
    assert "'quantityList'" in issue.message
    assert "'sensorElementList' and 'readPoint'" in issue.message


def test_an_unknown_action_is_reported_once():
    issue = only_issue(document(object_event(action="CREATE")))

    assert (issue.field, issue.rule) == ("epcisBody.eventList[0].action", "enum")
    assert "'CREATE'" in issue.message


def test_an_ilmd_field_needs_a_namespace():
    issue = only_issue(document(object_event(action="ADD", ilmd={"materialType": "soil"})))

    assert (issue.field, issue.rule) == ("epcisBody.eventList[0].ilmd.materialType", "namespace")
    validate_capture_document(document(object_event(action="ADD", ilmd={"example:materialType": "soil"})))


def test_ilmd_is_only_for_action_add():
    issue = only_issue(document(object_event(ilmd={"example:materialType": "soil"})))

    assert (issue.field, issue.rule) == ("epcisBody.eventList[0].ilmd", "not")
    assert "ADD" in issue.message


def test_a_field_of_another_event_type_is_named_as_such():
    issue = only_issue(document(object_event(childEPCs=[])))

    assert (issue.field, issue.rule) == ("epcisBody.eventList[0].childEPCs", "additionalProperties")
    assert issue.message == "Event 0: 'childEPCs' is not a field of an ObjectEvent."


def test_an_unknown_field_in_a_closed_object():
    quantity = {"epcClass": "https://id.gs1.org/01/09521141012345", "weight": 5}
    issue = only_issue(document(object_event(quantityList=[quantity])))

    assert (issue.field, issue.rule) == (
        "epcisBody.eventList[0].quantityList[0].weight",
        "additionalProperties",
    )


def test_a_bad_date_time_and_a_bad_type():
    quantity = {"epcClass": "https://id.gs1.org/01/09521141012345", "quantity": "twenty"}
    issues = issues_of(document(object_event(eventTime="22-07-2026", quantityList=[quantity])))

    assert [(issue.field, issue.rule) for issue in issues] == [
        ("epcisBody.eventList[0].eventTime", "format"),
        ("epcisBody.eventList[0].quantityList[0].quantity", "type"),
    ]
    assert "RFC 3339" in issues[0].message
    assert issues[1].message == "Event 0: Must be a number, not the string 'twenty'."


def test_an_odd_property_name_is_quoted_in_the_path():
    issue = only_issue(document(object_event(action="ADD", ilmd={"lot number": "A1"})))

    assert issue.field == "epcisBody.eventList[0].ilmd['lot number']"


def test_document_problems_come_first_then_each_events():
    doc = document(object_event(action=None), object_event(bizStep="transforming"))
    del doc["@context"]

    assert [issue.field for issue in issues_of(doc)] == [
        "@context",
        "epcisBody.eventList[0].action",
        "epcisBody.eventList[1].bizStep",
    ]


def test_a_capture_document_must_be_an_epcis_document():
    doc = document()
    doc["type"] = "EPCISQueryDocument"

    assert (only_issue(doc).field, only_issue(doc).rule) == ("type", "enum")


def test_a_document_that_is_not_an_object():
    issue = only_issue(["not", "a", "document"])

    assert (issue.field, issue.rule) == ("$", "type")


def test_an_event_that_is_not_an_object():
    assert validate_event("ObjectEvent", 2) == [
        FieldIssue(
            "epcisBody.eventList[2]", "type", "Event 2: Must be an object, not the string 'ObjectEvent'."
        )
    ]
    issue = only_issue(document(object_event(), None))
    assert (issue.field, issue.rule) == ("epcisBody.eventList[1]", "type")


def test_validate_event_keeps_good_events_apart_from_bad_ones():
    events = [object_event(), object_event(disposition="in_transport"), object_event()]

    results = [validate_event(event, index) for index, event in enumerate(events)]

    assert [len(issues) for issues in results] == [0, 1, 0]
    assert results[1][0].field == "epcisBody.eventList[1].disposition"


def test_validate_envelope_leaves_the_events_out():
    doc = document(object_event(action=None))
    doc["creationDate"] = "yesterday"

    assert [(issue.field, issue.rule) for issue in validate_envelope(doc)] == [("creationDate", "format")]
    assert validate_envelope(document(object_event(action=None))) == []


def test_the_number_of_issues_is_capped():
    bad = object_event(action="CREATE")
    with pytest.raises(InvalidInput) as refused:
        validate_capture_document(document(*[copy.deepcopy(bad) for _ in range(MAX_ISSUES + 10)]))

    assert len(refused.value.issues) == MAX_ISSUES
    assert f"more than {MAX_ISSUES} problems" in refused.value.detail


def test_messages_stay_short_for_large_values():
    issue = only_issue(document(object_event(bizStep="x" * 5000, eventID="urn:uuid:" + "9" * 5000)))

    assert len(issue.message) < 600


# --- the registry's leniencies beyond the official schema (see _with_errata) -------------------


def aggregation_event(**fields) -> dict:
    event = {
        "type": "AggregationEvent",
        "eventTime": "2026-07-22T06:45:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "ADD",
        "parentID": "urn:epc:id:sscc:0614141.1234567890",
        "childEPCs": ["urn:epc:id:sgtin:0614141.107346.2017"],
    }
    return event | fields


def test_persistent_disposition_is_accepted_in_an_aggregation_event_as_the_xsd_allows():
    validate_capture_document(
        document(aggregation_event(persistentDisposition={"set": ["completeness_verified"]}))
    )


def test_persistent_disposition_is_still_refused_in_a_transaction_event():
    event = {
        "type": "TransactionEvent",
        "eventTime": "2026-07-22T06:45:00+07:00",
        "eventTimeZoneOffset": "+07:00",
        "action": "ADD",
        "bizTransactionList": [{"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:8935000000001:PO1"}],
        "epcList": ["urn:epc:id:sgtin:0614141.107346.2017"],
        "persistentDisposition": {"set": ["completeness_verified"]},
    }
    issue = only_issue(document(event))

    assert (issue.field, issue.rule) == (
        "epcisBody.eventList[0].persistentDisposition",
        "additionalProperties",
    )


def sensor_event(*reports) -> dict:
    return object_event(sensorElementList=[{"sensorReport": list(reports)}])


def test_an_alarm_only_sensor_report_needs_no_measurement_type():
    validate_capture_document(document(sensor_event({"exception": "ALARM_CONDITION", "booleanValue": True})))


def test_a_sensor_report_needs_a_measurement_type_or_an_exception():
    issue = only_issue(document(sensor_event({"value": 26.1, "uom": "CEL"})))

    assert (issue.field, issue.rule) == (
        "epcisBody.eventList[0].sensorElementList[0].sensorReport[0].type",
        "required",
    )
    assert issue.message.endswith("Needs 'type' or 'exception'.")


def test_only_the_listed_extra_measurement_types_are_accepted_as_bare_words():
    validate_capture_document(
        document(sensor_event({"type": "Molar_concentration", "value": 0.18, "uom": "C35"}))
    )
    issue = only_issue(document(sensor_event({"type": "Wetness", "value": 1})))

    assert (issue.field, issue.rule) == (
        "epcisBody.eventList[0].sensorElementList[0].sensorReport[0].type",
        "enum",
    )
