"""The EPCIS Event Hash ID: the same event spelt differently meets on one ID, a changed event does not."""

from __future__ import annotations

import copy
import re

import pytest

from labels.traceability.canonical_links import gs1_canonical_uri
from labels.traceability.event_hash import (
    EventHashError,
    document_hash_ids,
    event_hash_id,
    hash_id,
    prehash,
)

CONTEXT = [
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    {"example": "https://ns.example.com/epcis/"},
]


def shipping_event() -> dict:
    return {
        "type": "ObjectEvent",
        "eventTime": "2024-05-06T09:30:00.250+07:00",
        "eventTimeZoneOffset": "+07:00",
        "epcList": ["urn:epc:id:sgtin:8934567.012345.A%2F1", "urn:epc:id:sgtin:8934567.012345.B2"],
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "readPoint": {"id": "urn:epc:id:sgln:8934567.00001.0", "example:dock": "3"},
        "bizTransactionList": [
            {"type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:8934567000017:PO-1"},
            {"type": "desadv", "bizTransaction": "urn:epcglobal:cbv:bt:8934567000017:ASN-7"},
        ],
        "quantityList": [
            {"epcClass": "urn:epc:class:lgtin:8934567.012345.LOT9", "quantity": 12.0, "uom": "KGM"}
        ],
        "example:truck": {"example:plate": "60C-123.45", "example:axles": 3},
    }


def the_id(event: dict) -> str:
    return event_hash_id(event, CONTEXT)


def test_the_id_is_an_ni_uri_of_the_prehash():
    event = shipping_event()

    assert re.fullmatch(r"ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0", the_id(event))
    assert the_id(event) == hash_id(prehash(event, CONTEXT))
    assert event_hash_id(event, CONTEXT, algorithm="sha-512").startswith("ni:///sha-512;")


def test_epc_urns_and_digital_links_of_the_same_things_hash_alike():
    urns = shipping_event()
    links = shipping_event()
    links["epcList"] = [
        # Another host, a GTIN-13, a lot beside the serial and a query: all dropped by the canonical form.
        "https://scan.example.vn/01/8934567123457/10/LOT9/21/A%2F1?linkType=gs1:pip",
        "http://id.gs1.org/01/08934567123457/21/B2",
    ]
    links["quantityList"][0]["epcClass"] = "https://id.gs1.org/01/08934567123457/10/LOT9"
    links["readPoint"]["id"] = "https://example.com/414/8934567000017"

    assert prehash(urns, CONTEXT) == prehash(links, CONTEXT)
    assert "epc=https://id.gs1.org/01/08934567123457/21/A%2F1" in prehash(urns, CONTEXT)


def test_the_order_of_fields_and_list_entries_does_not_matter():
    event = shipping_event()
    shuffled = {key: event[key] for key in reversed(list(event))}
    shuffled["epcList"] = list(reversed(event["epcList"]))
    shuffled["bizTransactionList"] = [
        {"bizTransaction": entry["bizTransaction"], "type": entry["type"]}
        for entry in reversed(event["bizTransactionList"])
    ]
    shuffled["readPoint"] = {"example:dock": "3", "id": event["readPoint"]["id"]}

    assert the_id(shuffled) == the_id(event)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("eventTime", "2024-05-06T09:30:00.251+07:00"),  # one millisecond later
        ("epcList", ["urn:epc:id:sgtin:8934567.012345.A%2F1"]),  # one item fewer
        ("bizStep", "receiving"),
        ("readPoint", {"id": "urn:epc:id:sgln:8934567.00001.0", "example:dock": "4"}),
        ("example:truck", {"example:plate": "60C-123.46", "example:axles": 3}),
        ("sourceList", [{"type": "owning_party", "source": "urn:epc:id:pgln:8934567.00001"}]),
    ],
)
def test_a_changed_field_changes_the_id(field, value):
    changed = shipping_event()
    changed[field] = value

    assert the_id(changed) != the_id(shipping_event())


def test_fields_outside_the_event_itself_do_not_change_the_id():
    annotated = shipping_event()
    annotated["recordTime"] = "2024-05-06T10:00:00Z"
    annotated["eventID"] = "urn:uuid:7b1f6f3e-5d1c-4bd1-9a5e-2f6c1f4a9c10"
    annotated["rdfs:comment"] = "captured from the packing line"
    annotated["errorDeclaration"] = {"declarationTime": "2024-05-07T00:00:00Z", "reason": "incorrect_data"}

    assert the_id(annotated) == the_id(shipping_event())


@pytest.mark.parametrize(
    ("written", "prehash_time"),
    [
        ("2024-05-06T09:30:00.250+07:00", "2024-05-06T02:30:00.250Z"),
        ("2024-05-06T02:30:00.25Z", "2024-05-06T02:30:00.250Z"),
        ("2024-05-05T20:30:00-06:00", "2024-05-06T02:30:00.000Z"),
        ("2023-02-02T11:04:03.1415Z", "2023-02-02T11:04:03.142Z"),  # the 4th decimal rounds half up
        ("2023-02-02T11:04:03.1425Z", "2023-02-02T11:04:03.143Z"),  # half up, not to even
        ("2023-02-02T11:04:03.1414999Z", "2023-02-02T11:04:03.141Z"),
        ("2023-12-31T23:59:59.9996Z", "2024-01-01T00:00:00.000Z"),  # rounding carries into the next year
    ],
)
def test_times_are_utc_milliseconds(written, prehash_time):
    event = {**shipping_event(), "eventTime": written}

    assert prehash(event, CONTEXT).startswith(
        f"eventType=ObjectEventeventTime={prehash_time}eventTimeZoneOffset"
    )


