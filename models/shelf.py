"""Green-shelf audits: a retailer's check of the codes on one store's shelves, kept as history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow


class ShelfAudit(Base):
    __tablename__ = "shelf_audits"
    __table_args__ = (Index("ix_shelf_audits_org_store", "organisation_id", "store"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: the store (its name or GLN, as the retailer writes it): the history is kept per store
    store: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: where the codes came from: "file" (a CSV or Excel list) or "photos"
    source: Mapped[str] = mapped_column(String(10))
    total: Mapped[int] = mapped_column(default=0)
    valid: Mapped[int] = mapped_column(default=0)
    compliance_percent: Mapped[float] = mapped_column(Float, default=0.0)

    items: Mapped[list[ShelfAuditItem]] = relationship(
        back_populates="audit", cascade="all, delete-orphan", order_by="ShelfAuditItem.position"
    )


class ShelfAuditItem(Base):
    """One code checked in an audit, with its verdict at the time of the audit."""

    __tablename__ = "shelf_audit_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("shelf_audits.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    #: where on the shelf list it came from: "row 7" of the file, or the photo's name
    origin: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(2000))
    verdict: Mapped[str] = mapped_column(String(30))
    gtin: Mapped[str | None] = mapped_column(String(14))
    product_name: Mapped[str | None] = mapped_column(String(300))
    message_vi: Mapped[str] = mapped_column(String(500))
    message_en: Mapped[str] = mapped_column(String(500))

    audit: Mapped[ShelfAudit] = relationship(back_populates="items")
