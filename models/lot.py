"""Production lots of a product, the serial numbers issued in them, and the jobs that issue them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from models.product import Product

JOB_STATES = ("running", "done", "failed")


class Lot(Base):
    __tablename__ = "lots"
    __table_args__ = (UniqueConstraint("product_id", "lot_number", name="uq_lots_product_lot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    lot_number: Mapped[str] = mapped_column(String(20))
    production_date: Mapped[date | None] = mapped_column(Date)
    expiry_date: Mapped[date | None] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(default=0)
    site_gln: Mapped[str | None] = mapped_column(String(13))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    product: Mapped[Product] = relationship()


class SerialJob(Base):
    """A request to issue N serials in a lot; the idempotency key makes a retried request a no-op."""

    __tablename__ = "serial_jobs"
    __table_args__ = (UniqueConstraint("lot_id", "idempotency_key", name="uq_serial_jobs_lot_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    requested: Mapped[int]
    issued: Mapped[int] = mapped_column(default=0)
    state: Mapped[str] = mapped_column(
        Enum(*JOB_STATES, name="serial_job_state", native_enum=False, create_constraint=True)
    )
    error: Mapped[str] = mapped_column(String(2000), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    lot: Mapped[Lot] = relationship()


class Serial(Base):
    """One serialised item: GTIN + lot + serial, with the signed claim printed in its QR code."""

    __tablename__ = "serials"
    __table_args__ = (
        UniqueConstraint("product_id", "serial", name="uq_serials_product_serial"),
        Index("ix_serials_lot_id", "lot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    job_id: Mapped[int] = mapped_column(ForeignKey("serial_jobs.id"))
    serial: Mapped[str] = mapped_column(String(20))
    # The code's query string (the compact signed claim), so codes print without signing again.
    claim: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
