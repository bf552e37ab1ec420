"""Where the province stands on each target: its value for a year, the trajectory, and the verdict.

A target's value comes from where the facts are (``PlanTarget.source``): the registry's own records
(model projects), the figures of agencies' accepted reports, or enterprises' declarations. The verdict
compares it with a straight line from the baseline (2022) to the 2025 value, then from the 2025 value
to the 2030 one:

* ``met``: the value reaches the period's target;
* ``on-track``: it is at or above the line for that year;
* ``at-risk``: below the line, with time left;
* ``missed``: the period's last year came and the target was not reached;
* ``no-data``: nothing to compute it from yet; ``no-target``: the plan sets no number.

Every target grows upwards ("material-use" is the reduction achieved), so "higher is better" holds
throughout. Registry figures (labels, green shelves, traced products, scans) are computed per year and
district from the registry's tables and shown beside the targets.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from labels.certification.workflow import effective_status
from labels.plan import declarations
from labels.plan.declarations import round_tenth
from labels.plan.reports import accepted_reports
from labels.registry.reference import VIETNAM
from models import (
    EventIdentifier,
    Label,
    ModelProject,
    Organisation,
    Plan,
    PlanReport,
    PlanTarget,
    Scan,
    ShelfAudit,
    utcnow,
)

COUNTED_MODEL_STATUSES = ("applied", "replicated")
MIDPOINT = 2025  # the plan's two periods: 2022-2025 and 2026-2030


@dataclass(frozen=True)
class Source:
    """Where a value came from: the registry itself, or one agency's accepted report."""

    kind: str  # "computed", "report", "declarations"
    organisation: str = ""
    version: int | None = None
    submitted_at: datetime | None = None
    accepted_at: datetime | None = None


@dataclass(frozen=True)
class TargetValue:
    target: PlanTarget
    year: int
    value: Decimal | None
    expected: Decimal | None
    goal: Decimal | None
    status: str
    sources: tuple[Source, ...] = ()
    #: the parts of a share (``{"part": 14, "whole": 20}``), for the table under a chart
    parts: dict = field(default_factory=dict)


def current_year(now: datetime | None = None) -> int:
    return (now or utcnow()).astimezone(VIETNAM).year


def years_of(plan: Plan, now: datetime | None = None) -> list[int]:
    """The plan's years so far: its first year to this one (or its last)."""
    return list(range(plan.start_year, min(plan.end_year, current_year(now)) + 1))


def target_values(session: Session, plan: Plan, year: int) -> list[TargetValue]:
    reports = accepted_reports(session, plan, year)
    return [evaluate(target, year, *_value(session, plan, target, year, reports)) for target in plan.targets]


def history(session: Session, plan: Plan, now: datetime | None = None) -> dict[str, list[TargetValue]]:
    """Each target's value for every year of the plan so far, by target code."""
    by_target: dict[str, list[TargetValue]] = {target.code: [] for target in plan.targets}
    for year in years_of(plan, now):
        for value in target_values(session, plan, year):
            by_target[value.target.code].append(value)
    return by_target


def evaluate(
    target: PlanTarget, year: int, value: Decimal | None, sources: tuple[Source, ...], parts: dict
) -> TargetValue:
    goal, start_year, start_value, deadline = _period(target, year)
    if goal is None:
        return TargetValue(target, year, value, None, None, "no-target" if value is not None else "no-data",
                           sources, parts)  # fmt: skip
    span = deadline - start_year
    progress = Decimal(min(max(year - start_year, 0), span)) / Decimal(span)
    expected = round_tenth(start_value + (goal - start_value) * progress)
    if value is None:
        status = "no-data"
    elif value >= goal:
        status = "met"
    elif year >= deadline:
        status = "missed"
    elif value >= expected:
        status = "on-track"
    else:
        status = "at-risk"
    return TargetValue(target, year, value, expected, goal, status, sources, parts)


