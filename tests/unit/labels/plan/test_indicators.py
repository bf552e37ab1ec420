"""A target's verdict: the straight line from the baseline to 2025, then from 2025 to 2030."""

from __future__ import annotations

from decimal import Decimal

import pytest

from labels.plan import annex
from labels.plan.indicators import evaluate
from labels.plan.targets import FIGURES, TARGETS, figures_for
from models import PlanTarget


def target(**fields) -> PlanTarget:
    values = {
        "code": "industrial-zones",
        "unit": "%",
        "baseline": Decimal(0),
        "baseline_year": 2022,
        "target_2025": Decimal(70),
        "target_2030": Decimal(100),
        "target_2025_max": None,
        "target_2030_max": None,
    }
    return PlanTarget(**(values | fields))


@pytest.mark.parametrize(
    ("year", "value", "expected", "status"),
    [
        # 2022 -> 2025 from 0 to 70: 23.3 a year
        (2023, Decimal("23.3"), Decimal("23.3"), "on-track"),
        (2023, Decimal("23.2"), Decimal("23.3"), "at-risk"),
        (2024, Decimal("46.7"), Decimal("46.7"), "on-track"),
        (2025, Decimal("69.9"), Decimal("70.0"), "missed"),
        (2025, Decimal("70"), Decimal("70.0"), "met"),
        (2024, Decimal("71"), Decimal("46.7"), "met"),
        # 2025 -> 2030 from 70 to 100: 6 a year
        (2026, Decimal("76"), Decimal("76.0"), "on-track"),
        (2027, Decimal("81.9"), Decimal("82.0"), "at-risk"),
        (2030, Decimal("99"), Decimal("100.0"), "missed"),
        (2030, Decimal("100"), Decimal("100.0"), "met"),
        (2024, None, Decimal("46.7"), "no-data"),
    ],
)
def test_the_verdict_follows_the_line_to_each_period_s_target(year, value, expected, status):
    found = evaluate(target(), year, value, (), {})
    assert (found.expected, found.status) == (expected, status)
    assert found.goal == (Decimal(70) if year <= 2025 else Decimal(100))


def test_a_target_with_no_2030_number_keeps_its_2025_one_after_2025():
    models = target(code="models", unit="models", target_2025=Decimal(20), target_2030=None)
    assert evaluate(models, 2027, Decimal(19), (), {}).status == "missed"
    assert evaluate(models, 2027, Decimal(21), (), {}).status == "met"


def test_a_target_the_plan_sets_no_number_for_has_a_value_but_no_verdict():
    training = target(code="training", baseline=None, target_2025=None, target_2030=None)
    assert evaluate(training, 2024, Decimal(30), (), {}).status == "no-target"
    assert evaluate(training, 2024, None, (), {}).status == "no-data"


def test_the_plan_s_six_targets_are_seeded_with_its_numbers():
    by_code = {t.code: t for t in TARGETS}
    assert len(TARGETS) == 6
    assert (by_code["material-use"].target_2025, by_code["material-use"].target_2025_max) == (5, 8)
    assert (by_code["material-use"].target_2030, by_code["material-use"].target_2030_max) == (7, 10)
    assert (by_code["industrial-zones"].target_2025, by_code["industrial-zones"].target_2030) == (70, 100)
    assert (by_code["models"].target_2025, by_code["models"].target_2025_max) == (20, 30)
    assert (by_code["district-awareness"].target_2025, by_code["district-awareness"].target_2030) == (80, 100)
    assert by_code["supermarket-packaging"].target_2025 == 85
    assert by_code["training"].target_2025 is None


def test_every_figure_belongs_to_a_target_and_every_reporter_to_the_plan():
    codes = {t.code for t in TARGETS}
    assert {f.target for f in FIGURES} <= codes
    assert {r for f in FIGURES for r in f.reporters} <= set(annex.AGENCIES) | {"districts"}
    assert {f.code for f in figures_for("ubnd-xuan-loc")} == {"campaigns"}
    assert "zones-total" in {f.code for f in figures_for("bql-cac-kcn")}


def test_the_annex_is_whole_and_every_lead_is_an_agency():
    assert len(annex.TASKS) == 28
    sections = {s.number for s in annex.SECTIONS}
    assert sections == set(range(1, 16))
    for task in annex.TASKS:
        assert task.section in sections and task.lead and set(task.lead) <= set(annex.AGENCIES)
        assert task.start_year <= task.end_year and task.start_year >= 2022
    # The plan's own words: the models task of 2022-2025 and the eco-label tasks.
    contents = [t.content_vi for t in annex.TASKS]
    assert "Xây dựng, áp dụng 01 đến 10 mô hình SX&TDBV của doanh nghiệp" in contents
