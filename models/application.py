"""Applications for a label, their evidence, and the trail of every state change."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, Enum, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from models.label import Label
    from models.organisation import Organisation
    from models.product import Product
    from models.scheme import CriteriaSet, Scheme

APPLICATION_STATES = (
    "draft",
    "submitted",
    "under_review",
    "changes_requested",
    "approved",
    "rejected",
    "issued",
)

application_products = Table(
    "application_products",
    Base.metadata,
    Column("application_id", ForeignKey("applications.id", ondelete="CASCADE"), primary_key=True),
    Column("product_id", ForeignKey("products.id", ondelete="RESTRICT"), primary_key=True),
)


class Application(Base):
    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id"), index=True)
    criteria_set_id: Mapped[int] = mapped_column(ForeignKey("criteria_sets.id"))
    state: Mapped[str] = mapped_column(
        Enum(*APPLICATION_STATES, name="application_state", native_enum=False, create_constraint=True),
        index=True,
    )
    claims: Mapped[dict] = mapped_column(JSON, default=dict)
    # Set when a renewal: the label this application would replace.
    renews_label_id: Mapped[int | None] = mapped_column(ForeignKey("labels.id"))
    # A reviewer who approves despite a failing mandatory criterion must say why.
    override_reason: Mapped[str | None] = mapped_column(String(2000))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    applicant: Mapped[Organisation] = relationship()
    scheme: Mapped[Scheme] = relationship()
    criteria_set: Mapped[CriteriaSet] = relationship()
    products: Mapped[list[Product]] = relationship(secondary=application_products, order_by="Product.gtin")
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="application", order_by="Evidence.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[ApplicationEvent]] = relationship(
        back_populates="application", order_by="ApplicationEvent.id", cascade="all, delete-orphan"
    )
    renews_label: Mapped[Label | None] = relationship(foreign_keys=[renews_label_id])
    label: Mapped[Label | None] = relationship(
        primaryjoin="Label.application_id == Application.id", viewonly=True, uselist=False
    )


class ApplicationEvent(Base):
    """One transition: who moved the application from which state to which, when and why."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(2000), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="events")


class Evidence(Base):
    """An uploaded file backing an application; the bytes live in the evidence store by SHA-256."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    criterion_code: Mapped[str | None] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    application: Mapped[Application] = relationship(back_populates="evidence")
