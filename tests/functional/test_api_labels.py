"""Issued labels over HTTP: kinds and schemes, status changes, expiry, renewal, PACT export and
the public catalogue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from models import Label, Organisation, Product, Scheme, User, utcnow
from tests.helpers import (
    CRITERIA,
    bearer,
    good_claims,
    make_label,
    make_org,
    make_product,
    make_scheme,
    make_token,
    make_user,
)


@dataclass
class Parties:
    certifier_org: Organisation
    enterprise: Organisation
    scheme: Scheme
    carbon: Scheme
    product: Product
    holder: User
    reviewer: User
    tokens: dict[str, str]


@pytest.fixture
def p(session) -> Parties:
    certifier_org = make_org(session, "certifier")
    enterprise = make_org(session, "enterprise", sector="food", district="long-khanh")
    users = {
        "holder": make_user(session, enterprise, "enterprise"),
        "outsider": make_user(session, make_org(session, "enterprise"), "enterprise"),
        "reviewer": make_user(session, certifier_org, "certifier"),
        "other_certifier": make_user(session, make_org(session, "certifier"), "certifier"),
        "admin": make_user(session, make_org(session, "authority"), "admin"),
    }
    return Parties(
        certifier_org=certifier_org,
        enterprise=enterprise,
        scheme=make_scheme(session, certifier_org, "energy", validity_months=36),
        carbon=make_scheme(session, certifier_org, "carbon", validity_months=36),
        product=make_product(
            session, enterprise, published=True, name_vi="Cá tra phi lê", name_en="Pangasius"
        ),
        holder=users["holder"],
        reviewer=users["reviewer"],
        tokens={role: make_token(session, user) for role, user in users.items()},
    )


def as_(p: Parties, role: str) -> dict:
    return bearer(p.tokens[role])


def issued(session, p: Parties, scheme=None, claims=None) -> Label:
    return make_label(session, p.holder, scheme or p.scheme, [p.product], p.reviewer, claims)


def change(client, p, number, action, reason="periodic market surveillance", role="reviewer"):
    body = {"action": action} if reason is None else {"action": action, "reason": reason}
    return client.post(f"/api/v1/labels/{number}/transitions", json=body, headers=as_(p, role))


def assert_problem(response, status: int, name: str):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["type"] == f"/problems/{name}"
    return body


def errors(body) -> list[tuple[str, str]]:
    return [(e["field"], e["rule"]) for e in body["errors"]]


def vietnam_year() -> int:
    return (utcnow() + timedelta(hours=7)).year


# --- label kinds ---------------------------------------------------------------------------------


KIND = {
    "code": "green-building",
    "number_prefix": "BLD",
    "name_vi": "Công trình xanh",
    "name_en": "Green building",
}


def test_the_four_built_in_kinds_are_public(client, p):
    kinds = {k["code"]: k for k in client.get("/api/v1/label-kinds").get_json()}
    assert {code: (k["number_prefix"], k["built_in"]) for code, k in kinds.items()} == {
        "green": ("GRN", True),
        "energy": ("ENR", True),
        "carbon": ("CBN", True),
        "recycling": ("RCY", True),
    }


def test_an_administrator_adds_a_kind_and_prefixes_stay_unique(client, p):
    response = client.post("/api/v1/label-kinds", json=KIND, headers=as_(p, "admin"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json() | {"name_vi": ""} == KIND | {"built_in": False, "name_vi": ""}
    codes = [k["code"] for k in client.get("/api/v1/label-kinds").get_json()]
    assert "green-building" in codes

    same_prefix = KIND | {"code": "green-building-2"}
    body = assert_problem(
        client.post("/api/v1/label-kinds", json=same_prefix, headers=as_(p, "admin")), 409, "conflict"
    )
    assert errors(body) == [("number_prefix", "unique")]
    built_in_prefix = KIND | {"code": "greener", "number_prefix": "GRN"}
    body = assert_problem(
        client.post("/api/v1/label-kinds", json=built_in_prefix, headers=as_(p, "admin")), 409, "conflict"
    )
    assert errors(body) == [("number_prefix", "unique")]
    same_code = KIND | {"number_prefix": "BLG"}
    body = assert_problem(
        client.post("/api/v1/label-kinds", json=same_code, headers=as_(p, "admin")), 409, "conflict"
    )
    assert errors(body) == [("code", "unique")]
    assert [k["code"] for k in client.get("/api/v1/label-kinds").get_json()].count("green-building") == 1


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"number_prefix": "bld"}, "number_prefix", "pattern"),
        ({"number_prefix": "B1D"}, "number_prefix", "pattern"),
        ({"number_prefix": "ĐBL"}, "number_prefix", "pattern"),
        ({"number_prefix": "BLDG"}, "number_prefix", "length"),
        ({"code": "Green Building"}, "code", "pattern"),
        ({"code": "công-trình"}, "code", "pattern"),
    ],
)
def test_a_kind_needs_a_slug_and_three_capital_letters(client, p, changes, field, rule):
    response = client.post("/api/v1/label-kinds", json=KIND | changes, headers=as_(p, "admin"))
    assert errors(assert_problem(response, 422, "invalid-input")) == [(field, rule)]


def test_only_administrators_add_kinds(client, p):
    for role in ("reviewer", "holder"):
        assert_problem(client.post("/api/v1/label-kinds", json=KIND, headers=as_(p, role)), 403, "forbidden")
    assert_problem(client.post("/api/v1/label-kinds", json=KIND), 401, "unauthenticated")
    assert "green-building" not in [k["code"] for k in client.get("/api/v1/label-kinds").get_json()]


def scheme_body(p: Parties, **changes) -> dict:
    return {
        "code": "GB-OFFICE",
        "kind_code": "green-building",
        "iso_type": "I",
        "name_vi": "Công trình xanh - Văn phòng",
        "name_en": "Green building - Offices",
        "validity_months": 12,
        "certifier_id": p.certifier_org.id,
        "criteria": CRITERIA["green"],
    } | changes


def test_a_label_of_an_added_kind_uses_the_green_claims_and_its_own_prefix(client, session, p):
    assert client.post("/api/v1/label-kinds", json=KIND, headers=as_(p, "admin")).status_code == 201
    created = client.post("/api/v1/schemes", json=scheme_body(p), headers=as_(p, "admin"))
    assert created.status_code == 201, created.get_json()

    def apply(claims):
        body = {
            "applicant_id": p.enterprise.id,
            "scheme": "GB-OFFICE",
            "gtins": [p.product.gtin],
            "claims": claims,
        }
        return client.post("/api/v1/applications", json=body, headers=as_(p, "holder"))

    refused = assert_problem(apply(good_claims("green") | {"annual_energy_kwh": 80}), 422, "invalid-input")
    assert errors(refused) == [("claims.annual_energy_kwh", "unknown-field")]
    application = apply(good_claims("green")).get_json()
    assert application["kind"] == "green-building"
    url = f"/api/v1/applications/{application['id']}/transitions"
    client.post(url, json={"action": "submit"}, headers=as_(p, "holder"))
    for action in ("start_review", "approve", "issue"):
        response = client.post(url, json={"action": action}, headers=as_(p, "reviewer"))
        assert response.status_code == 200, response.get_json()
    number = response.get_json()["label_number"]
    assert number == f"DN-BLD-{vietnam_year()}-000001"
    label = client.get(f"/api/v1/labels/{number}").get_json()
    assert (label["kind"], label["claims"]["criteria"][0]["value"]) == ("green-building", 94.5)


# --- schemes -------------------------------------------------------------------------------------


def test_an_administrator_defines_a_scheme_with_its_first_criteria_version(client, p):
    body = scheme_body(
        p, code="VEL-TV", kind_code="energy", product_groups=["Ti vi"], criteria=CRITERIA["energy"]
    )
    response = client.post("/api/v1/schemes", json=body, headers=as_(p, "admin"))
    assert response.status_code == 201, response.get_json()
    scheme = response.get_json()
    assert (scheme["code"], scheme["kind_code"], scheme["validity_months"], scheme["active"]) == (
        "VEL-TV",
        "energy",
        12,
        True,
    )
    assert scheme["current_criteria"]["version"] == 1
    assert [c["code"] for c in scheme["current_criteria"]["criteria"]] == ["E-01", "E-02"]
    assert scheme["current_criteria"]["criteria"][0]["threshold"] == 1500
    assert client.get("/api/v1/schemes/VEL-TV").get_json()["product_groups"] == ["Ti vi"]
    energy = [s["code"] for s in client.get("/api/v1/schemes?kind=energy").get_json()]
    assert "VEL-TV" in energy and p.scheme.code in energy and p.carbon.code not in energy
    assert_problem(client.get("/api/v1/schemes/NO-SUCH"), 404, "not-found")
    assert errors(
        assert_problem(client.post("/api/v1/schemes", json=body, headers=as_(p, "admin")), 409, "conflict")
    ) == [("code", "unique")]


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"kind_code": "no-such-kind"}, "kind_code", "exists"),
        ({"criteria": [CRITERIA["energy"][0] | {"threshold": None}]}, "criteria.0.threshold", "required"),
        ({"criteria": [CRITERIA["energy"][1], CRITERIA["energy"][1]]}, "criteria.1.code", "unique"),
        ({"criteria": []}, "criteria", "length"),
        ({"iso_type": "IV"}, "iso_type", "one-of"),
        ({"validity_months": 0}, "validity_months", "range"),
    ],
)
def test_a_bad_scheme_is_refused_naming_the_field(client, p, changes, field, rule):
    body = scheme_body(p, kind_code="energy", criteria=CRITERIA["energy"]) | changes
    response = client.post("/api/v1/schemes", json=body, headers=as_(p, "admin"))
    assert errors(assert_problem(response, 422, "invalid-input")) == [(field, rule)]


def test_the_certifier_of_a_scheme_is_a_certification_body(client, p):
    body = scheme_body(p, kind_code="energy", certifier_id=p.enterprise.id)
    response = client.post("/api/v1/schemes", json=body, headers=as_(p, "admin"))
    assert errors(assert_problem(response, 422, "invalid-input")) == [("certifier_id", "certifier")]


def test_only_administrators_define_schemes(client, p):
    body = scheme_body(p, kind_code="energy")
    for role in ("reviewer", "holder"):
        assert_problem(client.post("/api/v1/schemes", json=body, headers=as_(p, role)), 403, "forbidden")
    assert_problem(client.get(f"/api/v1/schemes/{body['code']}"), 404, "not-found")


# --- label status ------------------------------------------------------------------------------


def test_suspend_reinstate_and_withdraw_with_reasons(client, session, p):
    number = issued(session, p).label_number
    steps = [
        ("suspend", "suspended", "Kiểm tra đột xuất"),
        ("reinstate", "active", "Kết quả thử lại đạt"),
        ("suspend", "suspended", "Vi phạm lần hai"),
        ("withdraw", "withdrawn", "Thu hồi theo quyết định"),
    ]
    for action, status, reason in steps:
        response = change(client, p, number, action, reason)
        assert response.status_code == 200, response.get_json()
        assert (response.get_json()["status"], response.get_json()["status_reason"]) == (status, reason)
    label = client.get(f"/api/v1/labels/{number}").get_json()
    assert [(e["action"], e["from_status"], e["to_status"], e["reason"]) for e in label["events"]] == [
        ("issue", "", "active", ""),
        ("suspend", "active", "suspended", "Kiểm tra đột xuất"),
        ("reinstate", "suspended", "active", "Kết quả thử lại đạt"),
        ("suspend", "active", "suspended", "Vi phạm lần hai"),
        ("withdraw", "suspended", "withdrawn", "Thu hồi theo quyết định"),
    ]


@pytest.mark.parametrize(
    ("path", "action", "state"),
    [
        ([], "reinstate", "active"),
        (["suspend"], "suspend", "suspended"),
        (["withdraw"], "suspend", "withdrawn"),
        (["withdraw"], "reinstate", "withdrawn"),
        (["withdraw"], "withdraw", "withdrawn"),
        (["suspend", "withdraw"], "reinstate", "withdrawn"),
    ],
)
def test_an_illegal_status_change_is_a_conflict_naming_the_current_status(
    client, session, p, path, action, state
):
    number = issued(session, p).label_number
    for step in path:
        assert change(client, p, number, step).status_code == 200
    events_before = len(client.get(f"/api/v1/labels/{number}").get_json()["events"])
    body = assert_problem(change(client, p, number, action), 409, "conflict")
    assert errors(body) == [("state", "transition")]
    assert f"'{state}'" in body["detail"]
    label = client.get(f"/api/v1/labels/{number}").get_json()
    assert (label["status"], len(label["events"])) == (state, events_before)


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_status_change_needs_a_reason(client, session, p, reason):
    number = issued(session, p).label_number
    body = assert_problem(change(client, p, number, "suspend", reason), 422, "invalid-input")
    assert errors(body)[0][0] == "reason"
    assert client.get(f"/api/v1/labels/{number}").get_json()["status"] == "active"


def test_only_the_issuing_bodys_certifiers_change_a_status(client, session, p):
    number = issued(session, p).label_number
    for role in ("holder", "outsider", "other_certifier"):
        assert_problem(change(client, p, number, "suspend", role=role), 403, "forbidden")
    anonymous = client.post(f"/api/v1/labels/{number}/transitions", json={"action": "suspend", "reason": "x"})
    assert_problem(anonymous, 401, "unauthenticated")
    assert client.get(f"/api/v1/labels/{number}").get_json()["status"] == "active"
    assert change(client, p, number, "suspend", role="admin").get_json()["status"] == "suspended"
    assert_problem(change(client, p, "DN-ENR-2000-999999", "suspend"), 404, "not-found")


def test_a_label_past_its_validity_reads_expired_without_any_job(client, session, p):
    label = issued(session, p)
    label.valid_until = utcnow() - timedelta(seconds=1)
    session.flush()
    assert client.get(f"/api/v1/labels/{label.label_number}").get_json()["status"] == "expired"
    body = assert_problem(change(client, p, label.label_number, "suspend"), 409, "conflict")
    assert "'expired'" in body["detail"]
    expired = client.get(f"/api/v1/labels?status=expired&holder={p.enterprise.id}").get_json()["items"]
    active = client.get(f"/api/v1/labels?status=active&holder={p.enterprise.id}").get_json()["items"]
    assert [x["label_number"] for x in expired] == [label.label_number]
    assert active == []


# --- renewal -------------------------------------------------------------------------------------


def test_a_renewal_issues_version_two_continuing_the_old_label(client, session, p):
    old = issued(session, p)
    response = client.post(f"/api/v1/labels/{old.label_number}/renewal", headers=as_(p, "holder"))
    assert response.status_code == 201, response.get_json()
    draft = response.get_json()
    assert (draft["state"], draft["renews"], draft["scheme"]) == ("draft", old.label_number, p.scheme.code)
    assert (draft["claims"], draft["gtins"]) == (old.claims, [p.product.gtin])
    url = f"/api/v1/applications/{draft['id']}/transitions"
    assert client.post(url, json={"action": "submit"}, headers=as_(p, "holder")).status_code == 200
    for action in ("start_review", "approve", "issue"):
        response = client.post(url, json={"action": action}, headers=as_(p, "reviewer"))
        assert response.status_code == 200, response.get_json()
    new = client.get(f"/api/v1/labels/{response.get_json()['label_number']}").get_json()
    previous = client.get(f"/api/v1/labels/{old.label_number}").get_json()
    assert (new["version"], new["replaces"]) == (2, old.label_number)
    assert datetime.fromisoformat(new["valid_from"]) < datetime.fromisoformat(previous["valid_until"])
    assert new["status"] == "active"
    assert previous["status"] == "active"

    again = client.post(f"/api/v1/labels/{old.label_number}/renewal", headers=as_(p, "holder"))
    assert errors(assert_problem(again, 409, "conflict")) == [("label_number", "renewed-once")]


def test_a_second_renewal_is_refused_while_the_first_is_under_way(client, session, p):
    number = issued(session, p).label_number
    assert client.post(f"/api/v1/labels/{number}/renewal", headers=as_(p, "holder")).status_code == 201
    again = client.post(f"/api/v1/labels/{number}/renewal", headers=as_(p, "holder"))
    assert errors(assert_problem(again, 409, "conflict")) == [("label_number", "renewed-once")]


def test_only_the_holder_renews_and_only_a_live_label(client, session, p):
    number = issued(session, p).label_number
    for role in ("outsider", "reviewer", "admin"):
        assert_problem(
            client.post(f"/api/v1/labels/{number}/renewal", headers=as_(p, role)), 403, "forbidden"
        )
    assert_problem(client.post(f"/api/v1/labels/{number}/renewal"), 401, "unauthenticated")
    change(client, p, number, "withdraw")
    body = assert_problem(
        client.post(f"/api/v1/labels/{number}/renewal", headers=as_(p, "holder")), 409, "conflict"
    )
    assert "'withdrawn'" in body["detail"]
    missing = client.post("/api/v1/labels/DN-ENR-2000-999999/renewal", headers=as_(p, "holder"))
    assert_problem(missing, 404, "not-found")


# --- PACT ----------------------------------------------------------------------------------------


def test_a_carbon_label_exports_as_a_pact_product_footprint(client, session, p):
    claims = good_claims("carbon") | {"pcf_excluding_biogenic": 3.425, "pcf_including_biogenic": -0.5}
    label = issued(session, p, p.carbon, claims)
    response = client.get(f"/api/v1/labels/{label.label_number}/pact")
    assert response.status_code == 200
    footprint = response.get_json()
    assert footprint["specVersion"].startswith("2.")
    assert footprint["status"] == "Active"
    assert footprint["productIds"] == [f"urn:gtin:{p.product.gtin}"]
    assert footprint["companyName"] == p.enterprise.legal_name
    assert any(p.enterprise.tax_code in company for company in footprint["companyIds"])
    pcf = footprint["pcf"]
    assert pcf["declaredUnit"] == claims["declared_unit"] == "kilogram"
    assert isinstance(pcf["pCfExcludingBiogenic"], str)
    assert Decimal(pcf["pCfExcludingBiogenic"]) == Decimal("3.425")
    assert Decimal(pcf["pCfIncludingBiogenic"]) == Decimal("-0.5")
    assert Decimal(pcf["fossilGhgEmissions"]) == Decimal(str(claims["fossil_ghg_emissions"]))
    assert pcf["crossSectoralStandardsUsed"] == claims["cross_sectoral_standards"]
    assert pcf["referencePeriodStart"] == "2025-01-01T00:00:00Z"
    assert pcf["referencePeriodEnd"] == "2026-01-01T00:00:00Z"
    assert client.get(f"/api/v1/labels/{label.label_number}/pact").get_json()["id"] == footprint["id"]

    change(client, p, label.label_number, "suspend")
    assert client.get(f"/api/v1/labels/{label.label_number}/pact").get_json()["status"] == "Deprecated"


def test_only_carbon_labels_export_as_pact(client, session, p):
    number = issued(session, p).label_number
    body = assert_problem(client.get(f"/api/v1/labels/{number}/pact"), 422, "invalid-input")
    assert errors(body) == [("label_number", "carbon-label")]
    assert_problem(client.get("/api/v1/labels/DN-CBN-2000-999999/pact"), 404, "not-found")


# --- the public catalogue ------------------------------------------------------------------------


def test_the_catalogue_is_public_and_filters(client, session, p):
    energy = issued(session, p).label_number
    carbon = issued(session, p, p.carbon).label_number
    other = make_org(session, "enterprise", sector="textiles")
    other_user = make_user(session, other, "enterprise")
    shirt = make_product(session, other, published=True, name_vi="Áo sơ mi")
    foreign = make_label(session, other_user, p.scheme, [shirt], p.reviewer).label_number

    def numbers(query):
        response = client.get(f"/api/v1/labels?per_page=200&{query}")
        assert response.status_code == 200, response.get_json()
        return {x["label_number"] for x in response.get_json()["items"]}

    assert numbers("") >= {energy, carbon, foreign}
    assert numbers(f"holder={p.enterprise.id}") == {energy, carbon}
    assert numbers(f"holder={p.enterprise.id}&kind=carbon") == {carbon}
    assert numbers(f"gtin={shirt.gtin}") == {foreign}
    assert numbers("q=Pangasius") == {energy, carbon}
    assert numbers(f"q={energy}") == {energy}
    assert numbers("sector=food&district=long-khanh") >= {energy, carbon}
    assert foreign not in numbers("sector=food")
    change(client, p, carbon, "suspend")
    assert numbers(f"holder={p.enterprise.id}&status=suspended") == {carbon}
    assert numbers(f"holder={p.enterprise.id}&status=active") == {energy}
    page = client.get(f"/api/v1/labels?holder={p.enterprise.id}&per_page=1&page=2").get_json()
    assert (page["total"], page["pages"], len(page["items"])) == (2, 2, 1)
    assert (
        errors(assert_problem(client.get("/api/v1/labels?status=lost"), 422, "invalid-input"))[0][0]
        == "status"
    )
    assert_problem(client.get("/api/v1/labels/DN-ENR-2000-999999"), 404, "not-found")
