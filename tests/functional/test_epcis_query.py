"""EPCIS queries over HTTP: each parameter, identifiers in either spelling, paging, 400s, and privacy."""

import json

import pytest

from tests.epcis_samples import (
    aggregation,
    document,
    gln,
    gtin,
    item,
    lot,
    object_event,
    sscc,
    transformation,
)
from tests.helpers import bearer, make_org, make_token, make_user

EVENTS = "/epcis/events"


@pytest.fixture
def world(client, session):
    """Two enterprises: a public textile mill and a private dye house, each with a few events."""
    mill = make_org(session, "enterprise", events_public=True)
    dyer = make_org(session, "enterprise")
    mill_user, dyer_user = make_user(session, mill, "enterprise"), make_user(session, dyer, "enterprise")
    session.flush()
    p = mill.gs1_company_prefix
    shirt, fabric = gtin(p, 3), gtin(p, 2)
    site, warehouse = gln(p, 11), gln(p, 12)
    carton = sscc(p, 501)
    events = [
        object_event(
            [item(shirt, "S1"), item(shirt, "S2")], location=site, time="2026-10-01T08:00:00.000+07:00"
        ),
        transformation(
            [lot(fabric, "F-9")], [item(shirt, "S1")], location=site, time="2026-10-01T09:00:00.000+07:00"
        ),
        aggregation(
            carton,
            [item(shirt, "S1"), item(shirt, "S2")],
            location=site,
            time="2026-10-02T08:00:00.000+07:00",
        ),
        object_event(
            [carton],
            biz_step="shipping",
            location=warehouse,
            action="OBSERVE",
            disposition="in_transit",
            time="2026-10-03T08:00:00.000+07:00",
        ),
    ]
    mill_auth = bearer(make_token(session, mill_user))
    captured = client.post(
        "/epcis/capture",
        data=json.dumps(document(*events)),
        content_type="application/json",
        headers=mill_auth,
    )
    assert captured.status_code == 202, captured.get_json()
    secret = object_event(
        [item(gtin(dyer.gs1_company_prefix, 1), "D1")], time="2026-10-04T08:00:00.000+07:00"
    )
    dyer_auth = bearer(make_token(session, dyer_user))
    assert (
        client.post(
            "/epcis/capture",
            data=json.dumps(document(secret)),
            content_type="application/json",
            headers=dyer_auth,
        ).status_code
        == 202
    )
    return {
        "shirt": shirt,
        "fabric": fabric,
        "site": site,
        "warehouse": warehouse,
        "carton": carton,
        "mill": mill,
        "mill_auth": mill_auth,
        "dyer_auth": dyer_auth,
        "dyer": dyer,
    }


def query(client, auth=None, **params):
    response = client.get(EVENTS, query_string=params, headers=auth or {})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["type"] == "EPCISQueryDocument"
    return body["epcisBody"]["queryResults"]["resultsBody"]["eventList"], response


def test_match_epc_finds_an_item_spelt_as_an_epc_urn(client, world):
    p = world["mill"].gs1_company_prefix
    urn = f"urn:epc:id:sgtin:{p}.0{world['shirt'][1 + len(p) : 13]}.S2"
    found, _ = query(client, MATCH_epc=urn)
    # The commissioning (epcList) and the packing (childEPCs) name S2.
    assert [e["type"] for e in found] == ["ObjectEvent", "AggregationEvent"]


def test_a_gtin_pattern_matches_every_serial_of_the_product(client, world):
    p = world["mill"].gs1_company_prefix
    pattern = f"urn:epc:idpat:sgtin:{p}.0{world['shirt'][1 + len(p) : 13]}.*"
    found, _ = query(client, MATCH_epc=pattern, eventType="ObjectEvent")
    assert len(found) == 1 and len(found[0]["epcList"]) == 2


def test_parent_input_output_and_class_matches(client, world):
    assert len(query(client, MATCH_parentID=world["carton"])[0]) == 1
    assert len(query(client, MATCH_anyEPC=world["carton"])[0]) == 2
    assert [e["type"] for e in query(client, MATCH_inputEPC=lot(world["fabric"], "F-9"))[0]] == []
    assert [e["type"] for e in query(client, MATCH_outputEPC=item(world["shirt"], "S1"))[0]] == [
        "TransformationEvent"
    ]
    classes = query(client, MATCH_inputEPCClass=lot(world["fabric"], "F-9"))[0]
    assert [e["type"] for e in classes] == ["TransformationEvent"]


def test_biz_step_disposition_and_location_match_in_any_spelling(client, world):
    bare, _ = query(client, EQ_bizStep="shipping")
    uri, _ = query(client, EQ_bizStep="https://ref.gs1.org/cbv/BizStep-shipping")
    assert len(bare) == len(uri) == 1
    assert len(query(client, EQ_disposition="in_transit")[0]) == 1
    warehouse_urn = f"https://id.gs1.org/414/{world['warehouse']}"
    assert len(query(client, EQ_bizLocation=warehouse_urn)[0]) == 1
    assert len(query(client, EQ_readPoint=warehouse_urn, EQ_bizStep="receiving")[0]) == 0


