"""Counters that never hand out the same number twice, even when several workers ask at once.

A counter row per series is bumped with one ``UPDATE ... RETURNING`` statement: the database
serialises concurrent bumps on the row, so no two transactions ever get the same number. Label
numbers (``labels.certification.numbers``) and status-list indexes (``labels.trust.credentials``)
both count this way.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import NumberCounter


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
