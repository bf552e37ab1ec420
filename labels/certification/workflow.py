"""The certification workflow: an application's path to a label, and an issued label's status.

Application: draft -> submitted -> under_review -> (changes_requested -> submitted) -> approved
-> issued, or rejected. Issued label: active <-> suspended, -> withdrawn (final); it reads expired
from its ``valid_until`` instant on, before any job runs. Every transition records actor, time and
reason; an illegal one raises :class:`IllegalTransition` naming the current state.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.certification.applications import create_application, criteria_results, get_application
from labels.certification.claims import validate_claims
from labels.certification.numbers import next_label_number
from labels.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from labels.notices.watchlists import notify_status_change
from labels.registry import audit
from labels.registry.permissions import Principal, require_applicant, require_certifier_of
from labels.registry.reference import VIETNAM
from labels.trust.credentials import issue_credential, record_status_change
from models import Application, ApplicationEvent, Label, LabelEvent, utcnow


@dataclass(frozen=True)
class Step:
    allowed_from: tuple[str, ...]
    to: str
    by: str  # "applicant" or "certifier"
    needs_reason: bool = False


APPLICATION_STEPS: dict[str, Step] = {
    "submit": Step(("draft", "changes_requested"), "submitted", "applicant"),
    "start_review": Step(("submitted",), "under_review", "certifier"),
    "request_changes": Step(("under_review",), "changes_requested", "certifier", needs_reason=True),
    "approve": Step(("under_review",), "approved", "certifier"),
    "reject": Step(("submitted", "under_review"), "rejected", "certifier", needs_reason=True),
    "issue": Step(("approved",), "issued", "certifier"),
}

LABEL_STEPS: dict[str, Step] = {
    "suspend": Step(("active",), "suspended", "certifier", needs_reason=True),
    "reinstate": Step(("suspended",), "active", "certifier", needs_reason=True),
    "withdraw": Step(("active", "suspended"), "withdrawn", "certifier", needs_reason=True),
}


def add_months(instant: datetime, months: int) -> datetime:
    """The same day and time ``months`` later; the 31st becomes the month's last day if need be."""
    month_index = instant.month - 1 + months
    year, month = instant.year + month_index // 12, month_index % 12 + 1
    day = min(instant.day, calendar.monthrange(year, month)[1])
    return instant.replace(year=year, month=month, day=day)


def effective_status(label: Label, now: datetime | None = None) -> str:
    """active, suspended, withdrawn or expired: expiry needs no job, it follows from the clock."""
    now = now or utcnow()
    if label.status == "withdrawn":
        return "withdrawn"
    if now >= label.valid_until:
        return "expired"
    return label.status


def _step(steps: dict[str, Step], action: str) -> Step:
    if action not in steps:
        raise InvalidInput.one("action", "one-of", f"action is one of {', '.join(steps)}")
    return steps[action]


def _check_reason(step: Step, reason: str) -> str:
    reason = (reason or "").strip()
    if step.needs_reason and not reason:
        raise InvalidInput.one("reason", "required", "this decision needs a reason")
    return reason


def transition_application(
    session: Session,
    actor: Principal,
    application_id: int,
    action: str,
    reason: str = "",
    override_reason: str | None = None,
    now: datetime | None = None,
) -> Application:
    now = now or utcnow()
    step = _step(APPLICATION_STEPS, action)
    application = get_application(session, actor, application_id)
    if step.by == "applicant":
        require_applicant(actor, application.applicant_id)
    else:
        require_certifier_of(actor, application.scheme.certifier_id)
    if application.state not in step.allowed_from:
        raise IllegalTransition(action, application.state, step.allowed_from)
    reason = _check_reason(step, reason)
    if action == "submit":
        _check_complete(application)
    elif action == "approve":
        _check_criteria(application, override_reason)
    elif action == "issue":
        issue_label(session, actor, application, now)
    _record(session, actor, application, action, step.to, reason, now)
    return application


def _check_complete(application: Application) -> None:
    validate_claims(application.scheme.kind_code, application.claims)
    if not application.products:
        raise InvalidInput.one("gtins", "min-length", "an application covers at least one product")


def _check_criteria(application: Application, override_reason: str | None) -> None:
    failing = [r.code for r in criteria_results(application) if r.blocks_approval]
    override = (override_reason or "").strip()
    if failing and not override:
        raise InvalidInput.one(
            "override_reason",
            "required-for-failing-criteria",
            f"mandatory criteria not met: {', '.join(failing)}; approving anyway needs an override reason",
        )
    # An override is only an override of something: with nothing failing there is none to record.
    application.override_reason = (override or None) if failing else None


