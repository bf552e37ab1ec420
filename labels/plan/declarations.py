"""Enterprises' yearly consumption declarations, and what they give the plan: each sector's reduction.

An enterprise of one of the plan's eight sectors declares, for a year, its output (in its sector's unit)
and the materials, fuels and energy it consumed. Converted to tonnes and GJ (``labels.plan.conversion``),
these give two intensities per unit of output. Against the enterprise's baseline year (2022 unless it
declares another):

    change = mean over material and energy, where both years have them, of (1 - I_year / I_baseline) x 100

(positive is a reduction). A sector's change is the output-weighted mean of its enterprises' changes,
weighted by their output in the year; the province's value for the target is the mean of its sectors'.

Figures that cannot be right (negative, no output, a unit that does not fit) are refused with the rule
named; figures that could be right but probably are not (an intensity ten times the previous year's, or
a tenth of it) are kept and flagged for the reviewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.errors import FieldIssue, InvalidInput, NotFound, PermissionDenied
from labels.plan.conversion import SECTOR_OUTPUT_UNITS, UnknownUnit, to_common
from labels.registry import audit
from labels.registry.permissions import Principal, require_scope
from models import INPUT_KINDS, ConsumptionDeclaration, DeclarationInput, Organisation, Plan, utcnow

PLAN_SECTORS = tuple(SECTOR_OUTPUT_UNITS)
MAX_QUANTITY = Decimal("1e12")
MAX_INPUTS = 50
TENFOLD = Decimal(10)


@dataclass(frozen=True)
class Intensity:
    material: Decimal | None  # tonnes of material per unit of output
    energy: Decimal | None  # GJ of fuel and energy per unit of output


def intensity(declaration: ConsumptionDeclaration) -> Intensity:
    totals = {"t": Decimal(0), "GJ": Decimal(0)}
    present = set()
    for line in declaration.inputs:
        totals[line.common_unit] += line.common_quantity
        present.add(line.common_unit)
    output = declaration.output_quantity
    return Intensity(
        totals["t"] / output if "t" in present else None,
        totals["GJ"] / output if "GJ" in present else None,
    )


def change(current: ConsumptionDeclaration, baseline: ConsumptionDeclaration) -> Decimal | None:
    """The reduction in % against the baseline, as the module says; ``None`` with nothing to compare."""
    now, then = intensity(current), intensity(baseline)
    changes = [
        (1 - a / b) * 100
        for a, b in ((now.material, then.material), (now.energy, then.energy))
        if a is not None and b
    ]
    return sum(changes) / len(changes) if changes else None


# --- reading -------------------------------------------------------------------------------------


def _may_see(actor: Principal, organisation_id: int) -> bool:
    return actor.member_of(organisation_id) or actor.is_admin


def list_declarations(
    session: Session, actor: Principal, plan: Plan, organisation_id: int | None = None
) -> list[ConsumptionDeclaration]:
    """The caller's own declarations (administrators: everyone's); an enterprise's figures are private."""
    require_scope(actor, "plan:read")
    query = select(ConsumptionDeclaration).where(ConsumptionDeclaration.plan_id == plan.id)
    if organisation_id is not None:
        query = query.where(ConsumptionDeclaration.organisation_id == organisation_id)
    query = query.order_by(
        ConsumptionDeclaration.organisation_id, ConsumptionDeclaration.sector, ConsumptionDeclaration.year
    )
    return [d for d in session.scalars(query) if _may_see(actor, d.organisation_id)]


def get_declaration(session: Session, actor: Principal, declaration_id: int) -> ConsumptionDeclaration:
    require_scope(actor, "plan:read")
    found = session.get(ConsumptionDeclaration, declaration_id)
    if found is None or not _may_see(actor, found.organisation_id):
        raise NotFound("no such declaration")
    return found


# --- writing -------------------------------------------------------------------------------------


@dataclass
class Checked:
    """A declaration's fields, normalised, ready to store."""

    organisation: Organisation
    sector: str
    year: int
    output_quantity: Decimal
    output_unit: str
    baseline_year: int
    inputs: list[tuple[str, str, Decimal, str, Decimal, str]]  # kind, name, quantity, unit, common, unit


