"""Human-friendly serial numbers, unique even when several workers issue at once.

A counter row per series is bumped with one ``UPDATE ... RETURNING`` statement: the database
serialises concurrent bumps on the row, so no two transactions ever get the same number.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import NumberCounter

PROVINCE = "DN"  # Đồng Nai


def next_in_series(session: Session, series: str) -> int:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(NumberCounter).values(series=series, last=0).on_conflict_do_nothing())
    bumped = session.execute(
        update(NumberCounter)
        .where(NumberCounter.series == series)
        .values(last=NumberCounter.last + 1)
        .returning(NumberCounter.last)
    ).scalar_one()
    return bumped


def next_label_number(session: Session, prefix: str, year: int) -> str:
    """``DN-GRN-2026-000123``: province, kind, year of issue, six-digit serial within them."""
    series = f"{PROVINCE}-{prefix}-{year}"
    return f"{series}-{next_in_series(session, series):06d}"
