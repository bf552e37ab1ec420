"""Checking criteria against claims: numeric ones automatically, yes/no ones from the declaration."""

from __future__ import annotations

from decimal import Decimal

import pytest

from labels.certification.criteria import evaluate
from models import Criterion


def numeric(comparator="<=", threshold=1500, claim="annual_energy_kwh", mandatory=True, code="N-01"):
    return Criterion(
        code=code,
        kind="numeric",
        text_vi="Điện năng",
        text_en="Energy use",
        mandatory=mandatory,
        claim=claim,
        comparator=comparator,
        threshold=Decimal(str(threshold)),
        unit="kWh/year",
    )


def yes_no(code="Y-01", mandatory=True):
    return Criterion(code=code, kind="yes_no", text_vi="Có", text_en="Yes", mandatory=mandatory)


@pytest.mark.parametrize(
    ("comparator", "value", "passed"),
    [
        ("<=", 99.999, True),
        ("<=", 100, True),
        ("<=", 100.001, False),
        ("<", 99.999, True),
        ("<", 100, False),
        (">=", 100, True),
        (">=", 99.999, False),
        (">", 100.001, True),
        (">", 100, False),
        ("==", 100, True),
        ("==", 100.5, False),
    ],
)
def test_a_numeric_criterion_compares_the_claim_with_its_threshold(comparator, value, passed):
    [result] = evaluate([numeric(comparator, 100)], {"annual_energy_kwh": value})
    assert result.passed is passed
    assert result.value == value
    assert (result.comparator, result.threshold, result.unit) == (comparator, 100.0, "kWh/year")
    assert result.blocks_approval is (not passed)


def test_a_numeric_criterion_without_a_claim_compares_the_value_declared_for_it():
    criterion = numeric(">=", 90, claim=None, code="G-01")
    [passing] = evaluate([criterion], {"criteria": [{"code": "G-01", "value": 94.5}]})
    [failing] = evaluate([criterion], {"criteria": [{"code": "G-01", "value": 80}]})
    assert (passing.passed, passing.value) == (True, 94.5)
    assert (failing.passed, failing.value) == (False, 80)


def test_the_claim_wins_over_a_declared_value_and_the_declaration_fills_a_missing_claim():
    criterion = numeric("<=", 1500)
    [from_claim] = evaluate(
        [criterion],
        {"annual_energy_kwh": 2000, "criteria": [{"code": "N-01", "value": 1000, "passed": True}]},
    )
    assert (from_claim.passed, from_claim.value) == (False, 2000)
    [from_declaration] = evaluate([criterion], {"criteria": [{"code": "N-01", "value": 1000}]})
    assert (from_declaration.passed, from_declaration.value) == (True, 1000)


def test_a_numeric_criterion_with_nothing_to_compare_is_undecided_and_blocks_if_mandatory():
    [result] = evaluate([numeric()], {})
    assert result.passed is None
    assert result.blocks_approval
    [optional] = evaluate([numeric(mandatory=False)], {})
    assert optional.passed is None
    assert not optional.blocks_approval


@pytest.mark.parametrize("value", [True, False, "a lot", None, [1]])
def test_a_value_that_is_not_a_number_is_not_compared(value):
    [result] = evaluate([numeric(">=", 0)], {"annual_energy_kwh": value})
    assert result.passed is None


def test_a_yes_no_criterion_rests_on_the_declaration():
    criterion = yes_no()
    cases = {True: [{"code": "Y-01", "passed": True}], False: [{"code": "Y-01", "passed": False}], None: []}
    for expected, declarations in cases.items():
        [result] = evaluate([criterion], {"criteria": declarations})
        assert result.passed is expected
        assert result.blocks_approval is (expected is not True)
        assert result.value is None


def test_an_optional_failing_criterion_does_not_block_approval():
    [result] = evaluate([yes_no(mandatory=False)], {"criteria": [{"code": "Y-01", "passed": False}]})
    assert result.passed is False
    assert not result.blocks_approval


def test_results_follow_the_criteria_order_and_show_the_texts():
    criteria = [yes_no("B"), numeric(code="A")]
    results = evaluate(criteria, {"annual_energy_kwh": 12, "criteria": [{"code": "B", "passed": True}]})
    assert [r.code for r in results] == ["B", "A"]
    assert [r.passed for r in results] == [True, True]
    assert results[1].as_dict() | {"text_vi": "", "text_en": ""} == {
        "code": "A",
        "kind": "numeric",
        "mandatory": True,
        "passed": True,
        "value": 12.0,
        "comparator": "<=",
        "threshold": 1500.0,
        "unit": "kWh/year",
        "text_vi": "",
        "text_en": "",
    }