def check(session: Session, actor: Principal, plan: Plan, data: dict) -> Checked:
    """Every rule of one declaration at once; the permission first."""
    require_scope(actor, "plan:write")
    holder_id = data.get("organisation_id")
    holder = session.get(Organisation, holder_id) if isinstance(holder_id, int) else None
    if holder is None or holder.kind != "enterprise":
        raise InvalidInput.one("organisation_id", "exists", "name an enterprise registered here")
    if holder.id not in actor.organisation_ids("enterprise") and actor.channel not in ("cli", "system"):
        raise PermissionDenied("only the enterprise's own members declare its consumption")
    issues: list[FieldIssue] = []
    sector = data.get("sector") or holder.sector
    if sector not in PLAN_SECTORS:
        issues.append(
            FieldIssue("sector", "one-of", f"one of the plan's eight sectors: {', '.join(PLAN_SECTORS)}")
        )
    year = data.get("year")
    last = min(plan.end_year, utcnow().year)
    if not isinstance(year, int) or not plan.start_year <= year <= last:
        issues.append(FieldIssue("year", "range", f"a year from {plan.start_year} to {last}"))
    baseline_year = data.get("baseline_year") or plan.start_year
    if not isinstance(baseline_year, int) or not plan.start_year <= baseline_year <= last:
        issues.append(FieldIssue("baseline_year", "range", f"a year from {plan.start_year} to {last}"))
    output = _quantity(data.get("output_quantity"), "output_quantity", issues, positive=True)
    output_unit = data.get("output_unit") or SECTOR_OUTPUT_UNITS.get(sector)  # the sector's, when not given
    if sector in PLAN_SECTORS and output_unit != SECTOR_OUTPUT_UNITS[sector]:
        unit = SECTOR_OUTPUT_UNITS[sector]
        issues.append(
            FieldIssue("output_unit", "sector-unit", f"the {sector} sector counts its output in {unit}")
        )
    inputs = data.get("inputs") or []
    if not isinstance(inputs, list) or not 1 <= len(inputs) <= MAX_INPUTS:
        issues.append(FieldIssue("inputs", "length", f"declare 1 to {MAX_INPUTS} materials, fuels or energy"))
        inputs = []
    lines = []
    seen = set()
    for index, given in enumerate(inputs):
        where = f"inputs[{index}]"
        given = given if isinstance(given, dict) else {}
        kind, name, unit = (
            given.get("kind"),
            str(given.get("name") or "").strip(),
            str(given.get("unit") or ""),
        )
        if kind not in INPUT_KINDS:
            issues.append(FieldIssue(f"{where}.kind", "one-of", f"one of {', '.join(INPUT_KINDS)}"))
            continue
        if not name or len(name) > 60:
            issues.append(FieldIssue(f"{where}.name", "length", "a name of 1 to 60 characters"))
            continue
        if (kind, name) in seen:
            issues.append(FieldIssue(f"{where}.name", "unique", f"{name} is declared twice"))
            continue
        seen.add((kind, name))
        quantity = _quantity(given.get("quantity"), f"{where}.quantity", issues)
        if quantity is None:
            continue
        try:
            common, common_unit = to_common(kind, name, quantity, unit)
        except UnknownUnit as exc:
            issues.append(FieldIssue(f"{where}.unit", "unit", str(exc)))
            continue
        lines.append((kind, name, quantity, unit, common, common_unit))
    if issues:
        raise InvalidInput(issues)
    return Checked(holder, sector, year, output, output_unit, baseline_year, lines)


def _quantity(raw: object, field: str, issues: list[FieldIssue], positive: bool = False) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip().replace(",", ".")) if raw is not None and raw != "" else None
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        issues.append(FieldIssue(field, "number", "a number"))
        return None
    if value < 0 or (positive and value == 0) or value > MAX_QUANTITY:
        low = "above 0" if positive else "from 0"
        issues.append(FieldIssue(field, "range", f"a number {low} to 1,000,000,000,000"))
        return None
    return value


def declare(session: Session, actor: Principal, plan: Plan, data: dict) -> ConsumptionDeclaration:
    """Store a year's declaration, replacing the enterprise's earlier one for that year and sector."""
    return store(session, actor, plan, check(session, actor, plan, data))


