"""Issued labels (the certified fact), their status trail, and label-number counters."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, Enum, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from models.application import Application
    from models.organisation import Organisation
    from models.product import Product
    from models.scheme import CriteriaSet, Scheme

# The stored status; "expired" is never stored: a label reads expired from its valid_until instant on.
LABEL_STATUSES = ("active", "suspended", "withdrawn")

label_products = Table(
    "label_products",
    Base.metadata,
    Column("label_id", ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True),
    Column("product_id", ForeignKey("products.id", ondelete="RESTRICT"), primary_key=True),
)


class Label(Base):
    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(primary_key=True)
    label_number: Mapped[str] = mapped_column(String(40), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", use_alter=True), unique=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    criteria_set_id: Mapped[int] = mapped_column(ForeignKey("criteria_sets.id"))
    kind_code: Mapped[str] = mapped_column(ForeignKey("label_kinds.code"), index=True)
    iso_type: Mapped[str] = mapped_column(String(3))
    holder_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    claims: Mapped[dict] = mapped_column(JSON, default=dict)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    status: Mapped[str] = mapped_column(
        Enum(*LABEL_STATUSES, name="label_status", native_enum=False, create_constraint=True), index=True
    )
    status_reason: Mapped[str] = mapped_column(String(2000), default="")
    # Renewal: the label this one continues; version counts the chain from 1.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("labels.id"))
    version: Mapped[int] = mapped_column(default=1)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Position in the W3C Bitstring Status Lists (the same index in the revocation and suspension lists).
    status_index: Mapped[int | None] = mapped_column(unique=True)

    application: Mapped[Application] = relationship(foreign_keys=[application_id])
    scheme: Mapped[Scheme] = relationship()
    criteria_set: Mapped[CriteriaSet] = relationship()
    holder: Mapped[Organisation] = relationship(foreign_keys=[holder_id])
    issuer: Mapped[Organisation] = relationship(foreign_keys=[issuer_id])
    products: Mapped[list[Product]] = relationship(secondary=label_products, order_by="Product.gtin")
    replaces: Mapped[Label | None] = relationship(remote_side=[id], foreign_keys=[replaces_id])
    events: Mapped[list[LabelEvent]] = relationship(
        back_populates="label", order_by="LabelEvent.id", cascade="all, delete-orphan"
    )


class LabelEvent(Base):
    """One status change of an issued label, with who, when and why."""

    __tablename__ = "label_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(2000), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    label: Mapped[Label] = relationship(back_populates="events")


class NumberCounter(Base):
    """The last number handed out per series (e.g. ``DN-GRN-2026``); bumped atomically in the database."""

    __tablename__ = "number_counters"

    series: Mapped[str] = mapped_column(String(40), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
