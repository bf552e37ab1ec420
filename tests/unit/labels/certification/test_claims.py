"""Kind-specific claim schemas: good claims pass; each bad value is refused naming its field and rule."""

from __future__ import annotations

import json

import pytest

from labels.certification.claims import CLAIM_SCHEMAS, GreenClaims, claims_schema, validate_claims
from labels.errors import InvalidInput
from tests.helpers import good_claims


def refusal(kind: str, claims: dict, partial: bool = False) -> list[tuple[str, str]]:
    with pytest.raises(InvalidInput) as caught:
        validate_claims(kind, claims, partial=partial)
    return [(issue.field, issue.rule) for issue in caught.value.issues]


def changed(kind: str, **values) -> dict:
    claims = good_claims(kind)
    for name, value in values.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return claims


@pytest.mark.parametrize("kind", sorted(CLAIM_SCHEMAS))
def test_good_claims_of_each_kind_are_accepted_and_stored_as_json(kind):
    stored = validate_claims(kind, good_claims(kind))
    for name, value in good_claims(kind).items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert stored[name] == pytest.approx(value)
    # What is stored must survive a JSON column: no datetimes, no Decimals.
    assert json.loads(json.dumps(stored)) == stored


@pytest.mark.parametrize(
    ("kind", "values", "field", "rule"),
    [
        ("energy", {"annual_energy_kwh": -1}, "claims.annual_energy_kwh", "range"),
        ("energy", {"annual_energy_kwh": "lots"}, "claims.annual_energy_kwh", "type"),
        ("energy", {"stars": None}, "claims.stars", "required"),
        ("energy", {"stars": 6}, "claims.stars", "range"),
        ("energy", {"stars": 0}, "claims.stars", "range"),
        ("energy", {"label_type": "endorsement"}, "claims.stars", "forbidden"),
        ("energy", {"label_type": "voluntary"}, "claims.label_type", "one-of"),
        ("energy", {"test_standard": "ISO 5151:2017"}, "claims.test_standard", "tcvn"),
        ("energy", {"test_standard": "TCVN 7830"}, "claims.test_standard", "tcvn"),
        ("energy", {"test_laboratory": None}, "claims.test_laboratory", "required"),
        ("energy", {"annual_energy_kwh": None}, "claims.annual_energy_kwh", "required"),
        ("recycling", {"recycled_content_percent": 100.5}, "claims.recycled_content_percent", "range"),
        ("recycling", {"recycled_content_percent": -1}, "claims.recycled_content_percent", "range"),
        ("recycling", {"components": []}, "claims.components", "length"),
        (
            "carbon",
            {
                "reference_period_start": "2025-06-01T00:00:00Z",
                "reference_period_end": "2025-01-01T00:00:00Z",
            },
            "claims.reference_period_end",
            "after-start",
        ),
        (
            "carbon",
            {
                "reference_period_start": "2025-06-01T00:00:00Z",
                "reference_period_end": "2025-06-01T00:00:00Z",
            },
            "claims.reference_period_end",
            "after-start",
        ),
        ("carbon", {"reference_period_end": "last year"}, "claims.reference_period_end", "type"),
        ("carbon", {"label_level": "reducing"}, "claims.reduction_percent", "required"),
        ("carbon", {"fossil_ghg_emissions": 5.0}, "claims.fossil_ghg_emissions", "at-most-pcf"),
        ("carbon", {"pcf_excluding_biogenic": -0.1}, "claims.pcf_excluding_biogenic", "range"),
        ("carbon", {"unitary_product_amount": 0}, "claims.unitary_product_amount", "range"),
        ("carbon", {"characterization_factors": "AR4"}, "claims.characterization_factors", "one-of"),
        ("carbon", {"declared_unit": "bag"}, "claims.declared_unit", "one-of"),
        ("carbon", {"boundary": "gate-to-gate"}, "claims.boundary", "one-of"),
        ("carbon", {"primary_data_share": 101}, "claims.primary_data_share", "range"),
        ("carbon", {"cross_sectoral_standards": []}, "claims.cross_sectoral_standards", "length"),
        ("carbon", {"cross_sectoral_standards": ["ISO 9001"]}, "claims.cross_sectoral_standards.0", "one-of"),
        ("green", {"criteria": []}, "claims.criteria", "length"),
        ("green", {"criteria": None}, "claims.criteria", "required"),
        (
            "green",
            {"criteria": [{"code": "G-01", "passed": True}, {"code": "G-01", "passed": False}]},
            "claims.criteria",
            "unique",
        ),
        (
            "green",
            {"criteria": [{"code": "G-01", "colour": "green"}]},
            "claims.criteria.0.colour",
            "unknown-field",
        ),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_the_rule(kind, values, field, rule):
    assert (field, rule) in refusal(kind, changed(kind, **values))


@pytest.mark.parametrize("kind", sorted(CLAIM_SCHEMAS))
def test_an_unknown_claim_is_refused_in_every_kind(kind):
    assert refusal(kind, changed(kind, colour="green")) == [("claims.colour", "unknown-field")]


def test_recycled_content_per_component_is_a_percentage_and_pre_plus_post_is_at_most_100():
    over = good_claims("recycling")
    over["components"][0] |= {"post_consumer_recycled_percent": 120}
    assert refusal("recycling", over) == [("claims.components.0.post_consumer_recycled_percent", "range")]

    summed = good_claims("recycling")
    summed["components"][0] |= {"pre_consumer_recycled_percent": 60, "post_consumer_recycled_percent": 50}
    assert refusal("recycling", summed) == [
        ("claims.components.0.post_consumer_recycled_percent", "sum-at-most-100")
    ]

    exactly = good_claims("recycling")
    exactly["components"][0] |= {"pre_consumer_recycled_percent": 40, "post_consumer_recycled_percent": 60}
    stored = validate_claims("recycling", exactly)
    assert stored["components"][0]["pre_consumer_recycled_percent"] == 40


def test_every_broken_rule_is_reported_at_once():
    claims = changed("energy", annual_energy_kwh=-5, test_standard="EN 14825", colour="x")
    assert set(refusal("energy", claims)) == {
        ("claims.annual_energy_kwh", "range"),
        ("claims.test_standard", "tcvn"),
        ("claims.colour", "unknown-field"),
    }


def test_an_endorsement_energy_label_needs_no_stars():
    stored = validate_claims("energy", changed("energy", label_type="endorsement", stars=None))
    assert "stars" not in stored


def test_a_reducing_carbon_label_with_its_reduction_is_accepted():
    stored = validate_claims("carbon", changed("carbon", label_level="reducing", reduction_percent=12.5))
    assert stored["reduction_percent"] == 12.5


def test_the_biogenic_pcf_may_be_negative_but_the_fossil_one_may_not():
    stored = validate_claims("carbon", changed("carbon", pcf_including_biogenic=-0.4))
    assert stored["pcf_including_biogenic"] == -0.4
    assert ("claims.fossil_ghg_emissions", "range") in refusal(
        "carbon", changed("carbon", fossil_ghg_emissions=-1)
    )


def test_a_reference_period_without_an_offset_is_read_as_utc():
    # Mixing an instant with an offset and one without must be a comparison, not a crash.
    claims = changed(
        "carbon", reference_period_start="2025-01-01T00:00:00Z", reference_period_end="2025-12-31T00:00:00"
    )
    stored = validate_claims("carbon", claims)
    assert stored["reference_period_end"] == "2025-12-31T00:00:00+00:00"
    backwards = changed(
        "carbon",
        reference_period_start="2025-12-31T00:00:00",
        reference_period_end="2025-01-01T00:00:00+00:00",
    )
    assert refusal("carbon", backwards) == [("claims.reference_period_end", "after-start")]


def test_a_draft_may_leave_required_claims_out_but_not_break_the_others():
    draft = {"label_type": "comparative", "stars": 3}
    assert validate_claims("energy", draft, partial=True)["stars"] == 3
    missing = dict(refusal("energy", draft))
    assert missing["claims.annual_energy_kwh"] == "required"
    assert missing["claims.test_standard"] == "required"
    assert missing["claims.test_laboratory"] == "required"
    assert refusal("energy", {"annual_energy_kwh": -1}, partial=True) == [
        ("claims.annual_energy_kwh", "range")
    ]


def test_kinds_an_administrator_adds_use_the_green_claims():
    assert claims_schema("green-building") is GreenClaims
    stored = validate_claims("green-building", good_claims("green"))
    assert [c["code"] for c in stored["criteria"]] == ["G-01", "G-02", "G-03"]
    assert ("claims.annual_energy_kwh", "unknown-field") in refusal(
        "green-building", good_claims("green") | {"annual_energy_kwh": 10}
    )