def _period(target: PlanTarget, year: int) -> tuple[Decimal | None, int, Decimal, int]:
    """The goal that applies in ``year``, and the line towards it: (goal, from year, from value, deadline)."""
    baseline = target.baseline if target.baseline is not None else Decimal(0)
    if year <= MIDPOINT or target.target_2030 is None:
        return target.target_2025, target.baseline_year, baseline, MIDPOINT
    return target.target_2030, MIDPOINT, target.target_2025 or baseline, 2030


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return round_tenth(part * 100 / whole) if whole > 0 else None


def _value(
    session: Session, plan: Plan, target: PlanTarget, year: int, reports: dict[int, PlanReport]
) -> tuple[Decimal | None, tuple[Source, ...], dict]:
    if target.indicator == "models":
        count = session.scalar(
            select(func.count(ModelProject.id)).where(
                ModelProject.plan_id == plan.id,
                ModelProject.start_year <= year,
                ModelProject.status.in_(COUNTED_MODEL_STATUSES),
            )
        )
        return Decimal(count or 0), (Source("computed"),), {}
    if target.indicator == "material-use":
        changes = declarations.sector_changes(session, plan, year)
        sectors = sum(c.change is not None for c in changes.values())
        enterprises = sum(c.enterprises for c in changes.values())
        parts = {"sectors": Decimal(sectors), "enterprises": Decimal(enterprises)} if sectors else {}
        return declarations.province_change(changes), (Source("declarations"),), parts
    if target.indicator == "district-awareness":
        return _district_awareness(session, reports)
    part_code, whole_code = {
        "industrial-zones": ("zones-reached", "zones-total"),
        "supermarket-packaging": ("supermarkets-eco-packaging", "supermarkets-total"),
        "training": ("institutions-integrated", "institutions-total"),
    }[target.indicator]
    part = whole = Decimal(0)
    sources = []
    for report in reports.values():
        figures = {f.code: f.value for f in report.figures}
        if whole_code in figures and report.organisation.code in target.reporters:
            part += figures.get(part_code, Decimal(0))
            whole += figures[whole_code]
            sources.append(_source(report))
    if not sources:
        return None, (), {}
    return _share(part, whole), tuple(sources), {"part": part, "whole": whole}


def _district_awareness(session: Session, reports: dict[int, PlanReport]) -> tuple:
    districts = session.scalar(
        select(func.count(Organisation.id)).where(
            Organisation.kind == "agency", Organisation.code.like("ubnd-%")
        )
    )
    sources, held = [], 0
    for report in reports.values():
        if not (report.organisation.code or "").startswith("ubnd-"):
            continue
        sources.append(_source(report))
        campaigns = next((f.value for f in report.figures if f.code == "campaigns"), Decimal(0))
        held += campaigns >= 1
    if not sources or not districts:
        return None, (), {}
    part, whole = Decimal(held), Decimal(districts)
    return _share(part, whole), tuple(sources), {"part": part, "whole": whole}


def _source(report: PlanReport) -> Source:
    return Source(
        "report", report.organisation.legal_name, report.version, report.submitted_at, report.reviewed_at
    )


# --- what the registry itself knows ---------------------------------------------------------------


@dataclass(frozen=True)
class RegistryFigures:
    """A year's figures from the registry's own records, optionally for one district."""

    year: int
    district: str | None
    labels_issued: dict[str, int]  # by kind
    labels_active: dict[str, int]  # by kind, at the end of the year (or now, for this year)
    active_by_sector: dict[str, int]
    active_by_district: dict[str, int]
    enterprises_with_labels: int
    green_shelves: int  # retailers with an audited shelf holding at least one valid eco-labelled code
    traced_products: int | None  # province-wide only: an event names no district
    scans: int