@pytest.mark.parametrize("written", ["2024-05-06T09:30:00", "06/05/2024 09:30", "2024-02-30T00:00:00Z"])
def test_a_time_without_offset_or_calendar_date_is_refused(written):
    with pytest.raises(EventHashError):
        prehash({**shipping_event(), "eventTime": written})


@pytest.mark.parametrize(
    "spelling",
    [
        "shipping",
        "urn:epcglobal:cbv:bizstep:shipping",
        "cbv:BizStep-shipping",
        "https://ref.gs1.org/cbv/BizStep-shipping",
    ],
)
def test_every_spelling_of_a_cbv_value_hashes_alike(spelling):
    assert the_id({**shipping_event(), "bizStep": spelling}) == the_id(shipping_event())


@pytest.mark.parametrize(
    ("value", "written"), [(12, "12"), ("12.000", "12"), ("+12", "12"), (1e-7, "0.0000001")]
)
def test_numbers_lose_trailing_zeros_but_no_digits(value, written):
    event = shipping_event()
    event["quantityList"][0]["quantity"] = value
    event["example:sscc"] = "040123451111111127"  # 18 digits: a float would change the last one

    text = prehash(event, CONTEXT)

    assert f"quantity={written}uom=KGM" in text
    assert "{https://ns.example.com/epcis/}sscc=40123451111111127" in text


def test_extensions_are_named_by_namespace_not_by_prefix():
    event = shipping_event()
    other = copy.deepcopy(event)
    other["readPoint"] = {"id": event["readPoint"]["id"], "ex:dock": "3"}
    other["ex:truck"] = {"ex:plate": "60C-123.45", "ex:axles": 3}
    del other["example:truck"]

    assert event_hash_id(other, [{"ex": "https://ns.example.com/epcis/"}]) == the_id(event)
    # and an extension stays inside the object that holds it, after that object's standard fields
    assert "readPointid=https://id.gs1.org/414/8934567000017{https://ns.example.com/epcis/}dock=3" in prehash(
        event, CONTEXT
    )


def test_a_documents_own_prefix_wins_over_the_built_in_one():
    event = {**shipping_event(), "gs1:grade": "A"}

    assert "{https://example.org/gs1/}grade=A" in prehash(event, [{"gs1": "https://example.org/gs1/"}])


def test_documents_and_query_documents_give_their_events_ids_minus_ignored_fields():
    event = shipping_event()
    stamped = {**event, "repo:hash": "ni:///sha-256;00?ver=CBV2.0", "repo:captureID": "c-1"}
    context = [*CONTEXT, {"repo": "https://repository.example.org/"}]
    capture = {
        "@context": context,
        "type": "EPCISDocument",
        "repo:ignoreFields": ["repo:hash", "repo:captureID"],
        "epcisBody": {"eventList": [stamped, event]},
    }
    query = {
        "@context": context,
        "type": "EPCISQueryDocument",
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "repo:ignoreFields": ["repo:hash", "repo:captureID"],
                "resultsBody": {"eventList": [stamped]},
            }
        },
    }

    assert list(document_hash_ids(capture)) == [the_id(event), the_id(event)]
    assert list(document_hash_ids(query)) == [the_id(event)]


@pytest.mark.parametrize(
    ("identifier", "canonical"),
    [
        ("urn:epc:id:sscc:8934567.0000000011", "https://id.gs1.org/00/089345670000000116"),
        ("urn:epc:id:sgln:8934567.00001.12", "https://id.gs1.org/414/8934567000017/254/12"),
        ("urn:epc:idpat:sgtin:8934567.012345.*", "https://id.gs1.org/01/08934567123457"),
        ("urn:epc:id:giai:8934567.TANK(7)", "https://id.gs1.org/8004/8934567TANK%287%29"),
        (
            "https://id.example.com/01/08934567123457/22/V2/10/LOT9",
            "https://id.gs1.org/01/08934567123457/10/LOT9",
        ),
        ("https://example.com/gtin/8934567123457/ser/B2", "https://id.gs1.org/01/08934567123457/21/B2"),
        ("https://example.com/about/us", None),
        ("urn:epc:id:sgtin:8934567.012345.*", None),  # a pattern is no serialised item
        ("urn:epc:id:gid:95100000.12345.400", None),  # no GS1 key: hashed as written
    ],
)
def test_gs1_identifiers_meet_on_the_constrained_canonical_digital_link(identifier, canonical):
    assert gs1_canonical_uri(identifier) == canonical


def test_an_event_without_a_type_has_no_id():
    event = shipping_event()
    del event["type"]

    with pytest.raises(EventHashError):
        the_id(event)