def test_event_time_bounds_and_event_type(client, world):
    found, _ = query(client, GE_eventTime="2026-10-01T08:30:00+07:00", LT_eventTime="2026-10-03T00:00:00Z")
    assert [e["type"] for e in found] == ["TransformationEvent", "AggregationEvent"]
    assert len(query(client, eventType="AggregationEvent,TransformationEvent")[0]) == 2


def test_eq_event_id_finds_an_event_by_its_hash_id(client, world):
    first, _ = query(client, perPage=1)
    event_id = first[0]["eventID"]
    assert event_id.startswith("ni:///sha-256;")
    again, _ = query(client, EQ_eventID=event_id)
    assert len(again) == 1 and again[0]["eventID"] == event_id


def test_paging_follows_next_page_tokens_to_the_end(client, world):
    seen, params = [], {"perPage": 3}
    while True:
        found, response = query(client, **params)
        seen += [e["eventID"] for e in found]
        link = response.headers.get("Link")
        if not link:
            break
        token = link.split("nextPageToken=")[1].split(">")[0]
        params = {"perPage": 3, "nextPageToken": token}
    assert len(seen) == len(set(seen)) == 4  # the mill's four public events; the dyer's is private


@pytest.mark.parametrize(
    ("params", "field", "rule"),
    [
        ({"MATCH_everything": "x"}, "MATCH_everything", "unknown-parameter"),
        ({"GE_eventTime": "yesterday"}, "GE_eventTime", "format"),
        ({"perPage": "0"}, "perPage", "range"),
        ({"eventType": "MagicEvent"}, "eventType", "enum"),
        ({"nextPageToken": "forged!"}, "nextPageToken", "token"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, world, params, field, rule):
    response = client.get(EVENTS, query_string=params)
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == "/problems/invalid-query"
    assert (problem["errors"][0]["field"], problem["errors"][0]["rule"]) == (field, rule)


def test_private_events_are_seen_only_by_their_organisation(client, session, world):
    dyer_item = item(gtin(world["dyer"].gs1_company_prefix, 1), "D1")
    assert query(client, MATCH_epc=dyer_item)[0] == []
    assert query(client, world["mill_auth"], MATCH_epc=dyer_item)[0] == []
    assert len(query(client, world["dyer_auth"], MATCH_epc=dyer_item)[0]) == 1
    world["dyer"].events_public = True
    session.flush()
    assert len(query(client, MATCH_epc=dyer_item)[0]) == 1


def test_events_of_one_epc_by_path_with_a_digital_link_or_urn(client, world):
    from urllib.parse import quote

    response = client.get(f"/epcis/epcs/{quote(world['carton'], safe='')}/events")
    assert response.status_code == 200, response.get_json()
    events = response.get_json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [e["type"] for e in events] == ["AggregationEvent", "ObjectEvent"]
    assert client.get(f"/epcis/epcs/{quote(world['carton'], safe='')}/events?bogus=1").status_code == 400


def test_order_by_event_time_descending_pages_through_everything_once(client, world):
    seen, params = [], {"perPage": 3, "orderBy": "eventTime", "orderDirection": "DESC"}
    while True:
        found, response = query(client, **params)
        seen += [e["eventTime"] for e in found]
        link = response.headers.get("Link")
        if not link:
            break
        params["nextPageToken"] = link.split("nextPageToken=")[1].split(">")[0]
    assert seen == sorted(seen, reverse=True) and len(seen) == 4


def test_event_count_limit_caps_the_results_across_pages(client, world):
    found, response = query(client, perPage=1, eventCountLimit=2)
    token = response.headers["Link"].split("nextPageToken=")[1].split(">")[0]
    second, response = query(client, perPage=1, eventCountLimit=2, nextPageToken=token)
    assert len(found) == len(second) == 1 and "Link" not in response.headers


def test_a_token_from_another_order_is_refused(client, world):
    _, response = query(client, perPage=1)
    token = response.headers["Link"].split("nextPageToken=")[1].split(">")[0]
    refused = client.get(EVENTS, query_string={"orderBy": "eventTime", "nextPageToken": token})
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["field"] == "nextPageToken"


def test_quantity_bounds_and_actions(client, world):
    # The transformation's input is 10 KGM of fabric (tests.epcis_samples.transformation).
    assert len(query(client, GE_quantity="10", LT_quantity="11")[0]) == 1
    assert len(query(client, GT_quantity="10")[0]) == 0
    assert len(query(client, EQ_action="OBSERVE")[0]) == 1
    refused = client.get(EVENTS, query_string={"EQ_action": "SHIPPED"})
    assert refused.status_code == 400 and refused.get_json()["errors"][0]["rule"] == "enum"
