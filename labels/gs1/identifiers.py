"""GS1 identifiers: GTIN, GLN and SSCC normalisation and check digits, company prefixes, and the
character set of alphanumeric AIs (lot and serial numbers).

Framework-free and shared with ``scanner/``. The check digit is the GS1 modulo-10 algorithm
(GS1 General Specifications, 7.9.1): weights 3 and 1 alternating from the right.

Every refusal is an :class:`InvalidIdentifier` whose ``rule`` a caller can show or map to a problem
document; the Digital Link and EPC URN parsers raise its two subclasses::

    InvalidIdentifier            rule, message, field (the AI or part that is wrong, when known)
    +-- InvalidDigitalLink       a GS1 Digital Link URI breaks a rule of the URI syntax standard
    +-- InvalidEpcUrn            an EPC URN breaks a rule of the EPC Tag Data Standard
"""

from __future__ import annotations

import re

GTIN_LENGTHS = (8, 12, 13, 14)
GLN_LENGTH = 13
SSCC_LENGTH = 18

#: GS1 AI encodable character set 82 (General Specifications, figure 7.11-1): what lot numbers,
#: serial numbers and the other alphanumeric AIs may hold. ``%`` to ``?`` is one ASCII run.
_CSET82 = re.compile(r"""[!"%-?A-Z_a-z]*""")


class InvalidIdentifier(ValueError):
    """The string is not a valid GS1 identifier; ``rule`` names what is wrong."""

    def __init__(self, rule: str, message: str, field: str | None = None):
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field


class InvalidDigitalLink(InvalidIdentifier):
    """A GS1 Digital Link URI is malformed; ``field`` is the AI (``"01"``, ``"21"``) or the URI part."""


class InvalidEpcUrn(InvalidIdentifier):
    """An EPC URN is malformed, or names something that has no EPC URN."""


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for the digits in ``body`` (everything but the check digit)."""
    total = 0
    for position, char in enumerate(reversed(body)):
        total += int(char) * (3 if position % 2 == 0 else 1)
    return (10 - total % 10) % 10


def _checked_key(value: str, name: str, lengths: tuple[int, ...]) -> str:
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        raise InvalidIdentifier("digits", f"a {name} contains digits only")
    if len(text) not in lengths:
        counts = ", ".join(str(n) for n in lengths[:-1]) + " or " if len(lengths) > 1 else ""
        raise InvalidIdentifier("length", f"a {name} has {counts}{lengths[-1]} digits")
    expected = check_digit(text[:-1])
    if int(text[-1]) != expected:
        raise InvalidIdentifier("check-digit", f"the check digit should be {expected}, not {text[-1]}")
    return text


def normalise_gtin(value: str) -> str:
    """GTIN-8/12/13/14 as the 14-digit form, check digit verified.

    Raises :class:`InvalidIdentifier` with rule ``digits``, ``length`` or ``check-digit``.
    """
    return _checked_key(value, "GTIN", GTIN_LENGTHS).zfill(14)


def normalise_gln(value: str) -> str:
    """A GLN (Global Location Number, AI 414): 13 digits, check digit verified.

    Raises :class:`InvalidIdentifier` with rule ``digits``, ``length`` or ``check-digit``.
    """
    return _checked_key(value, "GLN", (GLN_LENGTH,))


def normalise_sscc(value: str) -> str:
    """An SSCC (Serial Shipping Container Code, AI 00): 18 digits, check digit verified.

    Raises :class:`InvalidIdentifier` with rule ``digits``, ``length`` or ``check-digit``.
    """
    return _checked_key(value, "SSCC", (SSCC_LENGTH,))


def is_cset82(value: str) -> bool:
    """Whether every character of ``value`` is in the GS1 AI encodable character set 82."""
    return _CSET82.fullmatch(value) is not None


def check_cset82(value: str, max_length: int = 20, what: str = "value") -> str:
    """``value`` if it is 1 to ``max_length`` characters of character set 82 (lot and serial: 20).

    Raises :class:`InvalidIdentifier` with rule ``length`` or ``charset``.
    """
    if not 1 <= len(value) <= max_length:
        raise InvalidIdentifier("length", f"a {what} has 1 to {max_length} characters")
    if not is_cset82(value):
        bad = next(char for char in value if not is_cset82(char))
        raise InvalidIdentifier(
            "charset", f"a {what} may not contain {bad!r} (GS1 AI encodable character set 82)"
        )
    return value


def is_valid_company_prefix(prefix: str) -> bool:
    """A GS1 company prefix is 4 to 12 digits (GS1 General Specifications, 1.4.3)."""
    return prefix.isascii() and prefix.isdigit() and 4 <= len(prefix) <= 12


def gtin_has_prefix(gtin14: str, prefix: str) -> bool:
    """Whether a 14-digit GTIN was allocated under ``prefix`` (which follows the indicator digit)."""
    return gtin14[1 : 1 + len(prefix)] == prefix


def make_gln(prefix: str, location_reference: int) -> str:
    """A GLN from a company prefix and a location reference, with its check digit."""
    body = prefix + str(location_reference).zfill(12 - len(prefix))
    if len(body) != 12:
        raise InvalidIdentifier("length", "location reference does not fit the company prefix")
    return body + str(check_digit(body))


def make_sscc(prefix: str, serial_reference: int, extension: str = "0") -> str:
    """An SSCC (18 digits) from an extension digit, a company prefix and a serial reference."""
    body = extension + prefix + str(serial_reference).zfill(16 - len(prefix))
    if len(body) != 17:
        raise InvalidIdentifier("length", "serial reference does not fit the company prefix")
    return body + str(check_digit(body))


def make_gtin(prefix: str, item_reference: int, indicator: str = "0") -> str:
    """A GTIN-14 from a company prefix and an item reference, with its check digit."""
    body_length = 13 - len(prefix)
    body = indicator + prefix + str(item_reference).zfill(body_length - 1)
    if len(body) != 13:
        raise InvalidIdentifier("length", "item reference does not fit the company prefix")
    return body + str(check_digit(body))