def _record(session, actor, application, action, to_state, reason, now) -> None:
    event = ApplicationEvent(
        action=action,
        from_state=application.state,
        to_state=to_state,
        actor_user_id=actor.user_id,
        reason=reason,
        at=now,
    )
    application.events.append(event)
    application.state = to_state
    application.updated_at = now
    audit.record(
        session,
        actor,
        f"application.{action}",
        "application",
        application.id,
        application.applicant_id,
        reason=reason,
    )


def issue_label(session: Session, actor: Principal, application: Application, now: datetime) -> Label:
    scheme = application.scheme
    # A renewal is valid from its issue, like any label: a label is never dated in the future (it
    # would read active before its period); the old version stays valid until its own end.
    valid_from = now
    # Label numbers carry the year of issue in Vietnam, not in UTC.
    issue_year = now.astimezone(VIETNAM).year
    replaces = session.get(Label, application.renews_label_id) if application.renews_label_id else None
    label = Label(
        label_number=next_label_number(session, scheme.kind.number_prefix, issue_year),
        application_id=application.id,
        scheme_id=scheme.id,
        criteria_set_id=application.criteria_set_id,
        kind_code=scheme.kind_code,
        iso_type=scheme.iso_type,
        holder_id=application.applicant_id,
        issuer_id=scheme.certifier_id,
        claims=dict(application.claims),
        valid_from=valid_from,
        valid_until=add_months(valid_from, scheme.validity_months),
        status="active",
        issued_at=now,
        issued_by_id=actor.user_id,
        replaces_id=replaces.id if replaces else None,
        version=replaces.version + 1 if replaces else 1,
        products=list(application.products),
    )
    session.add(label)
    session.flush()  # the audit entry and the event need the label's id
    label.events.append(
        LabelEvent(action="issue", from_status="", to_status="active", actor_user_id=actor.user_id, at=now)
    )
    # Signed and logged in this same transaction: a label exists only with its credential in the log.
    issue_credential(session, label, now)
    audit.record(
        session,
        actor,
        "label.issue",
        "label",
        label.label_number,
        label.holder_id,
        application=application.id,
    )
    return label


def get_label(session: Session, label_number: str) -> Label:
    """An issued label; issued labels are public."""
    label = session.scalar(select(Label).where(Label.label_number == label_number.strip()))
    if label is None:
        raise NotFound(f"no label {label_number}")
    return label


def transition_label(
    session: Session,
    actor: Principal,
    label_number: str,
    action: str,
    reason: str,
    now: datetime | None = None,
) -> Label:
    now = now or utcnow()
    step = _step(LABEL_STEPS, action)
    label = get_label(session, label_number)
    require_certifier_of(actor, label.issuer_id)
    current = effective_status(label, now)
    if current not in step.allowed_from:
        raise IllegalTransition(action, current, step.allowed_from)
    reason = _check_reason(step, reason)
    label.events.append(
        LabelEvent(
            action=action,
            from_status=current,
            to_status=step.to,
            actor_user_id=actor.user_id,
            reason=reason,
            at=now,
        )
    )
    label.status = step.to
    label.status_reason = reason
    record_status_change(session, label, label.events[-1], now)
    # Watchlists (labels/notices/watchlists.py): notices and webhook deliveries for the retailers
    # watching this label, written in this same transaction, so they exist exactly when the change does.
    notify_status_change(session, label, label.events[-1], now)
    audit.record(
        session, actor, f"label.{action}", "label", label.label_number, label.holder_id, reason=reason
    )
    return label


def start_renewal(
    session: Session, actor: Principal, label_number: str, now: datetime | None = None
) -> Application:
    """A draft application to renew a label: same scheme (current criteria), products and claims."""
    label = get_label(session, label_number)
    require_applicant(actor, label.holder_id)
    current = effective_status(label, now)
    if current not in ("active", "expired"):
        raise IllegalTransition("renew", current, ("active", "expired"))
    if session.scalar(select(Label.id).where(Label.replaces_id == label.id)) is not None:
        raise Conflict(
            f"{label.label_number} has been renewed already", field="label_number", rule="renewed-once"
        )
    # A renewal still under way counts too: two of them could otherwise both be issued, two labels
    # replacing one. A rejected renewal does not stand in the way of another.
    pending = select(Application.id).where(
        Application.renews_label_id == label.id, Application.state != "rejected"
    )
    if session.scalar(pending) is not None:
        raise Conflict(
            f"{label.label_number} has a renewal under way already", field="label_number", rule="renewed-once"
        )
    return create_application(
        session,
        actor,
        label.holder_id,
        label.scheme.code,
        [p.gtin for p in label.products],
        claims=label.claims,
        renews_label_id=label.id,
    )
