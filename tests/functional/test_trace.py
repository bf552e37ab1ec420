"""The journey of an item: its own events, its containers, upstream inputs recursively, downstream,
cycle-safe and depth-limited, over HTTP and on the consumer's page."""

import json

import pytest

from tests.epcis_samples import (
    aggregation,
    document,
    gln,
    gtin,
    item,
    lot,
    lot_event,
    object_event,
    sscc,
    transformation,
)
from tests.helpers import bearer, make_org, make_token, make_user

TRACE = "/api/v1/trace"


def capture(client, auth, *events):
    response = client.post(
        "/epcis/capture", data=json.dumps(document(*events)), content_type="application/json", headers=auth
    )
    assert response.status_code == 202, response.get_json()


@pytest.fixture
def garment_chain(client, session):
    """Cotton yarn -> fabric -> shirt -> carton -> pallet -> supermarket, by a spinner, a weaver-and-sewer
    (public) and a retailer; the spinner keeps its events private."""
    spinner = make_org(session, "enterprise")
    factory = make_org(session, "enterprise", events_public=True)
    shop = make_org(session, "retailer", events_public=True)
    users = {
        name: make_user(session, org, "retailer" if org is shop else "enterprise")
        for name, org in (("spinner", spinner), ("factory", factory), ("shop", shop))
    }
    session.flush()
    auth = {name: bearer(make_token(session, user)) for name, user in users.items()}
    p, s = factory.gs1_company_prefix, spinner.gs1_company_prefix
    ids = {
        "yarn": lot(gtin(s, 1), "Y-26"),
        "fabric": lot(gtin(p, 2), "F-26"),
        "shirt": item(gtin(p, 3), "SHIRT1"),
        "other_shirt": item(gtin(p, 3), "SHIRT2"),
        "carton": sscc(p, 1),
        "pallet": sscc(p, 2),
        "scarf": lot(gtin(p, 4), "SC-1"),
    }
    mill, plant, store = gln(s, 1), gln(p, 1), gln(p, 9)
    capture(
        client, auth["spinner"], lot_event([ids["yarn"]], location=mill, time="2026-10-04T08:00:00.000+07:00")
    )
    capture(
        client,
        auth["factory"],
        transformation([ids["yarn"]], [ids["fabric"]], location=plant, time="2026-10-05T08:00:00.000+07:00"),
        transformation(
            [ids["fabric"]],
            [ids["shirt"], ids["other_shirt"]],
            location=plant,
            time="2026-10-06T08:00:00.000+07:00",
            certificationInfo="https://registry.example/catalogue/DN-GRN-2026-000001",
        ),
        transformation([ids["fabric"]], [ids["scarf"]], location=plant, time="2026-10-06T09:00:00.000+07:00"),
        aggregation(
            ids["carton"],
            [ids["shirt"], ids["other_shirt"]],
            location=plant,
            time="2026-10-07T08:00:00.000+07:00",
        ),
        aggregation(ids["pallet"], [ids["carton"]], location=plant, time="2026-10-07T09:00:00.000+07:00"),
        object_event(
            [ids["pallet"]],
            biz_step="shipping",
            action="OBSERVE",
            location=plant,
            time="2026-10-08T08:00:00.000+07:00",
        ),
    )
    capture(
        client,
        auth["shop"],
        object_event(
            [ids["pallet"]],
            biz_step="receiving",
            action="OBSERVE",
            location=store,
            time="2026-10-09T08:00:00.000+07:00",
        ),
    )
    return ids | {"auth": auth, "spinner": spinner.tax_code}


def journey(client, id_, auth=None, **params):
    response = client.get(TRACE, query_string={"id": id_, **params}, headers=auth or {})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def words(result):
    return [(step["relation"], step["bizStepWord"], step["eventType"]) for step in result["steps"]]


def test_a_shirts_journey_runs_from_fabric_to_the_supermarket_shelf(client, garment_chain):
    result = journey(client, garment_chain["shirt"])
    relations = {step["relation"] for step in result["steps"]}
    assert relations == {"self", "upstream", "container"}
    times = [step["eventTime"] for step in result["steps"]]
    assert times == sorted(times)
    made = next(
        s for s in result["steps"] if s["relation"] == "self" and s["eventType"] == "TransformationEvent"
    )
    assert made["certificationInfo"][0]["labelNumber"] == "DN-GRN-2026-000001"
    received = result["steps"][-1]
    assert received["bizStepWord"] == "receiving" and received["relation"] == "container"
    # Yarn -> fabric is upstream; the scarf, made from the same fabric, is a sibling, not on the journey.
    assert any(
        s["relation"] == "upstream" and garment_chain["yarn"].split("/01/")[1] in " ".join(s["inputs"])
        for s in result["steps"]
    )
    assert not any("SC-1" in json.dumps(step["outputs"]) for step in result["steps"])


