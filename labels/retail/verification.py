"""Checking many codes at once (a supermarket's shelf, a warehouse delivery): each code's live verdict.

A code is a Digital Link URI (with or without the signed claim) or a bare GTIN from a barcode. Each is
answered by the resolver's own rules (:mod:`labels.codes.resolver`), so a shelf audit, the verify API and a
consumer's scan never disagree. Text that is neither is ``not-an-ecoreg-code``, not an error: one bad
line must not spoil a report of a thousand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from labels.codes.qrclaim import split_claim
from labels.codes.resolver import Resolution, resolve_facts
from labels.gs1.digital_link import DigitalLink, parse_digital_link
from labels.gs1.identifiers import InvalidIdentifier, normalise_gtin

MAX_CODES = 1000
NOT_ECOREG = (
    "Đây không phải mã sản phẩm GS1 (Digital Link hoặc GTIN).",
    "This is not a GS1 product code (a Digital Link or a GTIN).",
)


@dataclass(frozen=True)
class CodeResult:
    code: str
    verdict: str
    message_vi: str
    message_en: str
    gtin: str | None = None
    lot: str | None = None
    serial: str | None = None
    genuine: bool | None = None
    product_vi: str | None = None
    product_en: str | None = None
    labels: tuple[dict, ...] = ()

    def as_dict(self, language: str = "vi") -> dict:
        return {
            "code": self.code,
            "verdict": self.verdict,
            "message": self.message_en if language == "en" else self.message_vi,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "gtin": self.gtin,
            "lot": self.lot,
            "serial": self.serial,
            "genuine": self.genuine,
            "product": self.product_vi and {"name_vi": self.product_vi, "name_en": self.product_en},
            "labels": list(self.labels),
        }

    @property
    def passes(self) -> bool:
        return self.verdict == "valid"


def read_code(text: str) -> tuple[DigitalLink, str | None] | None:
    """The Digital Link and claim a scanned text names, or ``None`` when it is no GS1 product code."""
    text = text.strip()
    if text.isdigit():
        try:
            return DigitalLink("01", normalise_gtin(text)), None
        except InvalidIdentifier:
            return None
    if not text.lower().startswith(("http://", "https://")):
        return None
    claim, rest = split_claim(urlsplit(text).query)
    base = text.split("?", 1)[0]
    try:
        link = parse_digital_link(base + (f"?{rest}" if rest else ""))
    except InvalidIdentifier:
        return None
    return (link, claim) if link.primary_ai == "01" else None


def verify_codes(session: Session, codes: list[str], now: datetime) -> list[CodeResult]:
    """The verdict on each code, in order. Repeated codes are resolved once."""
    answered: dict[str, CodeResult] = {}
    results = []
    for code in codes:
        if code not in answered:
            answered[code] = _verify(session, code, now)
        results.append(answered[code])
    return results


def _verify(session: Session, code: str, now: datetime) -> CodeResult:
    read = read_code(code)
    if read is None:
        return CodeResult(code[:500], "not-an-ecoreg-code", *NOT_ECOREG)
    link, claim = read
    resolution = resolve_facts(session, link, claim, now)  # plain facts: no ORM rows to build
    return _result(code, resolution)


def _result(code: str, r: Resolution) -> CodeResult:
    product = r.product
    return CodeResult(
        code=code[:500],
        verdict=r.verdict,
        message_vi=r.message_vi,
        message_en=r.message_en,
        gtin=r.link.primary,
        lot=r.link.qualifier("10"),
        serial=r.serial,
        genuine=r.genuine,
        product_vi=product.name_vi if product else None,
        product_en=(product.name_en or product.name_vi) if product else None,
        labels=tuple(
            {
                "label_number": item.label.label_number,
                "status": item.status,
                "valid_until": item.label.valid_until.isoformat(),
            }
            for item in r.labels
        ),
    )
