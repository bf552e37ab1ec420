"""Vietnamese enterprise tax codes (mã số thuế).

An enterprise's code is 10 digits whose last digit checks the first nine (weights 31, 29, 23,
19, 17, 13, 7, 5, 3; check = 10 - sum mod 11, per the General Department of Taxation's coding
rules); a dependent branch adds ``-`` and a 3-digit serial (``0300588569-001``).
"""

from __future__ import annotations

import re

_PATTERN = re.compile(r"^(\d{10})(?:-(\d{3}))?$")
_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


class InvalidTaxCode(ValueError):
    def __init__(self, rule: str, message: str):
        super().__init__(message)
        self.rule = rule


def tax_check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or ``None`` when no digit can satisfy the rule."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, _WEIGHTS, strict=True)) % 11
    digit = 10 - remainder
    return digit if 0 <= digit <= 9 else None


def normalise_tax_code(value: str) -> str:
    """The tax code, whitespace stripped, validated; raises :class:`InvalidTaxCode`."""
    text = value.strip()
    match = _PATTERN.match(text)
    if not match:
        raise InvalidTaxCode(
            "format", "a tax code is 10 digits, or 10 digits, '-' and a 3-digit branch number"
        )
    main, branch = match.groups()
    if tax_check_digit(main[:9]) != int(main[9]):
        raise InvalidTaxCode("check-digit", "the tax code's tenth digit does not match its check digit")
    if branch == "000":
        raise InvalidTaxCode("branch", "branch numbers start at 001")
    return text


def make_tax_code(first_nine: str) -> str:
    """A valid 10-digit tax code from nine digits (for demo data and tests)."""
    digit = tax_check_digit(first_nine)
    if digit is None:
        raise InvalidTaxCode("check-digit", f"no check digit exists for {first_nine}")
    return first_nine + str(digit)
