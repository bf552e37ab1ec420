"""Checking a scheme's criteria against an application's claims.

Numeric criteria are checked automatically: the claim they name (or the value declared for the
criterion) is compared with the threshold. Yes/no criteria rest on the applicant's declaration,
which the reviewer confirms against the evidence.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from decimal import Decimal

from models import Criterion

_COMPARE = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt, "==": operator.eq}


@dataclass(frozen=True)
class CriterionResult:
    code: str
    kind: str
    mandatory: bool
    text_vi: str
    text_en: str
    #: True pass, False fail, None not declared (a mandatory criterion not declared fails approval).
    passed: bool | None
    value: float | None = None
    comparator: str | None = None
    threshold: float | None = None
    unit: str | None = None

    @property
    def blocks_approval(self) -> bool:
        return self.mandatory and self.passed is not True

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "kind": self.kind,
            "mandatory": self.mandatory,
            "passed": self.passed,
            "value": self.value,
            "comparator": self.comparator,
            "threshold": self.threshold,
            "unit": self.unit,
            "text_vi": self.text_vi,
            "text_en": self.text_en,
        }


def _declared(claims: dict, code: str) -> dict:
    for entry in claims.get("criteria", []):
        if entry.get("code") == code:
            return entry
    return {}


def _number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def evaluate(criteria: list[Criterion], claims: dict) -> list[CriterionResult]:
    results = []
    for criterion in criteria:
        declared = _declared(claims, criterion.code)
        if criterion.kind == "numeric":
            raw = claims.get(criterion.claim) if criterion.claim else None
            value = _number(raw if raw is not None else declared.get("value"))
            threshold = (
                float(criterion.threshold) if isinstance(criterion.threshold, Decimal | int | float) else None
            )
            passed = None
            if value is not None and threshold is not None:
                passed = _COMPARE[criterion.comparator](value, threshold)
        else:
            value, threshold = None, None
            passed = declared.get("passed")
        results.append(
            CriterionResult(
                code=criterion.code,
                kind=criterion.kind,
                mandatory=criterion.mandatory,
                text_vi=criterion.text_vi,
                text_en=criterion.text_en,
                passed=passed,
                value=value,
                comparator=criterion.comparator,
                threshold=threshold,
                unit=criterion.unit,
            )
        )
    return results
