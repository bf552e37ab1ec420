"""Label numbers, ``DN-GRN-2026-000123``: unique even when several workers issue at once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from labels.common.counters import next_in_series

PROVINCE = "DN"  # Đồng Nai


def next_label_number(session: Session, prefix: str, year: int) -> str:
    """``DN-GRN-2026-000123``: province, kind, year of issue, six-digit serial within them."""
    series = f"{PROVINCE}-{prefix}-{year}"
    return f"{series}-{next_in_series(session, series):06d}"