def test_private_upstream_events_appear_only_to_their_owner(client, garment_chain):
    public = journey(client, garment_chain["shirt"])
    assert not any(step["organisation"]["taxCode"] == garment_chain["spinner"] for step in public["steps"])
    owner = journey(client, garment_chain["shirt"], garment_chain["auth"]["spinner"])
    assert len(owner["steps"]) == len(public["steps"]) + 1
    assert [
        s["bizStepWord"] for s in owner["steps"] if s["organisation"]["taxCode"] == garment_chain["spinner"]
    ] == ["commissioning"]


def test_downstream_from_the_fabric_reaches_both_products(client, garment_chain):
    result = journey(client, garment_chain["fabric"])
    outputs = " ".join(o for step in result["steps"] if step["relation"] == "self" for o in step["outputs"])
    assert "SHIRT1" in outputs and "SC-1" in outputs


def test_the_same_item_named_as_an_epc_urn_has_the_same_journey(client, session, garment_chain):
    from labels.gs1.epc import digital_link_to_epc_urn

    urn = digital_link_to_epc_urn(garment_chain["shirt"])
    assert words(journey(client, urn)) == words(journey(client, garment_chain["shirt"]))


def test_a_cycle_in_the_data_ends_and_the_depth_limit_says_it_cut(client, session):
    org = make_org(session, "enterprise", events_public=True)
    user = make_user(session, org, "enterprise")
    session.flush()
    auth = bearer(make_token(session, user))
    chain = [lot(gtin(org.gs1_company_prefix, 7), f"L{i}") for i in range(12)]
    steps = [
        transformation([chain[i]], [chain[i + 1]], time=f"2026-10-01T{i:02d}:00:00.000+07:00")
        for i in range(11)
    ]
    steps.append(transformation([chain[11]], [chain[0]], time="2026-10-01T12:00:00.000+07:00"))  # a loop
    capture(client, auth, *steps)
    whole = journey(client, chain[5])
    assert len(whole["steps"]) == 12 and whole["truncated"] is False
    near = journey(client, chain[5], depth=2)
    assert near["truncated"] is True and len(near["steps"]) < 12


def test_a_walk_stops_at_its_event_cap_even_on_the_first_level(client, session, monkeypatch):
    from labels.traceability import journeys

    org = make_org(session, "enterprise", events_public=True)
    user = make_user(session, org, "enterprise")
    session.flush()
    auth = bearer(make_token(session, user))
    product = gtin(org.gs1_company_prefix, 8)
    steps = [
        transformation(
            [lot(product, f"IN{i}")], [lot(product, f"OUT{i}")], time=f"2026-10-02T{i:02d}:00:00.000+07:00"
        )
        for i in range(6)
    ]
    capture(client, auth, *steps)
    start = f"https://id.gs1.org/01/{product}"  # the product: every lot's events at once
    assert len(journey(client, start)["steps"]) == 6
    monkeypatch.setattr(journeys, "MAX_EVENTS", 4)
    capped = journey(client, start)
    assert capped["truncated"] is True and len(capped["steps"]) == 4


def test_bad_ids_and_depths_are_problems(client):
    bad = client.get(TRACE, query_string={"id": "https://id.gs1.org/01/12345678901234"})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "id"
    assert client.get(TRACE, query_string={"id": "x", "depth": 0}).status_code == 422
    assert client.get(TRACE).status_code == 422


def test_the_consumer_page_shows_the_journey_as_a_timeline(client, garment_chain):
    page = client.get(
        "/journey", query_string={"id": garment_chain["shirt"]}, headers={"Accept": "text/html"}
    )
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="timeline-step') == len(journey(client, garment_chain["shirt"])["steps"])
    assert "DN-GRN-2026-000001" in html
    assert client.get("/journey", query_string={"id": "nonsense"}).status_code == 400
