"""Applications over HTTP: drafts, every transition allowed and refused, who may act, criteria
results and overrides, issuing, evidence and criteria versions."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from openpyxl import Workbook

from models import Organisation, Product, Scheme, User, utcnow
from tests.helpers import (
    CRITERIA,
    bearer,
    evidence_dir,
    good_claims,
    make_application,
    make_org,
    make_product,
    make_scheme,
    make_token,
    make_user,
)

# The workflow as the issue states it, written out here rather than read from the code under test.
STATES = ("draft", "submitted", "under_review", "changes_requested", "approved", "rejected", "issued")
ACTIONS = ("submit", "start_review", "request_changes", "approve", "reject", "issue")
ALLOWED = {
    ("draft", "submit"): "submitted",
    ("changes_requested", "submit"): "submitted",
    ("submitted", "start_review"): "under_review",
    ("under_review", "request_changes"): "changes_requested",
    ("under_review", "approve"): "approved",
    ("submitted", "reject"): "rejected",
    ("under_review", "reject"): "rejected",
    ("approved", "issue"): "issued",
}
APPLICANT_ACTIONS = {"submit"}


@pytest.fixture(autouse=True)
def evidence_store(app, tmp_path):
    with evidence_dir(app, tmp_path / "evidence") as path:
        yield path


@dataclass
class Parties:
    certifier_org: Organisation
    enterprise: Organisation
    other_enterprise: Organisation
    scheme: Scheme
    product: Product
    applicant: User
    reviewer: User
    tokens: dict[str, str]


@pytest.fixture
def p(session) -> Parties:
    certifier_org = make_org(session, "certifier")
    other_body = make_org(session, "certifier")
    authority = make_org(session, "authority")
    enterprise = make_org(session, "enterprise")
    other_enterprise = make_org(session, "enterprise")
    users = {
        "applicant": make_user(session, enterprise, "enterprise"),
        "colleague": make_user(session, enterprise, "enterprise"),
        "outsider": make_user(session, other_enterprise, "enterprise"),
        "reviewer": make_user(session, certifier_org, "certifier"),
        "other_certifier": make_user(session, other_body, "certifier"),
        "admin": make_user(session, authority, "admin"),
    }
    tokens = {role: make_token(session, user) for role, user in users.items()}
    tokens["reviewer_read_only"] = make_token(session, users["reviewer"], ["applications:read"])
    return Parties(
        certifier_org=certifier_org,
        enterprise=enterprise,
        other_enterprise=other_enterprise,
        scheme=make_scheme(session, certifier_org, "energy", validity_months=24),
        product=make_product(session, enterprise, published=True),
        applicant=users["applicant"],
        reviewer=users["reviewer"],
        tokens=tokens,
    )


def as_(p: Parties, role: str) -> dict:
    return bearer(p.tokens[role])


def start(client, p: Parties, claims=None, gtins=None, role="applicant"):
    body = {
        "applicant_id": p.enterprise.id,
        "scheme": p.scheme.code,
        "gtins": [p.product.gtin] if gtins is None else gtins,
        "claims": good_claims("energy") if claims is None else claims,
    }
    return client.post("/api/v1/applications", json=body, headers=as_(p, role))


def act(client, p: Parties, application_id: int, action: str, role=None, **extra):
    role = role or ("applicant" if action in APPLICANT_ACTIONS else "reviewer")
    return client.post(
        f"/api/v1/applications/{application_id}/transitions",
        json={"action": action} | extra,
        headers=as_(p, role),
    )


def get(client, p: Parties, application_id: int, role="applicant"):
    return client.get(f"/api/v1/applications/{application_id}", headers=as_(p, role))


def at_state(session, p: Parties, state: str, claims=None):
    return make_application(
        session, p.applicant, p.scheme, [p.product], claims, until=state, reviewer=p.reviewer
    )


def assert_problem(response, status: int, name: str):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert body["type"] == f"/problems/{name}"
    return body


def vietnam_year() -> int:
    return (utcnow() + timedelta(hours=7)).year


# --- drafts --------------------------------------------------------------------------------------


def test_an_enterprise_starts_a_draft_with_some_claims_still_missing(client, p):
    response = start(client, p, claims={"label_type": "comparative", "stars": 3})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["state"], body["kind"], body["scheme"], body["criteria_version"]) == (
        "draft",
        "energy",
        p.scheme.code,
        1,
    )
    assert (body["applicant_id"], body["gtins"], body["renews"], body["label_number"]) == (
        p.enterprise.id,
        [p.product.gtin],
        None,
        None,
    )
    assert [(r["code"], r["passed"]) for r in body["criteria_results"]] == [("E-01", None), ("E-02", None)]
    assert get(client, p, body["id"]).get_json()["claims"]["stars"] == 3


@pytest.mark.parametrize(
    ("claims", "field", "rule"),
    [
        ({"annual_energy_kwh": -1}, "claims.annual_energy_kwh", "range"),
        ({"label_type": "comparative", "stars": 9}, "claims.stars", "range"),
        ({"test_standard": "IEC 60335"}, "claims.test_standard", "tcvn"),
        ({"colour": "green"}, "claims.colour", "unknown-field"),
    ],
)
def test_even_a_draft_refuses_bad_claims_naming_the_field(client, session, p, claims, field, rule):
    response = start(client, p, claims=claims)
    body = assert_problem(response, 422, "invalid-input")
    assert [(e["field"], e["rule"]) for e in body["errors"]] == [(field, rule)]


def test_a_product_of_another_enterprise_is_refused(client, session, p):
    foreign = make_product(session, p.other_enterprise, published=True)
    body = assert_problem(start(client, p, gtins=[foreign.gtin]), 422, "invalid-input")
    assert [(e["field"], e["rule"]) for e in body["errors"]] == [("gtins.0", "own-product")]


def test_a_product_outside_the_schemes_product_groups_is_refused(client, session, p):
    scheme = make_scheme(session, p.certifier_org, "energy", product_groups=["Điều hòa"])
    fridge = make_product(session, p.enterprise, product_group="Tủ lạnh")
    body = {"applicant_id": p.enterprise.id, "scheme": scheme.code, "gtins": [fridge.gtin], "claims": {}}
    response = client.post("/api/v1/applications", json=body, headers=as_(p, "applicant"))
    assert [(e["field"], e["rule"]) for e in assert_problem(response, 422, "invalid-input")["errors"]] == [
        ("gtins.0", "product-group")
    ]


def test_only_members_of_the_enterprise_apply_for_it(client, p):
    for role in ("outsider", "reviewer", "admin"):
        assert_problem(start(client, p, role=role), 403, "forbidden")
    assert client.post("/api/v1/applications", json={}).status_code == 401


def test_submitting_checks_every_claim_and_names_what_is_missing(client, p):
    draft = start(client, p, claims={"label_type": "comparative", "stars": 3}).get_json()
    body = assert_problem(act(client, p, draft["id"], "submit"), 422, "invalid-input")
    missing = {(e["field"], e["rule"]) for e in body["errors"]}
    assert missing == {
        ("claims.annual_energy_kwh", "required"),
        ("claims.test_standard", "required"),
        ("claims.test_laboratory", "required"),
    }
    assert get(client, p, draft["id"]).get_json()["state"] == "draft"

    patched = client.patch(
        f"/api/v1/applications/{draft['id']}",
        json={"claims": good_claims("energy")},
        headers=as_(p, "applicant"),
    )
    assert patched.status_code == 200
    assert act(client, p, draft["id"], "submit").get_json()["state"] == "submitted"


def test_an_application_without_products_is_not_submitted(client, p):
    draft = start(client, p).get_json()
    response = client.patch(
        f"/api/v1/applications/{draft['id']}", json={"gtins": []}, headers=as_(p, "applicant")
    )
    assert response.get_json()["gtins"] == []
    body = assert_problem(act(client, p, draft["id"], "submit"), 422, "invalid-input")
    assert [(e["field"], e["rule"]) for e in body["errors"]] == [("gtins", "min-length")]


# --- the path and every transition ---------------------------------------------------------------


def test_the_whole_path_from_draft_to_label_over_http(client, p):
    application_id = start(client, p).get_json()["id"]
    for action, state in [
        ("submit", "submitted"),
        ("start_review", "under_review"),
        ("approve", "approved"),
        ("issue", "issued"),
    ]:
        response = act(client, p, application_id, action)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["state"] == state
    body = response.get_json()
    trail = [(e["action"], e["from_state"], e["to_state"], e["actor_user_id"]) for e in body["events"]]
    assert trail == [
        ("submit", "draft", "submitted", p.applicant.id),
        ("start_review", "submitted", "under_review", p.reviewer.id),
        ("approve", "under_review", "approved", p.reviewer.id),
        ("issue", "approved", "issued", p.reviewer.id),
    ]
    label = client.get(f"/api/v1/labels/{body['label_number']}").get_json()
    assert label["status"] == "active"
    assert label["criteria_version"] == body["criteria_version"]


@pytest.mark.parametrize(("state", "action"), sorted(ALLOWED))
def test_each_allowed_transition_moves_the_application(client, session, p, state, action):
    application = at_state(session, p, state)
    response = act(client, p, application.id, action, reason="the reason")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["state"] == ALLOWED[(state, action)]
    last = body["events"][-1]
    assert (last["action"], last["from_state"], last["to_state"]) == (action, state, ALLOWED[(state, action)])
    assert get(client, p, application.id).get_json()["state"] == ALLOWED[(state, action)]


REFUSED = [
    (state, action)
    for state in STATES
    for action in ACTIONS
    if (state, action) not in ALLOWED and not (state == "draft" and action not in APPLICANT_ACTIONS)
]


@pytest.mark.parametrize(("state", "action"), REFUSED)
def test_each_illegal_transition_is_a_conflict_naming_the_current_state(client, session, p, state, action):
    application = at_state(session, p, state)
    before = len(application.events)
    body = assert_problem(act(client, p, application.id, action, reason="the reason"), 409, "conflict")
    assert body["errors"][0]["field"] == "state"
    assert body["errors"][0]["rule"] == "transition"
    assert f"'{state}'" in body["detail"]
    after = get(client, p, application.id).get_json()
    assert (after["state"], len(after["events"])) == (state, before)


def test_a_certifier_cannot_even_see_a_draft(client, session, p):
    draft = at_state(session, p, "draft")
    for role in ("reviewer", "admin", "other_certifier", "outsider"):
        assert_problem(get(client, p, draft.id, role), 404, "not-found")
        for action in ACTIONS:
            assert_problem(act(client, p, draft.id, action, role=role, reason="x"), 404, "not-found")
        patched = client.patch(f"/api/v1/applications/{draft.id}", json={"claims": {}}, headers=as_(p, role))
        assert_problem(patched, 404, "not-found")
        listed = client.get("/api/v1/applications?per_page=200", headers=as_(p, role)).get_json()
        assert draft.id not in [a["id"] for a in listed["items"]]
    assert get(client, p, draft.id, "colleague").status_code == 200
    act(client, p, draft.id, "submit")
    assert get(client, p, draft.id, "reviewer").get_json()["state"] == "submitted"
    assert get(client, p, draft.id, "admin").status_code == 200


@pytest.mark.parametrize(
    ("state", "action"),
    [("under_review", "request_changes"), ("submitted", "reject"), ("under_review", "reject")],
)
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_sending_back_and_rejecting_need_a_reason(client, session, p, state, action, reason):
    application = at_state(session, p, state)
    extra = {} if reason is None else {"reason": reason}
    body = assert_problem(act(client, p, application.id, action, **extra), 422, "invalid-input")
    assert [(e["field"], e["rule"]) for e in body["errors"]] == [("reason", "required")]
    assert get(client, p, application.id).get_json()["state"] == state


def test_changes_requested_goes_back_to_the_applicant_and_is_submitted_again(client, session, p):
    application = at_state(session, p, "under_review")
    sent_back = act(client, p, application.id, "request_changes", reason="test report is unsigned").get_json()
    assert (sent_back["state"], sent_back["events"][-1]["reason"]) == (
        "changes_requested",
        "test report is unsigned",
    )
    claims = good_claims("energy") | {"test_laboratory": "QUATEST 1"}
    assert_problem(
        client.patch(
            f"/api/v1/applications/{application.id}", json={"claims": claims}, headers=as_(p, "reviewer")
        ),
        403,
        "forbidden",
    )
    edited = client.patch(
        f"/api/v1/applications/{application.id}", json={"claims": claims}, headers=as_(p, "applicant")
    )
    assert edited.get_json()["claims"]["test_laboratory"] == "QUATEST 1"
    assert_problem(act(client, p, application.id, "submit", role="reviewer"), 403, "forbidden")
    resubmitted = act(client, p, application.id, "submit").get_json()
    assert resubmitted["state"] == "submitted"
    assert [e["action"] for e in resubmitted["events"]] == [
        "submit",
        "start_review",
        "request_changes",
        "submit",
    ]
    body = assert_problem(
        client.patch(
            f"/api/v1/applications/{application.id}", json={"claims": {}}, headers=as_(p, "applicant")
        ),
        409,
        "conflict",
    )
    assert "'submitted'" in body["detail"]


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("submitted", "start_review"),
        ("under_review", "approve"),
        ("under_review", "reject"),
        ("approved", "issue"),
    ],
)
def test_the_applicant_does_not_decide(client, session, p, state, action):
    application = at_state(session, p, state)
    assert_problem(act(client, p, application.id, action, role="applicant", reason="x"), 403, "forbidden")
    assert get(client, p, application.id).get_json()["state"] == state


@pytest.mark.parametrize("state", ["submitted", "under_review", "approved"])
def test_certifiers_of_another_body_neither_see_nor_decide(client, session, p, state):
    # Applications are private to the applicant and the scheme's own certification body: another
    # body's certifier is told "not found", so it does not even learn that the application exists.
    application = at_state(session, p, state)
    assert_problem(get(client, p, application.id, "other_certifier"), 404, "not-found")
    for action in ("start_review", "approve", "reject", "issue"):
        response = act(client, p, application.id, action, role="other_certifier", reason="x")
        assert_problem(response, 404, "not-found")
    assert get(client, p, application.id).get_json()["state"] == state


def test_a_token_without_the_labels_write_scope_cannot_decide(client, session, p):
    application = at_state(session, p, "submitted")
    assert get(client, p, application.id, "reviewer_read_only").status_code == 200
    assert_problem(
        act(client, p, application.id, "start_review", role="reviewer_read_only"), 403, "forbidden"
    )
    anonymous = client.post(
        f"/api/v1/applications/{application.id}/transitions", json={"action": "start_review"}
    )
    assert_problem(anonymous, 401, "unauthenticated")
    assert get(client, p, application.id).get_json()["state"] == "submitted"


def test_an_unknown_action_is_refused(client, session, p):
    application = at_state(session, p, "submitted")
    body = assert_problem(act(client, p, application.id, "fast_track"), 422, "invalid-input")
    assert [(e["field"], e["rule"]) for e in body["errors"]] == [("action", "one-of")]


# --- criteria results and overrides --------------------------------------------------------------


def test_numeric_criteria_are_checked_automatically(client, session, p):
    def results(claims, state="submitted"):
        application = at_state(session, p, state, claims)
        return {
            r["code"]: r for r in get(client, p, application.id, "applicant").get_json()["criteria_results"]
        }

    passing = results(good_claims("energy") | {"annual_energy_kwh": 1500})
    failing = results(good_claims("energy") | {"annual_energy_kwh": 1500.5})
    undecided = results({"label_type": "endorsement"}, "draft")
    assert (passing["E-01"]["passed"], passing["E-01"]["value"], passing["E-01"]["threshold"]) == (
        True,
        1500,
        1500,
    )
    assert (passing["E-01"]["comparator"], passing["E-01"]["unit"]) == ("<=", "kWh/year")
    assert (failing["E-01"]["passed"], failing["E-01"]["value"]) == (False, 1500.5)
    assert (undecided["E-01"]["passed"], undecided["E-01"]["value"]) == (None, None)
    assert (passing["E-02"]["passed"], undecided["E-02"]["passed"]) == (True, None)


@pytest.mark.parametrize(
    "claims",
    [
        good_claims("energy") | {"annual_energy_kwh": 2000},  # a numeric criterion fails
        good_claims("energy") | {"criteria": []},  # a mandatory yes/no criterion is not declared
        good_claims("energy") | {"criteria": [{"code": "E-02", "passed": False}]},
    ],
)
def test_approving_with_a_failing_mandatory_criterion_needs_a_recorded_override(client, session, p, claims):
    application = at_state(session, p, "under_review", claims)
    for extra in ({}, {"override_reason": "   "}):
        body = assert_problem(act(client, p, application.id, "approve", **extra), 422, "invalid-input")
        assert [(e["field"], e["rule"]) for e in body["errors"]] == [
            ("override_reason", "required-for-failing-criteria")
        ]
        assert get(client, p, application.id).get_json()["state"] == "under_review"
    reason = "lab retest scheduled; the board accepts the margin"
    approved = act(client, p, application.id, "approve", override_reason=reason)
    assert approved.status_code == 200, approved.get_json()
    assert (approved.get_json()["state"], approved.get_json()["override_reason"]) == ("approved", reason)
    assert get(client, p, application.id, "reviewer").get_json()["override_reason"] == reason


def test_a_failing_optional_criterion_does_not_need_an_override(client, session, p):
    green = make_scheme(session, p.certifier_org, "green")
    claims = good_claims("green")
    claims["criteria"][2]["passed"] = False  # G-03 is optional
    application = make_application(
        session, p.applicant, green, [p.product], claims, until="under_review", reviewer=p.reviewer
    )
    results = {r["code"]: r["passed"] for r in get(client, p, application.id).get_json()["criteria_results"]}
    assert results == {"G-01": True, "G-02": True, "G-03": False}
    approved = act(client, p, application.id, "approve").get_json()
    assert (approved["state"], approved["override_reason"]) == ("approved", None)


# --- issuing -------------------------------------------------------------------------------------


def test_issuing_numbers_labels_per_kind_and_year_and_copies_the_application(client, session, p):
    year = vietnam_year()
    first = at_state(session, p, "approved")
    second = at_state(session, p, "approved", good_claims("energy") | {"stars": 5})
    one = act(client, p, first.id, "issue").get_json()["label_number"]
    two = act(client, p, second.id, "issue").get_json()["label_number"]
    assert (one, two) == (f"DN-ENR-{year}-000001", f"DN-ENR-{year}-000002")

    green = make_scheme(session, p.certifier_org, "green")
    green_app = make_application(
        session, p.applicant, green, [p.product], until="approved", reviewer=p.reviewer
    )
    assert act(client, p, green_app.id, "issue").get_json()["label_number"] == f"DN-GRN-{year}-000001"

    label = client.get(f"/api/v1/labels/{two}").get_json()
    assert label["status"] == "active"
    assert (label["kind"], label["scheme"], label["version"], label["replaces"]) == (
        "energy",
        p.scheme.code,
        1,
        None,
    )
    assert label["claims"] == get(client, p, second.id).get_json()["claims"]
    assert label["claims"]["stars"] == 5
    assert [x["gtin"] for x in label["products"]] == [p.product.gtin]
    assert (label["holder"]["id"], label["issuer"]["id"]) == (p.enterprise.id, p.certifier_org.id)
    valid_from = datetime.fromisoformat(label["valid_from"])
    valid_until = datetime.fromisoformat(label["valid_until"])
    assert abs(valid_from - utcnow()) < timedelta(minutes=5)
    assert timedelta(days=730) <= valid_until - valid_from <= timedelta(days=731)  # 24 months
    catalogue = client.get(f"/api/v1/labels?holder={p.enterprise.id}").get_json()
    assert {x["label_number"] for x in catalogue["items"]} == {one, two, f"DN-GRN-{year}-000001"}


def test_the_queue_shows_certifiers_submitted_applications_only(client, session, p):
    draft, submitted = at_state(session, p, "draft"), at_state(session, p, "submitted")
    reviewing = at_state(session, p, "under_review")

    def ids(role, query=""):
        page = client.get(f"/api/v1/applications?per_page=200{query}", headers=as_(p, role)).get_json()
        return {a["id"] for a in page["items"]}

    assert ids("applicant") == {draft.id, submitted.id, reviewing.id}
    assert ids("reviewer") == {submitted.id, reviewing.id}
    assert ids("reviewer", "&state=submitted") == {submitted.id}
    assert ids("reviewer", f"&scheme={p.scheme.code}&kind=energy") == {submitted.id, reviewing.id}
    assert ids("reviewer", "&kind=green") == set()
    assert ids("outsider") == set()
    assert ids("other_certifier") == set()
    assert client.get("/api/v1/applications").status_code == 401


# --- evidence ------------------------------------------------------------------------------------


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["kWh", 1210])
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".ljust(200, b"\n")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
FILES = {
    "report.pdf": (PDF, "application/pdf"),
    "photo.png": (PNG, "image/png"),
    "measurements.csv": ("lần đo,kWh\n1,1210\n".encode(), "text/csv"),
    "data.xlsx": (xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def upload(client, p, application_id, name, content, role="applicant", **fields):
    return client.post(
        f"/api/v1/applications/{application_id}/evidence",
        data={"file": (io.BytesIO(content), name)} | fields,
        headers=as_(p, role),
    )


def download(client, p, application_id, evidence_id, role="applicant"):
    return client.get(f"/api/v1/applications/{application_id}/evidence/{evidence_id}", headers=as_(p, role))


@pytest.mark.parametrize("name", sorted(FILES))
def test_evidence_is_sniffed_hashed_stored_and_downloadable(client, session, p, evidence_store, name):
    content, media_type = FILES[name]
    draft = at_state(session, p, "draft")
    response = upload(client, p, draft.id, name, content, criterion_code="E-01")
    assert response.status_code == 201, response.get_json()
    evidence = response.get_json()
    sha256 = hashlib.sha256(content).hexdigest()
    assert (evidence["sha256"], evidence["media_type"], evidence["size"]) == (
        sha256,
        media_type,
        len(content),
    )
    assert (evidence["filename"], evidence["criterion_code"]) == (name, "E-01")
    assert (evidence_store / sha256[:2] / sha256).read_bytes() == content

    mine = download(client, p, draft.id, evidence["id"])
    assert mine.status_code == 200
    assert (mine.data, mine.mimetype) == (content, media_type)
    assert get(client, p, draft.id).get_json()["evidence"][0]["sha256"] == sha256
    assert_problem(download(client, p, draft.id, evidence["id"], "reviewer"), 404, "not-found")

    act(client, p, draft.id, "submit")
    assert download(client, p, draft.id, evidence["id"], "reviewer").data == content
    for role in ("outsider", "other_certifier"):
        assert_problem(download(client, p, draft.id, evidence["id"], role), 404, "not-found")
    assert_problem(client.get(f"/api/v1/applications/{draft.id}/evidence/{evidence['id']}"), 404, "not-found")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"<html>not a pdf</html>"),
        ("photo.png", b"GIF89a\x01\x00"),
        ("data.csv", b"a,b\n\x00\x01\x02"),
        ("data.csv", "a,b\n1,2\n".encode("utf-16")),
        ("data.xlsx", b"PK\x03\x04 not really a zip"),
        ("script.exe", b"MZ\x90\x00"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(client, session, p, evidence_store, name, content):
    draft = at_state(session, p, "draft")
    body = assert_problem(upload(client, p, draft.id, name, content), 422, "invalid-input")
    assert [(e["field"], e["rule"]) for e in body["errors"]] == [("file", "file-type")]
    assert get(client, p, draft.id).get_json()["evidence"] == []
    assert not evidence_store.exists() or not any(evidence_store.rglob("*"))


def test_a_zip_that_is_not_a_workbook_is_refused(client, session, p):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("readme.txt", "hello")
    draft = at_state(session, p, "draft")
    body = assert_problem(upload(client, p, draft.id, "data.xlsx", data.getvalue()), 422, "invalid-input")
    assert body["errors"][0]["rule"] == "file-type"


def test_evidence_above_the_size_limit_is_a_413(client, app, session, p):
    app.config["EVIDENCE_MAX_BYTES"] = 64  # restored by the evidence_store fixture
    draft = at_state(session, p, "draft")
    assert upload(client, p, draft.id, "small.pdf", PDF[:64]).status_code == 201
    body = assert_problem(upload(client, p, draft.id, "big.pdf", PDF[:64] + b" "), 413, "payload-too-large")
    assert [(e["field"], e["rule"]) for e in body["errors"]] == [("file", "max-size")]
    assert [e["filename"] for e in get(client, p, draft.id).get_json()["evidence"]] == ["small.pdf"]


def test_evidence_comes_from_the_applicant_while_the_application_is_open(client, session, p):
    submitted = at_state(session, p, "submitted")
    assert upload(client, p, submitted.id, "late.pdf", PDF).status_code == 201
    assert_problem(upload(client, p, submitted.id, "r.pdf", PDF, role="reviewer"), 403, "forbidden")
    assert_problem(upload(client, p, submitted.id, "r.pdf", PDF, role="outsider"), 404, "not-found")
    body = assert_problem(
        upload(client, p, submitted.id, "r.pdf", PDF, criterion_code="Z-99"), 422, "invalid-input"
    )
    assert body["errors"][0]["field"] == "criterion_code"
    approved = at_state(session, p, "approved")
    body = assert_problem(upload(client, p, approved.id, "r.pdf", PDF), 409, "conflict")
    assert "'approved'" in body["detail"]


def test_evidence_is_found_only_under_its_own_application(client, session, p):
    first, second = at_state(session, p, "draft"), at_state(session, p, "draft")
    evidence_id = upload(client, p, first.id, "r.pdf", PDF).get_json()["id"]
    assert download(client, p, first.id, evidence_id).status_code == 200
    assert_problem(download(client, p, second.id, evidence_id), 404, "not-found")
    assert_problem(download(client, p, first.id, evidence_id + 1000), 404, "not-found")


# --- criteria versions ---------------------------------------------------------------------------


def test_a_new_criteria_version_applies_to_new_applications_only(client, session, p):
    started_before = at_state(session, p, "submitted")
    stricter = [dict(c) for c in CRITERIA["energy"]]
    stricter[0] = stricter[0] | {"threshold": 1000}
    url = f"/api/v1/schemes/{p.scheme.code}/criteria"
    for role in ("applicant", "other_certifier"):
        assert_problem(client.post(url, json={"criteria": stricter}, headers=as_(p, role)), 403, "forbidden")
    response = client.post(url, json={"criteria": stricter}, headers=as_(p, "reviewer"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["version"] == 2
    assert client.get(f"/api/v1/schemes/{p.scheme.code}").get_json()["current_criteria"]["version"] == 2

    old = get(client, p, started_before.id).get_json()
    new = start(client, p).get_json()
    assert (old["criteria_version"], new["criteria_version"]) == (1, 2)
    # 1210 kWh/year meets version 1 (<= 1500) and fails version 2 (<= 1000).
    assert old["criteria_results"][0]["passed"] is True
    assert (new["criteria_results"][0]["passed"], new["criteria_results"][0]["threshold"]) == (False, 1000)

    act(client, p, started_before.id, "start_review")
    act(client, p, started_before.id, "approve")
    number = act(client, p, started_before.id, "issue").get_json()["label_number"]
    assert client.get(f"/api/v1/labels/{number}").get_json()["criteria_version"] == 1
