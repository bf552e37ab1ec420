"""Captured EPCIS 2.0 events, the identifiers they name (for queries and chains), and capture jobs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Enum, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.organisation import Organisation

CAPTURE_BEHAVIOURS = ("rollback", "proceed")
CAPTURE_STATES = ("succeeded", "partial", "failed")
#: Which list of an event named the identifier: the query parameters and the chain walk select by it.
IDENTIFIER_ROLES = (
    "epc",  # epcList
    "child",  # childEPCs
    "parent",  # parentID
    "input",  # inputEPCList
    "output",  # outputEPCList
    "class",  # quantityList
    "child-class",  # childQuantityList
    "input-class",  # inputQuantityList
    "output-class",  # outputQuantityList
)


class CaptureJob(Base):
    """One POST /epcis/capture: what came in, what was kept, and each refused event with its reason."""

    __tablename__ = "epcis_capture_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    error_behaviour: Mapped[str] = mapped_column(
        Enum(*CAPTURE_BEHAVIOURS, name="capture_behaviour", native_enum=False, create_constraint=True)
    )
    state: Mapped[str] = mapped_column(
        Enum(*CAPTURE_STATES, name="capture_state", native_enum=False, create_constraint=True)
    )
    event_count: Mapped[int] = mapped_column(default=0)
    captured_count: Mapped[int] = mapped_column(default=0)
    #: JSON list of {"event", "field", "rule", "message"}: why events were refused (proceed mode).
    errors: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()


class EpcisEvent(Base):
    """An event as received (made self-contained with its document's @context), signed on receipt."""

    __tablename__ = "epcis_events"
    __table_args__ = (Index("ix_epcis_events_org_time", "organisation_id", "event_time"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The GS1 event hash ID (ni:///sha-256;...?ver=CBV2.0): the same event captured twice has one.
    event_hash: Mapped[str] = mapped_column(String(100), unique=True)
    #: The eventID the sender gave, if any (often the hash itself, or a urn:uuid).
    event_id: Mapped[str | None] = mapped_column(String(500), index=True)
    event_type: Mapped[str] = mapped_column(String(40), index=True)
    event_time: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    event_time_zone_offset: Mapped[str] = mapped_column(String(6))
    record_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    action: Mapped[str | None] = mapped_column(String(10))
    # Full CBV URIs (bare words and CURIEs expanded), so that one spelling matches every other.
    biz_step: Mapped[str | None] = mapped_column(String(300), index=True)
    disposition: Mapped[str | None] = mapped_column(String(300), index=True)
    # Canonical identifiers (labels.epc.canonical_id) where the id is a GS1 key, else as written.
    read_point: Mapped[str | None] = mapped_column(String(300), index=True)
    biz_location: Mapped[str | None] = mapped_column(String(300), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    capture_job_id: Mapped[int] = mapped_column(ForeignKey("epcis_capture_jobs.id"), index=True)
    #: The log leaf of the registry's signed receipt for this event.
    leaf_index: Mapped[int] = mapped_column(BigInteger, unique=True)
    #: The event's JSON as stored; the signed receipt holds its SHA-256.
    document: Mapped[str] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship()


class EventIdentifier(Base):
    """One identifier an event names, in canonical form: what MATCH_* queries and the chain walk read."""

    __tablename__ = "epcis_event_identifiers"
    __table_args__ = (
        Index("ix_epcis_event_identifiers_canonical", "canonical", "role"),
        Index("ix_epcis_event_identifiers_product", "product", "role"),
        # The Enum's own CHECK would be "role IN (...)", which SQLite evaluates by building a small
        # temporary index for every row inserted: a quarter of a capture's insert time. The same
        # rule written as comparisons costs next to nothing.
        CheckConstraint(" OR ".join(f"role = '{role}'" for role in IDENTIFIER_ROLES), name="identifier_role"),
    )

    event_pk: Mapped[int] = mapped_column(
        ForeignKey("epcis_events.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    role: Mapped[str] = mapped_column(
        Enum(*IDENTIFIER_ROLES, name="identifier_role", native_enum=False, create_constraint=False),
        primary_key=True,
    )
    canonical: Mapped[str] = mapped_column(String(300), primary_key=True)
    #: ``/01/{gtin14}`` for anything of a GTIN (item, lot, class), so a GTIN pattern is one lookup.
    product: Mapped[str | None] = mapped_column(String(20))
    #: A quantity element's amount (in its ``uom``), for GE_quantity / LT_quantity.
    quantity: Mapped[float | None] = mapped_column(Float)


class NamedQuery(Base):
    """A query saved under a name (EPCIS 2.0 REST ``/queries``), run by its owner whenever they like."""

    __tablename__ = "epcis_named_queries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The query document as given (EPCIS 2.0 query schema), JSON.
    query: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
