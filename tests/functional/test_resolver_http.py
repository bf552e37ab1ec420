"""The GS1 Digital Link resolver over HTTP: verdicts, link sets, redirects, problems, CORS and the page."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from labels.certification.workflow import transition_label
from labels.codes.lots import create_lot, issue_serials
from labels.traceability.capture import capture
from models import Serial
from tests.epcis_samples import document, object_event
from tests.helpers import (
    bearer,
    make_label,
    make_org,
    make_product,
    make_scheme,
    make_token,
    make_user,
    principal,
)

JSON = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
LINKSET = "application/linkset+json"
GS1 = "https://gs1.org/voc/"


@pytest.fixture
def world(session):
    certifier = make_org(session, "certifier")
    enterprise = make_org(session, "enterprise")
    applicant = make_user(session, enterprise, "enterprise")
    reviewer = make_user(session, certifier, "certifier")
    product = make_product(session, enterprise, published=True, name_en="LED bulb", brand="TB Light")
    label = make_label(session, applicant, make_scheme(session, certifier, "energy"), [product], reviewer)
    lot = create_lot(session, principal(applicant), product.gtin, "2611A")
    job = issue_serials(session, principal(applicant), lot.id, 1, "functional")
    serial = session.scalar(select(Serial).where(Serial.job_id == job.id))
    session.flush()
    return {
        "certifier": certifier,
        "enterprise": enterprise,
        "applicant": applicant,
        "reviewer": reviewer,
        "product": product,
        "label": label,
        "serial": serial,
        "gtin": product.gtin,
        "code": f"/01/{product.gtin}/10/2611A/21/{serial.serial}?{serial.claim}",
    }


def verdict(client, url):
    response = client.get(url, headers=JSON)
    assert response.mimetype == "application/json", response.data
    return response.get_json()


def test_a_bad_check_digit_is_a_400_problem_naming_the_rule(client):
    response = client.get("/01/09506000134353", headers=JSON)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["type"] == "/problems/bad-request"
    assert body["errors"][0]["rule"] == "check-digit" and body["errors"][0]["field"] == "01"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        ("/01/12345", "length"),
        ("/01/09506000134352/21/ABC/10/LOT", "qualifier-order"),
        ("/01/09506000134352/10/A%ZZ", "percent-encoding"),
        ("/01/09506000134352?10=LOT", "qualifier-in-query"),
    ],
)
def test_bad_syntax_is_a_400_problem(client, path, rule):
    response = client.get(path, headers=JSON)
    assert response.status_code == 400 and response.get_json()["errors"][0]["rule"] == rule


def test_a_browser_gets_an_html_400_page(client):
    response = client.get("/01/09506000134353", headers=BROWSER)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "check digit" in response.get_data(as_text=True)


def test_a_genuine_code_is_valid(client, world):
    body = verdict(client, world["code"])
    assert body["verdict"] == "valid" and body["genuine"] is True
    assert body["product"] == {
        "gtin": world["gtin"],
        "name_vi": world["product"].name_vi,
        "name_en": "LED bulb",
        "brand": "TB Light",
    }
    assert body["holder"] == {
        "name": world["enterprise"].legal_name,
        "tax_code": world["enterprise"].tax_code,
    }
    [label] = body["labels"]
    assert label["label_number"] == world["label"].label_number
    assert label["kind"] == "energy" and label["status"] == "active"
    assert label["url"].endswith(f"/catalogue/{world['label'].label_number}")
    assert label["valid_from"] and label["valid_until"]
    assert body["lot"]["lot_number"] == "2611A" and body["lot"]["known"] is True
    assert body["serial"] == {"serial": world["serial"].serial, "issued": True}
    assert body["links"]["linkset"].endswith("?linkType=linkset")
    assert body["message_vi"] and body["message_en"]


def test_the_gtin_alone_is_valid_without_a_claim(client, world):
    body = verdict(client, f"/01/{world['gtin']}")
    assert body["verdict"] == "valid" and body["genuine"] is None and body["serial"] is None
    gtin13 = world["gtin"][1:]
    assert verdict(client, f"/01/{gtin13}")["verdict"] == "valid"


def test_suspended_withdrawn_and_expired(client, session, world):
    reviewer, number = principal(world["reviewer"]), world["label"].label_number
    transition_label(session, reviewer, number, "suspend", "audit pending")
    session.flush()
    assert verdict(client, world["code"])["verdict"] == "suspended"
    transition_label(session, reviewer, number, "withdraw", "failed audit")
    session.flush()
    body = verdict(client, world["code"])
    assert body["verdict"] == "withdrawn" and body["labels"][0]["status"] == "withdrawn"


def test_expired(client, world):
    later = world["label"].valid_until + timedelta(days=1)
    # The clock of both the view and the scan lane in front of it.
    with (
        mock.patch("app.web.resolver.utcnow", return_value=later),
        mock.patch("app.scan_lane.utcnow", return_value=later),
    ):
        body = verdict(client, world["code"])
    assert body["verdict"] == "expired" and body["labels"][0]["status"] == "expired"


def test_a_serial_never_issued(client, world):
    body = verdict(client, f"/01/{world['gtin']}/10/2611A/21/NEVERISSUED1")
    assert body["verdict"] == "serial-not-issued"
    assert body["serial"] == {"serial": "NEVERISSUED1", "issued": False}
    assert [label["label_number"] for label in body["labels"]] == [world["label"].label_number]
    assert "never issued" in body["message_en"]


def test_not_registered(client, session, world):
    unknown = client.get("/01/09506000134352", headers=JSON)
    assert unknown.status_code == 404 and unknown.get_json()["verdict"] == "not-registered"
    assert unknown.get_json()["product"] is None
    bare = make_product(session, world["enterprise"], published=True)
    body = verdict(client, f"/01/{bare.gtin}")
    assert body["verdict"] == "not-registered" and body["product"]["gtin"] == bare.gtin
    assert "no eco-label" in body["message_en"]


def test_a_tampered_claim_is_forged(client, world):
    code = world["code"]
    position = len(code) - 20
    forged = code[:position] + ("B" if code[position] != "B" else "C") + code[position + 1 :]
    body = verdict(client, forged)
    assert body["verdict"] == "forged" and body["genuine"] is False


def test_the_linkset(client, world):
    for response in (
        client.get(f"/01/{world['gtin']}", headers={"Accept": LINKSET}),
        client.get(f"/01/{world['gtin']}?linkType=linkset"),
    ):
        assert response.status_code == 200 and response.mimetype == LINKSET
        [entry] = response.get_json()["linkset"]
        assert entry["anchor"] == f"http://localhost/01/{world['gtin']}"
        [certification] = entry[GS1 + "certificationInfo"]
        assert certification["href"] == f"http://localhost/catalogue/{world['label'].label_number}"
        assert certification["hreflang"] == ["vi", "en"] and certification["title"]
        assert entry[GS1 + "sustainabilityInfo"]
        assert entry[GS1 + "pip"][0]["href"] == entry["anchor"]
        assert entry[GS1 + "defaultLink"][0]["href"] == entry["anchor"]
        assert GS1 + "recyclingInfo" not in entry


def test_every_answer_links_to_the_linkset(client, world):
    expected = f"<http://localhost/01/{world['gtin']}/10/2611A/21/{world['serial'].serial}?linkType=linkset>"
    for headers in (JSON, BROWSER, {"Accept": LINKSET}):
        response = client.get(world["code"], headers=headers)
        assert response.headers["Link"] == f'{expected}; rel="linkset"; type="{LINKSET}"'
    redirect = client.get(f"{world['code']}&linkType=gs1:certificationInfo")
    assert redirect.headers["Link"].startswith(expected)


def test_link_type_redirects(client, session, world):
    gtin, number = world["gtin"], world["label"].label_number
    for link_type in (
        "gs1:certificationInfo",
        "gs1:sustainabilityInfo",
        "https://gs1.org/voc/certificationInfo",
    ):
        response = client.get(f"/01/{gtin}?linkType={link_type}")
        assert response.status_code == 307
        assert response.headers["Location"].endswith(f"/catalogue/{number}")
    pip = client.get(f"{world['code']}&linkType=gs1:pip")
    assert pip.status_code == 307
    assert pip.headers["Location"] == world["code"]
    none = client.get(f"/01/{gtin}?linkType=gs1:recyclingInfo", headers=JSON)
    assert none.status_code == 404 and none.mimetype == "application/problem+json"
    recycling = make_label(
        session,
        world["applicant"],
        make_scheme(session, world["certifier"], "recycling"),
        [world["product"]],
        world["reviewer"],
    )
    session.flush()
    response = client.get(f"/01/{gtin}?linkType=gs1:recyclingInfo")
    assert response.status_code == 307
    assert response.headers["Location"].endswith(f"/catalogue/{recycling.label_number}")
    [entry] = client.get(f"/01/{gtin}?linkType=linkset").get_json()["linkset"]
    assert [t["href"] for t in entry[GS1 + "recyclingInfo"]] == [
        f"http://localhost/catalogue/{recycling.label_number}"
    ]


def test_traceability_link_types_lead_to_the_journey_and_the_epcis_events(client, world):
    gtin = world["gtin"]
    journey = client.get(f"/01/{gtin}?linkType=gs1:traceability")
    assert journey.status_code == 307
    assert "/journey?id=" in journey.headers["Location"] and gtin in journey.headers["Location"]
    assert client.get(journey.headers["Location"]).status_code == 200
    events = client.get(f"/01/{gtin}?linkType=gs1:epcis")
    assert events.status_code == 307 and "/epcis/epcs/" in events.headers["Location"]
    answer = client.get(events.headers["Location"])
    assert answer.status_code == 200 and answer.get_json()["type"] == "EPCISQueryDocument"
    [entry] = client.get(f"/01/{gtin}?linkType=linkset").get_json()["linkset"]
    assert entry[GS1 + "traceability"][0]["href"] == journey.headers["Location"]
    assert entry[GS1 + "epcis"][0]["href"] == events.headers["Location"]


def test_the_epcis_link_of_an_item_leads_to_its_captured_events(client, session, world):
    serial = world["serial"].serial
    item = f"https://id.gs1.org/01/{world['gtin']}/21/{serial}"
    capture(session, principal(world["applicant"]), world["enterprise"], document(object_event([item])))
    world["enterprise"].events_public = True
    session.flush()
    link = client.get(f"/01/{world['gtin']}/10/2611A/21/{serial}?linkType=gs1:epcis")
    assert link.status_code == 307
    location = link.headers["Location"]
    assert "%25" not in location  # percent-encoded once, not twice
    events = client.get(location).get_json()["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
    assert [e["epcList"] for e in events] == [[item]]


def test_every_link_type_the_link_set_offers_redirects_even_for_a_suspended_label(client, session, world):
    transition_label(
        session, principal(world["reviewer"]), world["label"].label_number, "suspend", "kiểm tra lại"
    )
    session.flush()
    [entry] = client.get(f"/01/{world['gtin']}?linkType=linkset").get_json()["linkset"]
    offered = [relation.removeprefix(GS1) for relation in entry if relation.startswith(GS1)]
    assert "certificationInfo" in offered
    for name in offered:
        followed = client.get(f"/01/{world['gtin']}?linkType=gs1:{name}")
        assert followed.status_code == 307, name
        if name not in ("pip", "defaultLink"):  # those lead to the consumer page, not to the canonical URI
            assert urlsplit(followed.headers["Location"]).path == urlsplit(entry[GS1 + name][0]["href"]).path


def test_an_unknown_link_type_is_a_404_problem(client, world):
    response = client.get(f"/01/{world['gtin']}?linkType=gs1:nonsense", headers=JSON)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_cors_options_and_head(client, world):
    url = f"/01/{world['gtin']}"
    assert client.get(url, headers=JSON).headers["Access-Control-Allow-Origin"] == "*"
    options = client.options(
        url, headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "GET"}
    )
    assert options.status_code == 204
    assert set(options.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}
    assert options.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in options.headers["Access-Control-Allow-Methods"]
    head = client.head(url, headers=JSON)
    get = client.get(url, headers=JSON)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.headers["Link"] == get.headers["Link"]


def test_the_resolver_description(client):
    response = client.get("/.well-known/gs1resolver")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["resolverRoot"] == "http://localhost"
    assert body["supportedPrimaryKeys"] == ["01"]
    assert body["linkTypeDefaultCanBeLinkset"] is True
    assert "gs1:certificationInfo" in body["supportedLinkTypes"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_browser_gets_the_consumer_page_in_vietnamese(client, world):
    response = client.get(world["code"], headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert '<html lang="vi">' in html
    assert 'id="verdict"' in html and 'data-verdict="valid"' in html
    assert html.index('id="verdict"') < html.index('id="product"') < html.index('id="labels"')
    assert world["label"].label_number in html and f"/catalogue/{world['label'].label_number}" in html
    assert "<script" not in html
    english = client.get(f"{world['code']}&lang=en", headers=BROWSER).get_data(as_text=True)
    assert '<html lang="en">' in english and "Genuine and valid" in english


def test_the_page_says_plainly_that_a_serial_was_never_issued(client, world):
    response = client.get(f"/01/{world['gtin']}/21/NEVERISSUED1", headers=BROWSER)
    html = response.get_data(as_text=True)
    assert 'data-verdict="serial-not-issued"' in html
    assert "NEVERISSUED1" in html and world["label"].label_number in html


def test_an_unknown_product_page_is_a_404(client):
    response = client.get("/01/09506000134352", headers=BROWSER)
    assert response.status_code == 404 and 'data-verdict="not-registered"' in response.get_data(as_text=True)


# --- speed without staleness: one query a scan, the labels cached per state of the log ---------------


@pytest.fixture
def statements(connection):
    """The SQL statements run from now on (requests and the test share the test's connection)."""
    from sqlalchemy import event

    from labels.codes.resolver import labels_cache

    labels_cache.clear()
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    event.listen(connection, "before_cursor_execute", count)
    yield seen
    event.remove(connection, "before_cursor_execute", count)


def test_a_json_scan_only_reads_and_reads_little(client, world, statements):
    assert verdict(client, world["code"])["verdict"] == "valid"
    cold = [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]
    statements.clear()
    assert verdict(client, f"/01/{world['gtin']}/10/2611A/21/NEVERISSUED1")["verdict"] == "serial-not-issued"
    warm = [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]
    # The scan log's write comes after the answer, from its own session (in the tests, where
    # SCAN_FLUSH_SECONDS is 0; in production from a background thread); the scan itself only reads.
    logged = [s for s in cold + warm if s.startswith("INSERT INTO scans")]
    assert len(logged) == 2
    cold, warm = ([s for s in part if s not in logged] for part in (cold, warm))
    assert all(s.startswith("SELECT") for s in cold + warm), cold + warm
    # The product with its holder, lot, serial and the log's state; the labels; the claim's keys.
    assert len(cold) == 3, cold
    # The labels come from the cache while the log stays where it was.
    assert len(warm) == 1, warm


def test_a_suspension_through_the_api_shows_on_the_very_next_scan(client, session, world, statements):
    reviewer = bearer(make_token(session, world["reviewer"]))
    transitions = f"/api/v1/labels/{world['label'].label_number}/transitions"
    for _ in range(2):  # the second answer comes from the cache
        assert verdict(client, world["code"])["verdict"] == "valid"
    for action, expected in (("suspend", "suspended"), ("reinstate", "valid"), ("withdraw", "withdrawn")):
        response = client.post(
            transitions, json={"action": action, "reason": "market check"}, headers=reviewer
        )
        assert response.status_code == 200, response.get_json()
        body = verdict(client, world["code"])
        assert body["verdict"] == expected
        assert body["labels"][0]["status"] == ("active" if expected == "valid" else expected)
        assert verdict(client, f"/01/{world['gtin']}")["verdict"] == expected


def test_a_product_edit_shows_on_the_very_next_scan(client, session, world, statements):
    assert verdict(client, world["code"])["product"]["name_en"] == "LED bulb"
    holder = bearer(make_token(session, world["applicant"]))
    response = client.patch(f"/api/v1/products/{world['gtin']}", json={"name_en": "LED lamp"}, headers=holder)
    assert response.status_code == 200, response.get_json()
    assert verdict(client, world["code"])["product"]["name_en"] == "LED lamp"


@pytest.mark.parametrize(
    ("accept", "mimetype"),
    [
        ("application/json", "application/json"),
        ("application/json, text/html;q=0.1", "application/json"),
        ("text/html;q=0.5, application/json", "application/json"),
        ("application/json;q=0.5, text/html", "text/html"),
        (f"{LINKSET}, application/json;q=0.9", LINKSET),
        ("*/*", "text/html"),
    ],
)
def test_content_negotiation_whatever_the_accept_header_says(client, world, accept, mimetype):
    response = client.get(world["code"], headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == mimetype


def test_scans_are_logged_without_personal_data_and_follow_ups_are_not(client, session, world):
    from models import Scan

    gtin, serial = world["gtin"], world["serial"].serial
    client.get(world["code"], headers=JSON | {"Ecoreg-District": "bien-hoa"})
    client.get(f"/01/{gtin}/10/2611A/21/NEVER1", headers=BROWSER | {"User-Agent": "Phone/1.0"})
    client.get(f"/01/{gtin}/10/2611A/21/{serial}?linkType=gs1:pip", headers=JSON)  # navigation
    client.head(world["code"], headers=JSON)  # a link checker
    client.get("/01/09506000134352", headers=JSON | {"Ecoreg-District": "nowhere"})
    logged = session.scalars(select(Scan).order_by(Scan.id)).all()
    assert [(s.gtin, s.lot, s.serial, s.verdict, s.client_class, s.district) for s in logged] == [
        (gtin, "2611A", serial, "valid", "app", "bien-hoa"),
        (gtin, "2611A", "NEVER1", "serial-not-issued", "browser", None),
        ("09506000134352", None, None, "not-registered", "app", None),
    ]
