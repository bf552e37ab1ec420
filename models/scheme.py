"""Label kinds, certification schemes and their versioned criteria."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Enum, ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow

ISO_TYPES = ("I", "II", "III")
CRITERION_KINDS = ("yes_no", "numeric")
COMPARATORS = ("<=", "<", ">=", ">", "==")


class LabelKind(Base):
    """green, energy, carbon, recycling, and kinds an administrator adds (sustainable tourism, ...)."""

    __tablename__ = "label_kinds"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    # Three letters in label numbers: DN-GRN-2026-000123.
    number_prefix: Mapped[str] = mapped_column(String(3), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    built_in: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Scheme(Base):
    __tablename__ = "schemes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind_code: Mapped[str] = mapped_column(ForeignKey("label_kinds.code"), index=True)
    iso_type: Mapped[str] = mapped_column(
        Enum(*ISO_TYPES, name="iso_type", native_enum=False, create_constraint=True)
    )
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300))
    description_vi: Mapped[str] = mapped_column(String(2000), default="")
    description_en: Mapped[str] = mapped_column(String(2000), default="")
    product_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    validity_months: Mapped[int] = mapped_column(default=36)
    # The certification body whose certifiers decide applications under this scheme.
    certifier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    kind: Mapped[LabelKind] = relationship()
    criteria_sets: Mapped[list[CriteriaSet]] = relationship(
        back_populates="scheme", order_by="CriteriaSet.version", cascade="all, delete-orphan"
    )


class CriteriaSet(Base):
    """One version of a scheme's criteria. A label records the version it was assessed against."""

    __tablename__ = "criteria_sets"
    __table_args__ = (UniqueConstraint("scheme_id", "version", name="uq_criteria_sets_scheme_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("schemes.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    effective_from: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    scheme: Mapped[Scheme] = relationship(back_populates="criteria_sets")
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="criteria_set",
        order_by="Criterion.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )


class Criterion(Base):
    __tablename__ = "criteria"
    __table_args__ = (UniqueConstraint("criteria_set_id", "code", name="uq_criteria_set_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criteria_set_id: Mapped[int] = mapped_column(
        ForeignKey("criteria_sets.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    code: Mapped[str] = mapped_column(String(40))
    text_vi: Mapped[str] = mapped_column(String(1000))
    text_en: Mapped[str] = mapped_column(String(1000))
    kind: Mapped[str] = mapped_column(
        Enum(*CRITERION_KINDS, name="criterion_kind", native_enum=False, create_constraint=True)
    )
    mandatory: Mapped[bool] = mapped_column(default=True)
    # Numeric criteria: which claim is compared, how, with what, in which unit.
    claim: Mapped[str | None] = mapped_column(String(100))
    comparator: Mapped[str | None] = mapped_column(
        Enum(*COMPARATORS, name="comparator", native_enum=False, create_constraint=True)
    )
    threshold: Mapped[Decimal | None] = mapped_column(Numeric(18, 6))
    unit: Mapped[str | None] = mapped_column(String(40))
    # What evidence the applicant must upload for it (test report, certificate, ...).
    evidence_vi: Mapped[str] = mapped_column(String(500), default="")
    evidence_en: Mapped[str] = mapped_column(String(500), default="")

    criteria_set: Mapped[CriteriaSet] = relationship(back_populates="criteria")
