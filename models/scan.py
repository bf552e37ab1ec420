"""Scans of codes, kept without personal data, for the authority's counterfeit signals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime

CLIENT_CLASSES = ("browser", "app", "api", "scanner")


class Scan(Base):
    """One code checked: when, what, the verdict, what kind of client, and the district if offered.

    No IP address, no user agent string, no account: nothing here identifies who scanned.
    """

    __tablename__ = "scans"
    __table_args__ = (
        Index("ix_scans_gtin_serial", "gtin", "serial"),
        Index("ix_scans_verdict_time", "verdict", "scanned_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    gtin: Mapped[str] = mapped_column(String(14))
    lot: Mapped[str | None] = mapped_column(String(20))
    serial: Mapped[str | None] = mapped_column(String(20))
    verdict: Mapped[str] = mapped_column(String(30))
    client_class: Mapped[str] = mapped_column(String(10))
    district: Mapped[str | None] = mapped_column(String(40))
