"""Production lots of a product, the serial numbers issued in them, and the jobs that issue them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from models.product import Product

#: queued (accepted, committed, waiting for a worker), running (a worker is signing it in chunks),
#: succeeded (every serial issued at once), failed (nothing issued; ``error`` says why).
JOB_STATES = ("queued", "running", "succeeded", "failed")


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
    """A request to issue N serials in a lot; the idempotency key makes a retried request a no-op.

    ``issued`` counts the serials signed so far; they stay in :class:`PendingSerial` until the job
    succeeds, so a lot never shows part of a job.
    """

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
    # The worker's last sign of life (the job claimed, a chunk committed): a running job silent for
    # too long belonged to a worker that died, and is failed rather than left running for ever.
    progressed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    lot: Mapped[Lot] = relationship()


class PendingSerial(Base):
    """A serial signed by a job that is still running: not issued, never resolved or printed.

    The job moves its pending serials into :class:`Serial` in one transaction when it succeeds, and
    deletes them when it fails.
    """

    __tablename__ = "pending_serials"
    __table_args__ = (UniqueConstraint("job_id", "serial", name="uq_pending_serials_job_serial"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("serial_jobs.id"))
    serial: Mapped[str] = mapped_column(String(20))
    claim: Mapped[str] = mapped_column(Text)


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
