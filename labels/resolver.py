"""What a scanned code says: the verdict behind the GS1 Digital Link resolver and the consumer page.

Framework-free (no Flask): ``resolve`` takes the session, the parsed Digital Link, the signed claim
from the query (if the code carried one) and the time, and answers with a :class:`Resolution`. The
verdict uses the scanner's words::

    valid  expired  suspended  withdrawn  serial-not-issued  not-registered  forged

The rules, in order:

1. An unknown GTIN, or a product that is neither published nor labelled: ``not-registered``.
2. A claim in the query is verified with the registry's own keys; a claim that does not parse, names a
   key we never published, or whose signature does not cover the scanned path: ``forged``.
3. A serial in the path that was never issued for that GTIN (or not in the lot the path names):
   ``serial-not-issued``. The product's labels are still shown.
4. The labels (those the claim names when it verified, else the product's): any withdrawn ->
   ``withdrawn``; any suspended -> ``suspended``; none active and some expired -> ``expired``; at least
   one active -> ``valid``.
5. A registered product with no label at all: ``not-registered``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.digital_link import DigitalLink
from labels.lots import find_serial
from labels.qrclaim import ClaimError, canonical_path, claim_keys, parse_claim, verify_claim
from labels.trust import jwks
from labels.workflow import effective_status
from models import Label, Lot, Organisation, Product

VERDICTS = (
    "valid",
    "expired",
    "suspended",
    "withdrawn",
    "serial-not-issued",
    "not-registered",
    "forged",
)

#: (Vietnamese, English) sentence per verdict; ``not-registered`` has a second one for a registered
#: product that carries no label.
MESSAGES: dict[str, tuple[str, str]] = {
    "valid": (
        "Sản phẩm đã đăng ký và nhãn sinh thái còn hiệu lực.",
        "This product is registered and its eco-label is valid.",
    ),
    "expired": (
        "Nhãn sinh thái của sản phẩm này đã hết hiệu lực.",
        "The eco-label of this product has expired.",
    ),
    "suspended": (
        "Nhãn sinh thái của sản phẩm này đang bị đình chỉ: hiện không được sử dụng.",
        "The eco-label of this product is suspended: it may not be used for now.",
    ),
    "withdrawn": (
        "Nhãn sinh thái của sản phẩm này đã bị thu hồi.",
        "The eco-label of this product was withdrawn.",
    ),
    "serial-not-issued": (
        "Mã này chưa bao giờ được cấp cho sản phẩm này: có thể là hàng giả.",
        "This code was never issued for this product: it is likely a counterfeit.",
    ),
    "not-registered": (
        "Sản phẩm này không có trong sổ đăng ký nhãn sinh thái.",
        "This product is not in the eco-label registry.",
    ),
    "forged": (
        "Mã này không do cơ quan đăng ký ký: đây là mã giả mạo.",
        "This code was not signed by the registry: it is forged.",
    ),
}
NO_LABEL = (
    "Sản phẩm đã đăng ký nhưng chưa có nhãn sinh thái nào.",
    "This product is registered but carries no eco-label.",
)


@dataclass(frozen=True)
class ResolvedLabel:
    """A label with its status now (``active``, ``suspended``, ``withdrawn`` or ``expired``)."""

    label: Label
    status: str


@dataclass(frozen=True)
class Resolution:
    verdict: str
    link: DigitalLink
    product: Product | None = None
    holder: Organisation | None = None
    labels: tuple[ResolvedLabel, ...] = ()
    #: the lot the path names, when it is known for the product (or the issued serial's lot)
    lot: Lot | None = None
    #: the serial the path names (``None`` when it names none) and whether it was issued
    serial: str | None = None
    serial_found: bool | None = None
    #: whether the claim in the query verified; ``None`` when the code carried no claim
    genuine: bool | None = None
    message_vi: str = ""
    message_en: str = ""
    claim_labels: tuple[str, ...] = field(default=())


def resolve(session: Session, link: DigitalLink, raw_query_claim: str | None, now: datetime) -> Resolution:
    """The verdict on the scanned ``link`` (and the claim its query carried, if any) at ``now``."""
    serial = link.qualifier("21")
    product = (
        session.scalar(select(Product).where(Product.gtin == link.primary))
        if link.primary_ai == "01"
        else None
    )
    if product is None:
        return _answer("not-registered", link, serial=serial)
    labels = _product_labels(session, product)
    if not product.published and not labels:
        return _answer("not-registered", link, serial=serial)

    known = {
        "product": product,
        "holder": product.holder,
        "serial": serial,
        "lot": _lot(session, product, link.qualifier("10")),
    }

    genuine = None
    claimed: tuple[str, ...] = ()
    if raw_query_claim is not None:
        try:
            fields, signature = parse_claim(raw_query_claim)
            verify_claim(
                canonical_path(link.path()), fields, signature, claim_keys(jwks(session)).__getitem__
            )
        except ClaimError:
            return _answer("forged", link, genuine=False, labels=_statuses(labels, now), **known)
        genuine, claimed = True, fields.labels

    serial_found = None
    if serial is not None:
        issued = find_serial(session, product.gtin, serial)
        lot_number = link.qualifier("10")
        serial_found = issued is not None and (
            lot_number is None or _lot_number(session, issued.lot_id) == lot_number
        )
        if not serial_found:
            return _answer(
                "serial-not-issued",
                link,
                genuine=genuine,
                serial_found=False,
                labels=_statuses(labels, now),
                **known,
            )
        known["lot"] = session.get(Lot, issued.lot_id)

    if claimed:
        by_number = {label.label_number: label for label in labels}
        missing = [number for number in claimed if number not in by_number]
        extra = session.scalars(select(Label).where(Label.label_number.in_(missing))).all() if missing else []
        by_number |= {label.label_number: label for label in extra}
        labels = [by_number[number] for number in claimed if number in by_number]
    resolved = _statuses(labels, now)
    statuses = {item.status for item in resolved}
    if not resolved:
        verdict, messages = "not-registered", NO_LABEL
    elif "withdrawn" in statuses:
        verdict, messages = "withdrawn", None
    elif "suspended" in statuses:
        verdict, messages = "suspended", None
    elif "active" not in statuses:
        verdict, messages = "expired", None
    else:
        verdict, messages = "valid", None
    return _answer(
        verdict,
        link,
        genuine=genuine,
        serial_found=serial_found,
        labels=resolved,
        claim_labels=claimed,
        messages=messages,
        **known,
    )


def _answer(verdict: str, link: DigitalLink, messages: tuple[str, str] | None = None, **fields) -> Resolution:
    message_vi, message_en = messages or MESSAGES[verdict]
    return Resolution(verdict=verdict, link=link, message_vi=message_vi, message_en=message_en, **fields)


def _product_labels(session: Session, product: Product) -> list[Label]:
    query = select(Label).where(Label.products.any(Product.id == product.id)).order_by(Label.label_number)
    return list(session.scalars(query))


def _statuses(labels: list[Label], now: datetime) -> tuple[ResolvedLabel, ...]:
    return tuple(ResolvedLabel(label, effective_status(label, now)) for label in labels)


def _lot(session: Session, product: Product, lot_number: str | None) -> Lot | None:
    if lot_number is None:
        return None
    return session.scalar(select(Lot).where(Lot.product_id == product.id, Lot.lot_number == lot_number))


def _lot_number(session: Session, lot_id: int) -> str | None:
    return session.scalar(select(Lot.lot_number).where(Lot.id == lot_id))
