"""Common units for what enterprises declare: materials in tonnes, fuels and energy in GJ (and TOE).

Framework-free. The factors are stated here once, and in docs/plan.md:

* energy: 1 kWh = 0.0036 GJ (3.6 MJ, exact); 1 MWh = 3.6 GJ; 1 TOE = 41.868 GJ (the IEA's tonne of oil
  equivalent, also the unit of Vietnam's energy statistics);
* fuels, by net calorific value, the IPCC 2006 Guidelines' defaults (volume 2, table 1.2): anthracite
  coal 26.7 GJ/t, diesel oil 43.0 GJ/t, residual fuel oil 40.4 GJ/t, LPG 47.3 GJ/t, natural gas 48.0 GJ/t,
  wood and biomass 15.6 GJ/t; diesel by volume at 0.84 kg/L (0.03612 GJ/L);
* materials: tonnes, or kilograms at 0.001 t.

A unit that has no factor here is refused rather than guessed.
"""

from __future__ import annotations

from decimal import Decimal

GJ_PER_TOE = Decimal("41.868")

ENERGY_GJ: dict[str, Decimal] = {
    "kWh": Decimal("0.0036"),
    "MWh": Decimal("3.6"),
    "GJ": Decimal(1),
    "TOE": GJ_PER_TOE,
}

#: fuel -> {unit: GJ per unit}
FUEL_GJ: dict[str, dict[str, Decimal]] = {
    "coal": {"t": Decimal("26.7")},
    "diesel": {"t": Decimal("43.0"), "L": Decimal("0.03612")},
    "fuel-oil": {"t": Decimal("40.4")},
    "lpg": {"t": Decimal("47.3")},
    "natural-gas": {"t": Decimal("48.0")},
    "biomass": {"t": Decimal("15.6")},
}

MATERIAL_T: dict[str, Decimal] = {"t": Decimal(1), "kg": Decimal("0.001")}

#: What each of the plan's eight sectors counts its output in: one unit per sector, so that a sector's
#: enterprises can be weighted by their output.
SECTOR_OUTPUT_UNITS: dict[str, str] = {
    "textiles": "t",
    "steel": "t",
    "plastics": "t",
    "chemicals": "t",
    "cement": "t",
    "beverages": "hl",
    "paper": "t",
    "seafood": "t",
}


class UnknownUnit(ValueError):
    """A unit (or a fuel) this module has no factor for."""


def to_common(kind: str, name: str, quantity: Decimal, unit: str) -> tuple[Decimal, str]:
    """``(quantity in the common unit, that unit)``: tonnes for a material, GJ for a fuel or energy."""
    if kind == "material":
        if unit not in MATERIAL_T:
            raise UnknownUnit(f"materials are declared in {' or '.join(MATERIAL_T)}")
        return quantity * MATERIAL_T[unit], "t"
    if kind == "energy":
        if unit not in ENERGY_GJ:
            raise UnknownUnit(f"energy is declared in {', '.join(ENERGY_GJ)}")
        return quantity * ENERGY_GJ[unit], "GJ"
    if kind == "fuel":
        units = FUEL_GJ.get(name)
        if units is None:
            raise UnknownUnit(f"fuels are {', '.join(FUEL_GJ)}")
        if unit not in units:
            raise UnknownUnit(f"{name} is declared in {' or '.join(units)}")
        return quantity * units[unit], "GJ"
    raise UnknownUnit("the kind is material, fuel or energy")


def gj_to_toe(gj: Decimal) -> Decimal:
    return gj / GJ_PER_TOE
