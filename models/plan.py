"""The action plan: its targets and tasks, the agencies' yearly reports, and the register of models.

A plan (202/KH-UBND, or a later or another province's one) is rows, not code: its targets say how
their value is obtained (computed by the registry, reported by agencies, or declared by enterprises),
and its annex tasks name their lead agencies, which are organisations of kind ``agency``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from models.organisation import Organisation
    from models.user import User

#: computed: from the registry's own records; reported: figures in agencies' reports; declared: from
#: enterprises' consumption declarations; qualitative: the plan sets no number.
TARGET_SOURCES = ("computed", "reported", "declared", "qualitative")
#: draft: the agency edits it; submitted: frozen, waiting for Sở Công Thương; returned: sent back with
#: comments (a new version answers them); accepted: counted in the province's figures.
REPORT_STATES = ("draft", "submitted", "returned", "accepted")
TASK_PROGRESS = ("not-started", "in-progress", "done")
MODEL_TYPES = (
    "cleaner-production",
    "resource-efficiency",
    "circular-economy",
    "industrial-symbiosis",
    "eco-design",
    "sustainable-supply-chain",
    "other",
)
MODEL_STATUSES = ("planned", "applied", "replicated", "stopped")


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # "202/KH-UBND"
    title_vi: Mapped[str] = mapped_column(String(500))
    title_en: Mapped[str] = mapped_column(String(500))
    issued_on: Mapped[date] = mapped_column(Date())
    start_year: Mapped[int]
    end_year: Mapped[int]
    #: Agencies report before this day of each year (1 December for 202/KH-UBND).
    report_due_month: Mapped[int]
    report_due_day: Mapped[int]

    targets: Mapped[list[PlanTarget]] = relationship(
        back_populates="plan", order_by="PlanTarget.position", cascade="all, delete-orphan"
    )
    tasks: Mapped[list[PlanTask]] = relationship(
        back_populates="plan", order_by="PlanTask.position", cascade="all, delete-orphan"
    )


class PlanTarget(Base):
    """One of the plan's targets: an indicator, its unit, baseline, 2025 and 2030 values.

    A target written as a range ("5-8 %") keeps its lower end as the target and the upper end apart.
    """

    __tablename__ = "plan_targets"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_plan_targets_plan_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    position: Mapped[int]
    name_vi: Mapped[str] = mapped_column(Text())
    name_en: Mapped[str] = mapped_column(Text())
    indicator_vi: Mapped[str] = mapped_column(String(500))
    indicator_en: Mapped[str] = mapped_column(String(500))
    unit: Mapped[str] = mapped_column(String(20))  # "%" or "models"
    baseline: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    baseline_year: Mapped[int]
    target_2025: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    target_2025_max: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    target_2030: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    target_2030_max: Mapped[Decimal | None] = mapped_column(Numeric(12, 3))
    source: Mapped[str] = mapped_column(
        Enum(*TARGET_SOURCES, name="target_source", native_enum=False, create_constraint=True)
    )
    #: Which computation (labels.plan.indicators) gives the value, by name.
    indicator: Mapped[str] = mapped_column(String(60))
    #: The codes of the agencies whose reports carry its figures (empty for computed targets).
    reporters: Mapped[list] = mapped_column(JSON, default=list)

    plan: Mapped[Plan] = relationship(back_populates="targets")


plan_task_leads = Table(
    "plan_task_leads",
    Base.metadata,
    Column("task_id", ForeignKey("plan_tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id", ondelete="RESTRICT"), primary_key=True),
)


class PlanTask(Base):
    """A task of the plan's annex, as the plan states it, with its lead agencies."""

    __tablename__ = "plan_tasks"
    __table_args__ = (UniqueConstraint("plan_id", "position", name="uq_plan_tasks_plan_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    section: Mapped[int]
    section_vi: Mapped[str] = mapped_column(String(500))
    section_en: Mapped[str] = mapped_column(String(500))
    number: Mapped[int]
    content_vi: Mapped[str] = mapped_column(Text())
    content_en: Mapped[str] = mapped_column(Text())
    goal_vi: Mapped[str] = mapped_column(Text(), default="")
    goal_en: Mapped[str] = mapped_column(Text(), default="")
    lead_vi: Mapped[str] = mapped_column(String(300))
    coordinating_vi: Mapped[str] = mapped_column(Text(), default="")
    coordinating_en: Mapped[str] = mapped_column(Text(), default="")
    period: Mapped[str] = mapped_column(String(20))
    start_year: Mapped[int]
    end_year: Mapped[int]
    funding: Mapped[list] = mapped_column(JSON, default=list)
    funding_vi: Mapped[str] = mapped_column(String(300), default="")

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    leads: Mapped[list[Organisation]] = relationship(secondary=plan_task_leads, order_by="Organisation.id")


class PlanReport(Base):
    """One agency's report on the plan for one year, one version of it.

    A submitted version never changes again; a correction, or the answer to a return, is the next
    version, with its reason.
    """

    __tablename__ = "plan_reports"
    __table_args__ = (
        UniqueConstraint("plan_id", "organisation_id", "year", "version", name="uq_plan_reports_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    year: Mapped[int]
    version: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(
        Enum(*REPORT_STATES, name="report_state", native_enum=False, create_constraint=True), default="draft"
    )
    summary_vi: Mapped[str] = mapped_column(Text(), default="")
    #: Why this version exists (a correction, or what the return asked for); empty for version 1.
    reason: Mapped[str] = mapped_column(Text(), default="")
    review_comment: Mapped[str] = mapped_column(Text(), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    plan: Mapped[Plan] = relationship()
    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    tasks: Mapped[list[PlanReportTask]] = relationship(
        back_populates="report", order_by="PlanReportTask.id", cascade="all, delete-orphan"
    )
    figures: Mapped[list[PlanReportFigure]] = relationship(
        back_populates="report", order_by="PlanReportFigure.code", cascade="all, delete-orphan"
    )
    evidence: Mapped[list[PlanReportEvidence]] = relationship(
        back_populates="report", order_by="PlanReportEvidence.id", cascade="all, delete-orphan"
    )


class PlanReportTask(Base):
    """What the reporting agency did this year on one task it leads."""

    __tablename__ = "plan_report_tasks"
    __table_args__ = (UniqueConstraint("report_id", "task_id", name="uq_plan_report_tasks_report_task"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("plan_reports.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("plan_tasks.id", ondelete="RESTRICT"))
    progress: Mapped[str] = mapped_column(
        Enum(*TASK_PROGRESS, name="task_progress", native_enum=False, create_constraint=True),
        default="not-started",
    )
    done_vi: Mapped[str] = mapped_column(Text(), default="")

    report: Mapped[PlanReport] = relationship(back_populates="tasks")
    task: Mapped[PlanTask] = relationship()


class PlanReportFigure(Base):
    """One figure of an indicator the agency reports (``labels.plan.targets.FIGURES``)."""

    __tablename__ = "plan_report_figures"
    __table_args__ = (UniqueConstraint("report_id", "code", name="uq_plan_report_figures_report_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("plan_reports.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 3))

    report: Mapped[PlanReport] = relationship(back_populates="figures")


class PlanReportEvidence(Base):
    """A file backing a report; the bytes live in the evidence store by SHA-256, as applications' do."""

    __tablename__ = "plan_report_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("plan_reports.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer())
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    report: Mapped[PlanReport] = relationship(back_populates="evidence")


class ModelProject(Base):
    """A sustainable production and consumption model built by an enterprise (the plan's 20-30)."""

    __tablename__ = "model_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    name_vi: Mapped[str] = mapped_column(String(300))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    model_type: Mapped[str] = mapped_column(
        Enum(*MODEL_TYPES, name="model_type", native_enum=False, create_constraint=True)
    )
    sector: Mapped[str] = mapped_column(String(40))
    district: Mapped[str] = mapped_column(String(40))
    start_year: Mapped[int]
    status: Mapped[str] = mapped_column(
        Enum(*MODEL_STATUSES, name="model_status", native_enum=False, create_constraint=True),
        default="applied",
    )
    #: Savings a year: {"material_t": .., "energy_gj": .., "water_m3": .., "waste_t": .., "co2_t": ..}
    results: Mapped[dict] = mapped_column(JSON, default=dict)
    description_vi: Mapped[str] = mapped_column(Text(), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    evidence: Mapped[list[ModelProjectEvidence]] = relationship(
        order_by="ModelProjectEvidence.id", cascade="all, delete-orphan"
    )


INPUT_KINDS = ("material", "fuel", "energy")


class ConsumptionDeclaration(Base):
    """An enterprise's yearly output and the materials, fuels and energy it consumed, for one sector.

    ``flags`` lists the rules a reviewer should look at (an intensity ten times last year's, say):
    figures that could be right but probably are not.
    """

    __tablename__ = "consumption_declarations"
    __table_args__ = (
        UniqueConstraint(
            "plan_id", "organisation_id", "sector", "year", name="uq_consumption_declarations_year"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    sector: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    output_quantity: Mapped[Decimal] = mapped_column(Numeric(18, 3))
    output_unit: Mapped[str] = mapped_column(String(20))
    baseline_year: Mapped[int]
    flags: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    inputs: Mapped[list[DeclarationInput]] = relationship(
        back_populates="declaration", order_by="DeclarationInput.id", cascade="all, delete-orphan"
    )


class DeclarationInput(Base):
    """One material, fuel or energy consumed, as declared and in the common unit (t or GJ)."""

    __tablename__ = "declaration_inputs"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("consumption_declarations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(
        Enum(*INPUT_KINDS, name="input_kind", native_enum=False, create_constraint=True)
    )
    name: Mapped[str] = mapped_column(String(60))
    quantity: Mapped[Decimal] = mapped_column(Numeric(18, 3))
    unit: Mapped[str] = mapped_column(String(20))
    common_quantity: Mapped[Decimal] = mapped_column(Numeric(20, 6))
    common_unit: Mapped[str] = mapped_column(String(10))  # "t" or "GJ"

    declaration: Mapped[ConsumptionDeclaration] = relationship(back_populates="inputs")


class PlanYearClosure(Base):
    """A year closed by Sở Công Thương: its consolidated figures, as signed and logged at ``leaf_index``.

    ``figures`` is a copy of the signed record's for reading; ``ecoreg audit`` holds the two equal.
    """

    __tablename__ = "plan_year_closures"
    __table_args__ = (UniqueConstraint("plan_id", "year", name="uq_plan_year_closures_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    year: Mapped[int]
    leaf_index: Mapped[int] = mapped_column(BigInteger, unique=True)
    figures: Mapped[dict] = mapped_column(JSON)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PlanReminder(Base):
    """A reminder to an agency that its year's report is due in ``days_before`` days: a notice in its
    portal, and the outbox's deliveries to its webhook endpoints. One per agency, year and threshold."""

    __tablename__ = "plan_reminders"
    __table_args__ = (
        UniqueConstraint("plan_id", "organisation_id", "year", "days_before", name="uq_plan_reminders_once"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int]
    days_before: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class ModelProjectEvidence(Base):
    """A file backing a model project's results, kept in the evidence store like applications' files."""

    __tablename__ = "model_project_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("model_projects.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer())
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
