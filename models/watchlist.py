"""Retailers' watchlists, the notices they receive, and webhook endpoints with their delivery log.

A notification and its deliveries are written in the same transaction as the label status change
they report (an outbox): a change that rolls back leaves none, and one that commits is delivered
even if the process that made it dies before sending.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from models.label import Label, LabelEvent
    from models.organisation import Organisation
    from models.product import Product

#: What a notice reports: a status change recorded by a certifier, or an expiry (found by a sweep,
#: because expiry is computed from ``valid_until`` and never stored as an event).
NOTIFICATION_KINDS = ("suspended", "withdrawn", "reinstated", "expired")
#: pending: due at ``next_attempt_at`` (or being sent); delivered: a 2xx answer; failed: given up.
DELIVERY_STATES = ("pending", "delivered", "failed")


class Watch(Base):
    """A retailer watches a product (every label covering it, now and later, renewals included) or one
    label."""

    __tablename__ = "watches"
    __table_args__ = (
        UniqueConstraint("organisation_id", "product_id", name="uq_watches_organisation_product"),
        UniqueConstraint("organisation_id", "label_id", name="uq_watches_organisation_label"),
        CheckConstraint("(product_id IS NULL) <> (label_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    label_id: Mapped[int | None] = mapped_column(ForeignKey("labels.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    product: Mapped[Product | None] = relationship()
    label: Mapped[Label | None] = relationship()


class Notification(Base):
    """One thing that happened to a label, told to one watching retailer: the portal notice, and the
    event its webhook deliveries carry."""

    __tablename__ = "notifications"
    __table_args__ = (
        # One notice per event and retailer, however many of its watches cover the label; an expiry
        # happens once per label (at valid_until), so two sweeps racing cannot both record it.
        UniqueConstraint("organisation_id", "label_id", "kind", "occurred_at", name="uq_notifications_event"),
        Index("ix_notifications_organisation_read", "organisation_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    label_id: Mapped[int] = mapped_column(ForeignKey("labels.id", ondelete="CASCADE"), index=True)
    # The recorded status change; none for an expiry.
    label_event_id: Mapped[int | None] = mapped_column(ForeignKey("label_events.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(
        Enum(*NOTIFICATION_KINDS, name="notification_kind", native_enum=False, create_constraint=True)
    )
    reason: Mapped[str] = mapped_column(String(2000), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    label: Mapped[Label] = relationship()
    label_event: Mapped[LabelEvent | None] = relationship()


class WebhookEndpoint(Base):
    """Where a retailer wants its events POSTed, and the secret they are signed with.

    The secret is kept as given to the retailer (the registry must sign with it, so a hash would not
    do); it is shown once, at creation, and never listed again.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(200), default="")
    secret: Mapped[str] = mapped_column(String(100))
    # An inactive endpoint gets no new deliveries, and its pending ones wait until it is active again.
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship()


class WebhookDelivery(Base):
    """One event for one endpoint, retried until a 2xx answer or ``WEBHOOK_MAX_ATTEMPTS``.

    The body is fixed when the delivery is made, so every attempt sends the same bytes. A worker claims
    an attempt by pushing ``next_attempt_at`` past its lease in a conditional update; if it dies, the
    lease runs out and another worker takes the delivery up again.
    """

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("notification_id", "endpoint_id", name="uq_webhook_deliveries_event_endpoint"),
        Index("ix_webhook_deliveries_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    # None for a test ping, which reports no event.
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"))
    event_type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(
        Enum(*DELIVERY_STATES, name="webhook_delivery_state", native_enum=False, create_constraint=True),
        default="pending",
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Set while an attempt is out; still set when the next claim comes, that attempt's worker died.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status_code: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    endpoint: Mapped[WebhookEndpoint] = relationship()
    notification: Mapped[Notification | None] = relationship()
    attempt_log: Mapped[list[WebhookAttempt]] = relationship(
        back_populates="delivery", order_by="WebhookAttempt.number", cascade="all, delete-orphan"
    )


class WebhookAttempt(Base):
    """One POST of a delivery, as the delivery log shows it."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_ms: Mapped[int | None]
    status_code: Mapped[int | None]
    error: Mapped[str] = mapped_column(String(500), default="")
    # The start of the receiver's answer, to help its developers see what it said.
    response_excerpt: Mapped[str] = mapped_column(String(500), default="")

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempt_log")
