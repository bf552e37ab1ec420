"""Organisations (the tenants) and who belongs to them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Enum, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from models.product import Product
    from models.user import User

#: agency: a department, district or board that the action plan gives tasks and that reports on them.
ORGANISATION_KINDS = ("enterprise", "retailer", "certifier", "authority", "agency")
ROLES = ("admin", "certifier", "enterprise", "retailer", "reporter")


class Organisation(Base):
    __tablename__ = "organisations"
    # A public agency is known by its code; every other organisation by its tax code (mã số thuế).
    __table_args__ = (CheckConstraint("tax_code IS NOT NULL OR kind = 'agency'", name="tax_code_required"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(
        Enum(*ORGANISATION_KINDS, name="organisation_kind", native_enum=False, create_constraint=True)
    )
    legal_name: Mapped[str] = mapped_column(String(300))
    tax_code: Mapped[str | None] = mapped_column(String(14), unique=True)
    #: A stable slug for the organisations a plan names (``so-cong-thuong``, ``ubnd-bien-hoa``).
    code: Mapped[str | None] = mapped_column(String(60), unique=True)
    gs1_company_prefix: Mapped[str | None] = mapped_column(String(12), unique=True)
    address: Mapped[str] = mapped_column(String(500), default="")
    district: Mapped[str | None] = mapped_column(String(40))
    sector: Mapped[str | None] = mapped_column(String(40))
    #: Its traceability events are shown to everyone (consumers' journeys), or only to its members.
    events_public: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )
    products: Mapped[list[Product]] = relationship(back_populates="holder")


class Membership(Base):
    """A user's role in one organisation; the unit every permission decision starts from."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="uq_memberships_user_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(Enum(*ROLES, name="role", native_enum=False, create_constraint=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
