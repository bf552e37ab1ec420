"""The demo's traceability chains, as a consumer and a supermarket meet them: queries and journeys."""

import pytest

from labels.demo.chains import GARMENT_PREFIX, SEAFOOD_PREFIX, SHIRT_SERIALS, sscc
from labels.demo.seed import seed
from labels.gs1.identifiers import make_gtin

SHIRT = make_gtin(GARMENT_PREFIX, 3)
FILLET = make_gtin(SEAFOOD_PREFIX, 1)


@pytest.fixture
def demo(session):
    seed(session)
    session.flush()


def events(client, **params):
    response = client.get("/epcis/events", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def steps(client, id_):
    response = client.get("/api/v1/trace", query_string={"id": id_})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["steps"]


def test_a_shirt_scanned_on_the_shelf_shows_yarn_to_supermarket(client, demo):
    journey = steps(client, f"http://127.0.0.1:8000/01/{SHIRT}/21/{SHIRT_SERIALS[0]}")
    words = [step["bizStepWord"] for step in journey]
    # spun, woven, sewn, packed into a carton, then a pallet, shipped, received, unpacked, shelved
    assert words == [
        "commissioning",
        "commissioning",
        "commissioning",
        "packing",
        "packing",
        "shipping",
        "receiving",
        "unpacking",
        "stocking",
    ]
    places = {step["organisation"]["name"] for step in journey}
    assert "Siêu thị Co.opmart Biên Hòa" in places and "Công ty TNHH Dệt may Biên Hòa Xanh" in places
    assert [s["relation"] for s in journey][:2] == ["upstream", "upstream"]


def test_frozen_fillets_trace_back_to_the_harvest_with_their_carbon_label(client, demo):
    journey = steps(client, FILLET)  # a product-level scan (the EAN-13 barcode) sees every lot's journey
    words = [step["bizStepWord"] for step in journey]
    assert words[:3] == ["commissioning", "receiving", "commissioning"]
    assert words[-2:] == ["receiving", "stocking"]
    processing = next(s for s in journey if s["eventType"] == "TransformationEvent")
    assert processing["certificationInfo"] and processing["certificationInfo"][0]["labelNumber"]


def test_demo_chains_answer_the_epcis_query_parameters(client, demo):
    pallet = sscc(GARMENT_PREFIX, 2610002)
    assert [e["bizStep"] for e in events(client, MATCH_epc=pallet)] == ["shipping", "receiving"]
    assert len(events(client, MATCH_parentID=pallet)) == 1
    assert len(events(client, MATCH_anyEPC=pallet)) == 3
    assert len(events(client, EQ_bizStep="stocking")) == 2
    assert len(events(client, eventType="TransformationEvent")) == 3
    assert len(events(client, MATCH_outputEPC=f"https://id.gs1.org/01/{SHIRT}/21/{SHIRT_SERIALS[1]}")) == 1
    fillets = f"urn:epc:class:lgtin:{SEAFOOD_PREFIX}.0{FILLET[9:13]}.PL261015A"
    assert len(events(client, MATCH_epcClass=fillets)) == 2  # packed in a carton, stocked on the shelf
    assert len(events(client, GE_eventTime="2026-10-16T00:00:00+07:00")) == 3
    assert len(events(client, EQ_disposition="in_transit")) == 2