def registry_figures(session: Session, year: int, district: str | None = None, now=None) -> RegistryFigures:
    now = now or utcnow()
    start = datetime(year, 1, 1, tzinfo=VIETNAM).astimezone(UTC)
    end = min(datetime(year + 1, 1, 1, tzinfo=VIETNAM).astimezone(UTC), now)
    labels = session.execute(
        select(Label, Organisation.sector, Organisation.district)
        .join(Organisation, Organisation.id == Label.holder_id)
        .where(Label.issued_at < end)
    ).all()
    if district is not None:
        labels = [row for row in labels if row[2] == district]
    issued: Counter[str] = Counter()
    active: Counter[str] = Counter()
    by_sector: Counter[str] = Counter()
    by_district: Counter[str] = Counter()
    holders = set()
    for label, sector, label_district in labels:
        if label.issued_at >= start:
            issued[label.kind_code] += 1
        if label.valid_from <= end and _active_at(label, end, now):
            active[label.kind_code] += 1
            by_sector[sector or ""] += 1
            by_district[label_district or ""] += 1
            holders.add(label.holder_id)
    shelves = select(distinct(ShelfAudit.organisation_id)).where(
        ShelfAudit.created_at >= start, ShelfAudit.created_at < end, ShelfAudit.valid > 0
    )
    if district is not None:
        shelves = shelves.join(Organisation, Organisation.id == ShelfAudit.organisation_id).where(
            Organisation.district == district
        )
    scans = select(func.count(Scan.id)).where(Scan.scanned_at >= start, Scan.scanned_at < end)
    if district is not None:
        scans = scans.where(Scan.district == district)
    traced = select(func.count(distinct(EventIdentifier.product))).where(EventIdentifier.product.is_not(None))
    return RegistryFigures(
        year=year,
        district=district,
        labels_issued=dict(issued),
        labels_active=dict(active),
        active_by_sector=dict(by_sector),
        active_by_district=dict(by_district),
        enterprises_with_labels=len(holders),
        green_shelves=len(session.scalars(shelves).all()),
        traced_products=(session.scalar(traced) or 0) if district is None else None,
        scans=session.scalar(scans) or 0,
    )


def _active_at(label: Label, instant: datetime, now: datetime) -> bool:
    # The stored status is today's; for a past year, a label withdrawn since still counted then only if
    # it was valid at the year's end, which the status history would tell. Today's status is the
    # conservative reading: a withdrawn label no longer counts for any year.
    return effective_status(label, instant) == "active" and effective_status(label, now) != "withdrawn"


# --- open data -----------------------------------------------------------------------------------

CSV_COLUMNS = (
    "year", "code", "name_vi", "name_en", "unit", "baseline", "baseline_year", "target_2025",
    "target_2025_max", "target_2030", "target_2030_max", "value", "expected", "status", "source",
)  # fmt: skip


def indicator_row(value: TargetValue) -> dict:
    """One target's standing as plain data: the API's item and the open-data row."""
    target = value.target
    return {
        "year": value.year,
        "code": target.code,
        "name_vi": target.name_vi,
        "name_en": target.name_en,
        "indicator_vi": target.indicator_vi,
        "indicator_en": target.indicator_en,
        "unit": target.unit,
        "baseline": _plain(target.baseline),
        "baseline_year": target.baseline_year,
        "target_2025": _plain(target.target_2025),
        "target_2025_max": _plain(target.target_2025_max),
        "target_2030": _plain(target.target_2030),
        "target_2030_max": _plain(target.target_2030_max),
        "value": _plain(value.value),
        "expected": _plain(value.expected),
        "status": value.status,
        "source": target.source,
        "reported_by": [
            {
                "organisation": s.organisation,
                "version": s.version,
                "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
                "accepted_at": s.accepted_at.isoformat() if s.accepted_at else None,
            }
            for s in value.sources
            if s.kind == "report"
        ],
        "parts": {key: _plain(part) for key, part in value.parts.items()},
    }


def indicators_csv(values: list[TargetValue]) -> bytes:
    """The indicators as CSV, UTF-8 with a byte-order mark so that Excel shows Vietnamese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for value in values:
        row = indicator_row(value)
        writer.writerow(["" if row[column] is None else row[column] for column in CSV_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _plain(number: Decimal | None) -> float | int | None:
    """A number for JSON: whole numbers as integers, others as floats (one decimal at most here)."""
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)
