"""The GS1 Application Identifiers the registry reads and writes, and how a value is checked against one.

The table is deliberately small and explicit: only the AIs our Digital Link URIs and EPC URNs use. Each
row copies its specification, its data-attribute flag and its Digital Link primary-key rule (``dlpkey``)
verbatim from the GS1 Barcode Syntax Dictionary, so that a conformance test
(``tests/conformance/test_gs1_syntax_dictionary.py``) can compare every row with the dictionary file.
To support another AI, add its row and, if its specification names a linter not yet in ``_LINTERS``,
that linter.

A specification is whitespace-separated components ``Type[,linter...]``: ``N`` digits, ``X`` GS1 AI
encodable character set 82; ``N14`` exactly 14, ``X..20`` 1 to 20; ``[...]`` optional. Checking a value
raises :class:`labels.gs1.identifiers.InvalidIdentifier` whose ``rule`` says what is wrong and whose
``field`` is the AI.
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date

from labels.gs1.identifiers import InvalidIdentifier, check_digit, is_cset82, normalise_gtin


@dataclass(frozen=True)
class ApplicationIdentifier:
    """One row of the syntax dictionary, as far as the registry uses it."""

    ai: str
    title: str
    #: The dictionary's specification, verbatim: ``N14,csum,gcppos2``.
    spec: str
    #: The dictionary's ``?`` flag: the AI may stand in a Digital Link query string.
    data_attribute: bool = False
    #: The dictionary's ``dlpkey``: ``None`` if the AI is not a Digital Link primary key, else its
    #: alternative sequences of qualifiers, each in the order a path must follow (``((),)`` = none).
    qualifier_sequences: tuple[tuple[str, ...], ...] | None = None

    @property
    def is_primary_key(self) -> bool:
        return self.qualifier_sequences is not None

    @property
    def qualifiers(self) -> frozenset[str]:
        return frozenset(ai for sequence in self.qualifier_sequences or () for ai in sequence)


_NET_WEIGHT_KG = [
    ApplicationIdentifier(f"310{decimals}", "NET WEIGHT (kg)", "N6", True) for decimals in range(6)
]

AIS: dict[str, ApplicationIdentifier] = {
    row.ai: row
    for row in [
        ApplicationIdentifier("00", "SSCC", "N18,csum,gcppos2", True, ((),)),
        ApplicationIdentifier("01", "GTIN", "N14,csum,gcppos2", True, (("22", "10", "21"), ("235",))),
        ApplicationIdentifier("02", "CONTENT", "N14,csum,gcppos2", True),
        ApplicationIdentifier("10", "BATCH/LOT", "X..20", True),
        ApplicationIdentifier("11", "PROD DATE", "N6,yymmd0", True),
        ApplicationIdentifier("13", "PACK DATE", "N6,yymmd0", True),
        ApplicationIdentifier("15", "BEST BEFORE or BEST BY", "N6,yymmd0", True),
        ApplicationIdentifier("16", "SELL BY", "N6,yymmd0", True),
        ApplicationIdentifier("17", "USE BY or EXPIRY", "N6,yymmd0", True),
        ApplicationIdentifier("21", "SERIAL", "X..20"),
        ApplicationIdentifier("22", "CPV", "X..20"),
        ApplicationIdentifier("235", "TPX", "X..28"),
        ApplicationIdentifier("254", "GLN EXTENSION COMPONENT", "X..20"),
        ApplicationIdentifier("30", "VAR. COUNT", "N..8", True),
        *_NET_WEIGHT_KG,
        ApplicationIdentifier("37", "COUNT", "N..8", True),
        ApplicationIdentifier("414", "LOC No.", "N13,csum,gcppos1", True, (("254",), ("7040",))),
        ApplicationIdentifier("7040", "UIC+EXT", "N1 X1 X1 X1,importeridx"),
    ]
}

#: AIs that hold a GTIN: a Digital Link may write them with 8, 12 or 13 digits; we keep 14.
GTIN_AIS = frozenset({"01", "02"})

_COMPONENT = re.compile(r"(\[)?([NX])(\.\.)?(\d+)\]?((?:,[a-z0-9]+)*)\]?")


def gs1_date(value: str, today: date | None = None) -> date:
    """A GS1 ``YYMMDD`` date (``DD`` = ``00`` means the month's last day) as a ``date``.

    The century follows General Specifications 7.12: a year more than 50 years ahead of this one is
    in the past century, one 50 or more years behind it is in the next. Raises rule ``date``.
    """
    if len(value) != 6 or not value.isdigit() or not value.isascii():
        raise InvalidIdentifier("date", "a date is six digits, YYMMDD")
    this_year = (today or date.today()).year
    difference = int(value[:2]) - this_year % 100
    century = this_year // 100 - (difference >= 51) + (difference <= -50)
    year, month, day = century * 100 + int(value[:2]), int(value[2:4]), int(value[4:])
    if not 1 <= month <= 12:
        raise InvalidIdentifier("date", f"there is no month {value[2:4]}")
    last = calendar.monthrange(year, month)[1]
    if day > last:
        raise InvalidIdentifier("date", f"{year}-{month:02d} has no day {value[4:]}")
    return date(year, month, day or last)


def _lint_csum(component: str) -> None:
    expected = check_digit(component[:-1])
    if int(component[-1]) != expected:
        raise InvalidIdentifier("check-digit", f"the check digit should be {expected}, not {component[-1]}")


def _lint_gcppos(offset: int):
    # As the reference linter does without a GCP allocation lookup: the four digits of the shortest
    # company prefix must be there. Numeric keys always pass; the rule is kept for fidelity.
    def lint(component: str) -> None:
        prefix = component[offset : offset + 4]
        if len(prefix) < 4 or not prefix.isdigit():
            raise InvalidIdentifier("company-prefix", "the value does not start with a company prefix")

    return lint


def _lint_yymmd0(component: str) -> None:
    gs1_date(component)


def _lint_importeridx(component: str) -> None:
    if not re.fullmatch(r"[-0-9A-Z_a-z]", component):
        raise InvalidIdentifier("format", f"{component!r} is not an importer index")


_LINTERS = {
    "csum": _lint_csum,
    "gcppos1": _lint_gcppos(0),
    "gcppos2": _lint_gcppos(1),
    "yymmd0": _lint_yymmd0,
    "importeridx": _lint_importeridx,
}


@functools.cache
def _components(spec: str) -> tuple[tuple[bool, str, bool, int, tuple[str, ...]], ...]:
    """A format spec read once: (optional, kind, variable length, length, linters) per component; read on
    every check, it was a third of parsing a Digital Link."""
    parsed = []
    for text in spec.split():
        optional, kind, variable, length, linters = _COMPONENT.fullmatch(text).groups()
        parsed.append(
            (bool(optional), kind, bool(variable), int(length), tuple(filter(None, linters.split(","))))
        )
    return tuple(parsed)


def _check_spec(spec: str, value: str) -> None:
    position = 0
    for optional, kind, variable, length, linters in _components(spec):
        if position == len(value) and optional:
            break
        size = min(length, len(value) - position) if variable else length
        component = value[position : position + size]
        if not component or len(component) < size:
            raise InvalidIdentifier("length", f"too short for {spec.split(',')[0]}")
        if kind == "N" and not (component.isdigit() and component.isascii()):
            raise InvalidIdentifier("digits", "only digits are allowed")
        if kind == "X" and not is_cset82(component):
            bad = next(char for char in component if not is_cset82(char))
            raise InvalidIdentifier("charset", f"{bad!r} is not in GS1 AI encodable character set 82")
        for linter in linters:
            _LINTERS[linter](component)
        position += size
    if position != len(value):
        raise InvalidIdentifier("length", f"too long: at most {position} characters")


def check_value(ai: str, value: str) -> str:
    """``value`` checked against the format of ``ai``; a GTIN comes back as 14 digits.

    Raises :class:`InvalidIdentifier` whose ``field`` is ``ai`` and whose message names the AI.
    """
    row = AIS.get(ai)
    if row is None:
        raise InvalidIdentifier("unknown-ai", f"({ai}) is not an application identifier we support", ai)
    try:
        if ai in GTIN_AIS:
            if not (value.isdigit() and value.isascii()):  # normalise_gtin would strip spaces
                raise InvalidIdentifier("digits", "a GTIN contains digits only")
            value = normalise_gtin(value)
        _check_spec(row.spec, value)
    except InvalidIdentifier as exc:
        raise InvalidIdentifier(exc.rule, f"({ai}) {row.title}: {exc.message}", ai) from exc
    return value
