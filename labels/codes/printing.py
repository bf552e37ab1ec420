"""What the registry prints: a label's artwork for one of its products and a lot's sheet of codes.

The ORM side of ``labels/codes/artwork.py`` and ``labels/codes/sheet.py``, which take plain values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.certification.workflow import effective_status, get_label
from labels.codes import lots
from labels.codes.artwork import LabelArt, render_label_png
from labels.codes.qrclaim import digital_link_path
from labels.codes.sheet import lot_sheet_pdf
from labels.common.validation import gtin_input
from labels.errors import Conflict, InvalidInput, NotFound
from labels.registry.permissions import Principal
from models import Label, Product, Serial, utcnow

#: The most codes one sheet request renders (20 A4 pages); ask for the rest with ``start``.
MAX_SHEET_CODES = 700


def product_link(base_url: str, gtin: str) -> str:
    """The product's GTIN-level Digital Link on the registry host (no claim)."""
    return f"https://{urlsplit(base_url).netloc}{digital_link_path(gtin)}"


def _product_of(label: Label, gtin: str | None) -> Product:
    if not gtin:
        if len(label.products) == 1:
            return label.products[0]
        raise InvalidInput.one("gtin", "required", "the label covers several products: name one by its GTIN")
    gtin14 = gtin_input(gtin)
    for product in label.products:
        if product.gtin == gtin14:
            return product
    raise NotFound(f"label {label.label_number} does not cover GTIN {gtin14}")


def _art(label: Label, qr_text: str) -> LabelArt:
    claims = label.claims or {}
    carbon = claims.get("pcf_excluding_biogenic")
    recycled = claims.get("recycled_content_percent")
    return LabelArt(
        kind=label.kind_code,
        name_vi=label.scheme.name_vi,
        name_en=label.scheme.name_en or label.scheme.name_vi,
        label_number=label.label_number,
        valid_until=label.valid_until.astimezone(UTC).date(),
        qr_text=qr_text,
        stars=claims.get("stars"),
        energy_class=claims.get("energy_class"),
        carbon_value=(
            f"{carbon:g} kg CO2e / {claims.get('declared_unit', 'unit')}" if carbon is not None else None
        ),
        recycled_percent=float(recycled) if recycled is not None else None,
    )


def label_artwork(
    session: Session,
    label_number: str,
    gtin: str | None,
    base_url: str,
    dpi: int = 300,
    now: datetime | None = None,
) -> bytes:
    """The PNG artwork of an active label for one of its products (public, as labels are)."""
    label = get_label(session, label_number)
    product = _product_of(label, gtin)
    status = effective_status(label, now or utcnow())
    if status != "active":
        detail = f"label {label.label_number} is {status}: it cannot be printed"
        raise Conflict(detail, rule="label-not-active")
    return render_label_png(_art(label, product_link(base_url, product.gtin)), dpi=dpi)


def lot_sheet(
    session: Session, actor: Principal, lot_id: int, base_url: str, start: int = 0, count: int | None = None
) -> bytes:
    """A PDF sheet of the lot's codes in the order they were issued, from the ``start``-th, at most
    :data:`MAX_SHEET_CODES`; the holder and certifiers only, like the lot."""
    lot = lots.get_lot(session, actor, lot_id)
    limit = min(count or MAX_SHEET_CODES, MAX_SHEET_CODES)
    serials = session.scalars(
        select(Serial).where(Serial.lot_id == lot.id).order_by(Serial.id).offset(start).limit(limit)
    ).all()
    product = lot.product
    codes = [(s.serial, lots.code_uri(base_url, product, lot, s)) for s in serials]
    title = f"{product.name_vi} · GTIN {product.gtin} · lô/lot {lot.lot_number}"
    if serials:
        title += f" · {start + 1}–{start + len(serials)}"
    return lot_sheet_pdf(codes, title)
