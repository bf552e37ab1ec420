"""Reminders before the reports' deadline: 30, 7 and 1 days before 1 December, through the outbox.

A sweep (the webhook dispatcher runs one on every pass, ``ecoreg plan remind`` runs one by hand) finds
the agencies that have not submitted this year's report and are inside one of the thresholds, and gives
each one reminder per threshold: a notice in its portal, and a signed delivery (``plan.report-due``) to
each of its active webhook endpoints, written in the same transaction, as a label's notices are. Only
the nearest threshold is used, so a sweep that first runs five days before the deadline sends the 7-day
reminder, not a stale 30-day one too. Two sweeps racing insert the same reminder; the unique constraint
refuses the second, whose transaction the caller rolls back.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.notices import webhooks
from labels.plan.indicators import current_year
from labels.plan.reports import due_at, reporting_status
from labels.trust.notary import notary_of, timestamp
from models import Plan, PlanReminder, WebhookEndpoint, utcnow

THRESHOLDS = (30, 7, 1)
EVENT_TYPE = "plan.report-due"


def threshold(plan: Plan, year: int, now: datetime) -> int | None:
    """The nearest threshold ``now`` is inside for ``year``'s deadline; None outside all, or after it."""
    deadline = due_at(plan, year)
    if now >= deadline:
        return None
    passed = [days for days in THRESHOLDS if now >= deadline - timedelta(days=days)]
    return min(passed) if passed else None


def send_due(session: Session, plan: Plan, now: datetime | None = None) -> list[PlanReminder]:
    """This year's reminders that are due now and not yet sent, with their deliveries."""
    now = now or utcnow()
    year = current_year(now)
    days = threshold(plan, year, now)
    if days is None:
        return []
    sent = set(
        session.scalars(
            select(PlanReminder.organisation_id).where(
                PlanReminder.plan_id == plan.id, PlanReminder.year == year, PlanReminder.days_before == days
            )
        )
    )
    made = []
    for status in reporting_status(session, plan, year, now):
        if status.first_submitted_at is not None or status.organisation.id in sent:
            continue
        reminder = PlanReminder(
            plan_id=plan.id,
            organisation=status.organisation,
            year=year,
            days_before=days,
            due_at=due_at(plan, year),
            sent_at=now,
        )
        session.add(reminder)
        made.append(reminder)
    session.flush()  # the reminders' ids name their events
    for reminder in made:
        _deliver(session, plan, reminder, now)
    return made


def _deliver(session: Session, plan: Plan, reminder: PlanReminder, now: datetime) -> None:
    endpoints = session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.organisation_id == reminder.organisation.id, WebhookEndpoint.active.is_(True)
        )
    ).all()
    if not endpoints:
        return
    payload = {
        "type": EVENT_TYPE,
        "timestamp": timestamp(now),
        "data": {
            "event_id": f"rem_{reminder.id}",
            "organisation_id": reminder.organisation.id,
            "plan": plan.code,
            "year": reminder.year,
            "due_at": timestamp(reminder.due_at),
            "days_before": reminder.days_before,
            "url": notary_of(session).url("/portal/plan"),
        },
    }
    for endpoint in endpoints:
        webhooks.enqueue(session, endpoint, EVENT_TYPE, payload, now)


def reminders_for(session: Session, organisation_ids: set[int], year: int) -> list[PlanReminder]:
    """The reminders an agency's portal shows, newest first."""
    if not organisation_ids:
        return []
    return list(
        session.scalars(
            select(PlanReminder)
            .where(PlanReminder.organisation_id.in_(organisation_ids), PlanReminder.year == year)
            .order_by(PlanReminder.sent_at.desc())
        )
    )
