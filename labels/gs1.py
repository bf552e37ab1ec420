"""GS1 identifiers: GTIN normalisation and check digits, company prefixes.

Framework-free and shared with ``scanner/``. The check digit is the GS1 modulo-10 algorithm
(GS1 General Specifications, 7.9.1): weights 3 and 1 alternating from the right.
"""

from __future__ import annotations

GTIN_LENGTHS = (8, 12, 13, 14)


class InvalidIdentifier(ValueError):
    """The string is not a valid GS1 identifier; ``rule`` names what is wrong."""

    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for the digits in ``body`` (everything but the check digit)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        total += int(char) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def normalise_gtin(value: str) -> str:
    """GTIN-8/12/13/14 as the 14-digit form, check digit verified.

    Raises :class:`InvalidIdentifier` with rule ``digits``, ``length`` or ``check-digit``.
    """
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        raise InvalidIdentifier("digits", "a GTIN contains digits only")
    if len(text) not in GTIN_LENGTHS:
        raise InvalidIdentifier("length", "a GTIN has 8, 12, 13 or 14 digits")
    expected = check_digit(text[:-1])
    if int(text[-1]) != expected:
        raise InvalidIdentifier("check-digit", f"the check digit should be {expected}, not {text[-1]}")
    return text.zfill(14)


def is_valid_company_prefix(prefix: str) -> bool:
    """A GS1 company prefix is 4 to 12 digits (GS1 General Specifications, 1.4.3)."""
    return prefix.isascii() and prefix.isdigit() and 4 <= len(prefix) <= 12


def gtin_has_prefix(gtin14: str, prefix: str) -> bool:
    """Whether a 14-digit GTIN was allocated under ``prefix`` (which follows the indicator digit)."""
    return gtin14[1 : 1 + len(prefix)] == prefix


def make_gtin(prefix: str, item_reference: int, indicator: str = "0") -> str:
    """A GTIN-14 from a company prefix and an item reference, with its check digit."""
    body_length = 13 - len(prefix)
    body = indicator + prefix + str(item_reference).zfill(body_length - 1)
    if len(body) != 13:
        raise InvalidIdentifier("length", "item reference does not fit the company prefix")
    return body + str(check_digit(body))