def store(session: Session, actor: Principal, plan: Plan, checked: Checked) -> ConsumptionDeclaration:
    found = session.scalar(
        select(ConsumptionDeclaration).where(
            ConsumptionDeclaration.plan_id == plan.id,
            ConsumptionDeclaration.organisation_id == checked.organisation.id,
            ConsumptionDeclaration.sector == checked.sector,
            ConsumptionDeclaration.year == checked.year,
        )
    )
    if found is None:
        found = ConsumptionDeclaration(
            plan_id=plan.id, organisation=checked.organisation, sector=checked.sector
        )
        found.year = checked.year
        session.add(found)
    found.output_quantity = checked.output_quantity
    found.output_unit = checked.output_unit
    found.baseline_year = checked.baseline_year
    found.created_by_id = actor.user_id
    found.updated_at = utcnow()
    found.inputs = [
        DeclarationInput(kind=k, name=n, quantity=q, unit=u, common_quantity=c, common_unit=cu)
        for k, n, q, u, c, cu in checked.inputs
    ]
    found.flags = _flags(session, found)
    session.flush()  # the declaration's id, for the audit entry
    audit.record(
        session, actor, "declaration.store", "consumption_declaration", found.id, checked.organisation.id,
        year=checked.year, sector=checked.sector, flags=found.flags,
    )  # fmt: skip
    return found


def _flags(session: Session, declaration: ConsumptionDeclaration) -> list[str]:
    """Rules a reviewer should look at: an intensity ten times the previous year's, or a tenth of it."""
    previous = session.scalar(
        select(ConsumptionDeclaration).where(
            ConsumptionDeclaration.plan_id == declaration.plan_id,
            # the relationship, not the column: a new declaration has no organisation_id before its flush
            ConsumptionDeclaration.organisation_id == declaration.organisation.id,
            ConsumptionDeclaration.sector == declaration.sector,
            ConsumptionDeclaration.year == declaration.year - 1,
        )
    )
    if previous is None:
        return []
    now, then = intensity(declaration), intensity(previous)
    flags = []
    for name, a, b in (("material", now.material, then.material), ("energy", now.energy, then.energy)):
        if a is not None and b and (a / b >= TENFOLD or a / b <= 1 / TENFOLD):
            flags.append(f"tenfold-{name}-change")
    return flags


# --- what the sectors achieved -------------------------------------------------------------------


@dataclass(frozen=True)
class SectorChange:
    sector: str
    change: Decimal | None  # % reduction, output-weighted
    enterprises: int  # enterprises counted (with a baseline to compare with)
    declared: int  # enterprises that declared for the year
    flagged: int


def sector_changes(session: Session, plan: Plan, year: int) -> dict[str, SectorChange]:
    """Every plan sector's reduction for ``year`` against its enterprises' baselines (public aggregates)."""
    declarations = session.scalars(
        select(ConsumptionDeclaration).where(ConsumptionDeclaration.plan_id == plan.id)
    ).all()
    by_key = {(d.organisation_id, d.sector, d.year): d for d in declarations}
    result = {}
    for sector in PLAN_SECTORS:
        weighted, weights, counted, declared, flagged = Decimal(0), Decimal(0), 0, 0, 0
        for d in declarations:
            if d.sector != sector or d.year != year:
                continue
            declared += 1
            flagged += bool(d.flags)
            baseline = by_key.get((d.organisation_id, sector, d.baseline_year))
            if baseline is None or baseline.year >= year:
                continue
            reduction = change(d, baseline)
            if reduction is None:
                continue
            weighted += reduction * d.output_quantity
            weights += d.output_quantity
            counted += 1
        value = round_tenth(weighted / weights) if weights else None
        result[sector] = SectorChange(sector, value, counted, declared, flagged)
    return result


def province_change(changes: dict[str, SectorChange]) -> Decimal | None:
    """The target's value: the mean of the sectors' reductions, over the sectors that have one."""
    values = [c.change for c in changes.values() if c.change is not None]
    return round_tenth(sum(values) / len(values)) if values else None


def round_tenth(value: Decimal) -> Decimal:
    """Every figure of the plan: one decimal, rounded half up."""
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
