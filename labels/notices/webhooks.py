"""Retailers' webhook endpoints, the events they are sent, how each is signed, and the delivery log.

Signing follows Standard Webhooks (https://www.standardwebhooks.com/), so a receiver may verify with
any of its libraries or with :func:`verify_signature` below (standard library only, made to be
copied). Every request carries::

    webhook-id: dlv_<delivery id>       the same on every retry of this delivery: de-duplicate on it
    webhook-timestamp: <unix seconds>   when this attempt was signed
    webhook-signature: v1,<base64 HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>
    ecoreg-event-id: evt_<notification id>   the same for every endpoint the event goes to
    ecoreg-event-type: label.suspended, label.withdrawn, label.reinstated, label.expired or ping

The key is the secret after its ``whsec_`` prefix, base64-decoded (32 random bytes); the body is the
exact bytes received, a JSON object ``{"type", "timestamp", "data"}``. A receiver rejects a
timestamp more than five minutes from its own clock, so a recorded request cannot be replayed later.

Deliveries are an outbox: :func:`enqueue` writes one in the caller's transaction, and the dispatcher
(``app/webhook_dispatcher.py``) claims due ones with :func:`claim`, POSTs them with no transaction
open, and records each attempt with :func:`record_attempt`. Services here never commit.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import random
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from labels.common.paging import Page, paginate
from labels.errors import InvalidInput, NotFound
from labels.registry import audit
from labels.registry.permissions import (
    WEBHOOK_KEEPING_ROLES,
    Principal,
    require_watchlist_keeper,
    require_watchlist_keepers,
    watchlist_keepers,
)
from labels.trust.notary import notary_of, timestamp
from models import Label, Notification, WebhookAttempt, WebhookDelivery, WebhookEndpoint, utcnow

SECRET_PREFIX = "whsec_"
MAX_ENDPOINTS = 10  # per retailer: each one multiplies every event's deliveries
EXCERPT = 300  # characters of a receiver's answer kept in the log
# An attempt out longer than this lost its worker: the delivery is due again, and that attempt is
# logged as lost. It must outlast the slowest POST the timeout allows.
LEASE_MARGIN = timedelta(seconds=60)

#: The status a label has after each kind of event, as the payload states it.
STATUS_AFTER = {
    "suspended": "suspended",
    "withdrawn": "withdrawn",
    "reinstated": "active",
    "expired": "expired",
}

LOST = "no result was recorded: the worker sending this attempt stopped"


# --- signatures ----------------------------------------------------------------------------------


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for ``body``."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    mac = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode("ascii")


def signed_headers(claim: Claim, timestamp: int) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "ecoreg-webhooks/1",
        "webhook-id": claim.message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(claim.secret, claim.message_id, timestamp, claim.body),
        "ecoreg-event-type": claim.event_type,
        "ecoreg-delivery-attempt": str(claim.attempt),
    }
    if claim.event_id:
        headers["ecoreg-event-id"] = claim.event_id
    return headers


def verify_signature(
    secret: str, headers: Mapping[str, str], body: bytes, tolerance: int = 300, now: float | None = None
) -> bool:
    """Whether ``body`` with these request ``headers`` was sent by the registry holding ``secret``.

    For receivers: pass the raw body bytes, before any JSON parsing. Needs only base64, hashlib, hmac
    and time from the standard library.
    """
    lower = {key.lower(): value for key, value in headers.items()}
    message_id = lower.get("webhook-id", "")
    stamp = lower.get("webhook-timestamp", "")
    if not message_id or not stamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(stamp)) > tolerance:
        return False  # too old (a replay) or from the future
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = hmac.new(key, f"{message_id}.{stamp}.".encode() + body, hashlib.sha256).digest()
    for candidate in lower.get("webhook-signature", "").split():
        version, _, signature = candidate.partition(",")
        try:
            given = base64.b64decode(signature, validate=True)
        except ValueError:
            continue
        if version == "v1" and hmac.compare_digest(expected, given):
            return True
    return False


# --- endpoints -----------------------------------------------------------------------------------


def forbidden_address(address: str) -> bool:
    """Whether an endpoint may not resolve to ``address``: anything but a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def check_url(url: str, allow_private: bool) -> str:
    """An endpoint URL: http(s), a host, no credentials; not a private address when that is refused.

    A host name is resolved only when sending (the dispatcher checks its addresses then), because a
    name that is public today may point inside tomorrow."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidInput.one("url", "http-url", "give an http:// or https:// URL with a host name")
    if parts.username or parts.password:
        raise InvalidInput.one("url", "no-credentials", "the URL may not carry a user name or password")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError:
        raise InvalidInput.one("url", "port", "the port must be 1 to 65535") from None
    if not allow_private:
        host = parts.hostname
        if host == "localhost" or host.endswith(".localhost") or (_is_ip(host) and forbidden_address(host)):
            raise InvalidInput.one("url", "public-address", "the URL must point to a public address")
    return url


def create_endpoint(
    session: Session,
    actor: Principal,
    url: str,
    description: str = "",
    organisation_id: int | None = None,
    allow_private: bool = False,
) -> WebhookEndpoint:
    """A new endpoint with a new secret; the caller shows ``endpoint.secret`` this once."""
    organisation_id = require_watchlist_keeper(
        actor, "watchlist:write", organisation_id, WEBHOOK_KEEPING_ROLES
    )
    url = check_url(url, allow_private)
    count = session.scalar(
        select(func.count())
        .select_from(WebhookEndpoint)
        .where(WebhookEndpoint.organisation_id == organisation_id)
    )
    if count >= MAX_ENDPOINTS:
        raise InvalidInput.one(
            "url", "max-count", f"a retailer has at most {MAX_ENDPOINTS} webhook endpoints"
        )
    endpoint = WebhookEndpoint(
        organisation_id=organisation_id,
        url=url,
        description=(description or "").strip(),
        secret=new_secret(),
        active=True,
        created_by_id=actor.user_id,
    )
    session.add(endpoint)
    session.flush()  # the audit entry names the endpoint's id
    # The host only: the path may carry the receiver's own token.
    audit.record(
        session, actor, "webhook.create", "webhook_endpoint", endpoint.id, organisation_id, host=_host(url)
    )
    return endpoint


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def get_endpoint(session: Session, actor: Principal, endpoint_id: int, scope: str) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.organisation_id not in watchlist_keepers(
        actor, scope, WEBHOOK_KEEPING_ROLES
    ):
        raise NotFound(f"no webhook endpoint {endpoint_id}")
    return endpoint


def list_endpoints(
    session: Session, actor: Principal, organisation_id: int | None = None
) -> list[WebhookEndpoint]:
    keepers = require_watchlist_keepers(actor, "watchlist:read", organisation_id, WEBHOOK_KEEPING_ROLES)
    query = select(WebhookEndpoint).where(WebhookEndpoint.organisation_id.in_(keepers))
    return list(session.scalars(query.order_by(WebhookEndpoint.id)))


def update_endpoint(
    session: Session,
    actor: Principal,
    endpoint_id: int,
    allow_private: bool = False,
    **fields,
) -> WebhookEndpoint:
    """Change ``url``, ``description`` or ``active``; pausing keeps pending deliveries for later."""
    endpoint = get_endpoint(session, actor, endpoint_id, "watchlist:write")
    if "url" in fields:
        fields["url"] = check_url(fields["url"], allow_private)
    if "description" in fields:
        fields["description"] = (fields["description"] or "").strip()
    changed = {}
    for key in ("url", "description", "active"):
        if key in fields and getattr(endpoint, key) != fields[key]:
            setattr(endpoint, key, fields[key])
            changed[key] = _host(fields[key]) if key == "url" else fields[key]
    if changed:
        audit.record(
            session,
            actor,
            "webhook.update",
            "webhook_endpoint",
            endpoint.id,
            endpoint.organisation_id,
            **changed,
        )
    return endpoint


def delete_endpoint(session: Session, actor: Principal, endpoint_id: int) -> None:
    """Remove an endpoint with its deliveries and their log."""
    endpoint = get_endpoint(session, actor, endpoint_id, "watchlist:write")
    audit.record(
        session,
        actor,
        "webhook.delete",
        "webhook_endpoint",
        endpoint.id,
        endpoint.organisation_id,
        host=_host(endpoint.url),
    )
    session.delete(endpoint)


def send_test(session: Session, actor: Principal, endpoint_id: int, now: datetime | None = None):
    """Queue a ``ping`` to the endpoint, signed like any event, so its owner can check the receiver."""
    now = now or utcnow()
    endpoint = get_endpoint(session, actor, endpoint_id, "watchlist:write")
    payload = {
        "type": "ping",
        "timestamp": timestamp(now),
        "data": {"endpoint_id": endpoint.id, "message": "a test event from ecoreg; nothing happened"},
    }
    delivery = enqueue(session, endpoint, "ping", payload, now)
    session.flush()  # the answer names the delivery
    audit.record(session, actor, "webhook.test", "webhook_endpoint", endpoint.id, endpoint.organisation_id)
    return delivery


def list_deliveries(
    session: Session,
    actor: Principal,
    endpoint_id: int,
    page: int = 1,
    per_page: int = 20,
    state: str | None = None,
) -> Page[WebhookDelivery]:
    """The endpoint's delivery log, newest first; each delivery carries its attempts."""
    endpoint = get_endpoint(session, actor, endpoint_id, "watchlist:read")
    query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    if state:
        query = query.where(WebhookDelivery.state == state)
    return paginate(session, query.order_by(WebhookDelivery.id.desc()), page, per_page)


# --- events and the outbox -----------------------------------------------------------------------


def event_payload(session: Session, notification: Notification) -> dict:
    """The body of a notification's webhook: ``{"type", "timestamp", "data"}`` (Standard Webhooks)."""
    label = notification.label
    renewed_by = session.scalar(select(Label.label_number).where(Label.replaces_id == label.id))
    data = {
        "event_id": event_id(notification),
        "organisation_id": notification.organisation_id,
        "label_number": label.label_number,
        "label_kind": label.kind_code,
        "status": STATUS_AFTER[notification.kind],
        "reason": notification.reason,
        "occurred_at": timestamp(notification.occurred_at),
        "valid_until": timestamp(label.valid_until),
        "holder": {"legal_name": label.holder.legal_name, "tax_code": label.holder.tax_code},
        "products": [{"gtin": p.gtin, "name_vi": p.name_vi, "name_en": p.name_en} for p in label.products],
        # An expired label may live on in its renewal: the shelf is still covered.
        "renewed_by": renewed_by,
        "url": notary_of(session).url(f"/api/v1/labels/{label.label_number}"),
    }
    return {
        "type": f"label.{notification.kind}",
        "timestamp": timestamp(notification.occurred_at),
        "data": data,
    }


def event_id(notification: Notification) -> str:
    return f"evt_{notification.id}"


def enqueue(
    session: Session,
    endpoint: WebhookEndpoint,
    event_type: str,
    payload: dict,
    now: datetime,
    notification: Notification | None = None,
) -> WebhookDelivery:
    """A delivery due now, in the caller's transaction: it exists if and only if the event does."""
    delivery = WebhookDelivery(
        endpoint=endpoint,
        notification=notification,
        event_type=event_type,
        # Fixed now, so every attempt sends the same bytes and the log shows exactly what was sent.
        payload=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        state="pending",
        attempts=0,
        next_attempt_at=now,
        last_error="",
    )
    session.add(delivery)
    return delivery


def enqueue_for(session: Session, notifications: list[Notification], now: datetime) -> list[WebhookDelivery]:
    """One delivery per notification and active endpoint of its retailer."""
    if not notifications:
        return []
    session.flush()  # the payloads name the notifications' ids
    organisations = {n.organisation_id for n in notifications}
    endpoints = session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.organisation_id.in_(organisations), WebhookEndpoint.active.is_(True))
        .order_by(WebhookEndpoint.id)
    ).all()
    made = []
    for notification in notifications:
        payload = None
        for endpoint in endpoints:
            if endpoint.organisation_id != notification.organisation_id:
                continue
            payload = payload or event_payload(session, notification)
            made.append(enqueue(session, endpoint, payload["type"], payload, now, notification))
    return made


# --- the dispatcher's side -----------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """One attempt a worker owns: what to send, where, signed with what."""

    delivery_id: int
    attempt: int
    url: str
    secret: str
    body: bytes
    event_type: str
    event_id: str | None

    @property
    def message_id(self) -> str:
        return f"dlv_{self.delivery_id}"


@dataclass(frozen=True)
class Outcome:
    """What one POST gave: a status code, or an error before one arrived."""

    started_at: datetime
    duration_ms: int
    status_code: int | None = None
    error: str = ""
    response_excerpt: str = ""

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error


def backoff(attempt: int, base_ms: int, max_ms: int, rand: Callable[[], float] = random.random) -> timedelta:
    """The wait after failed attempt ``attempt`` (1, 2, ...): the base doubled each time up to the cap,
    then a random half of it taken off, so receivers coming back from an outage are not hit by
    every retry at the same instant."""
    delay = min(max_ms, base_ms * 2 ** min(attempt - 1, 40))
    return timedelta(milliseconds=delay / 2 + rand() * delay / 2)


def due_deliveries(session: Session, due_by: datetime, limit: int) -> list[int]:
    """Ids of deliveries to active endpoints due by ``due_by``, the longest waiting first."""
    query = (
        select(WebhookDelivery.id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.state == "pending",
            WebhookDelivery.next_attempt_at <= due_by,
            WebhookEndpoint.active.is_(True),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def next_due(session: Session) -> datetime | None:
    """When the next pending delivery to an active endpoint falls due (a claimed one: its lease end)."""
    return session.scalar(
        select(func.min(WebhookDelivery.next_attempt_at))
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookDelivery.state == "pending", WebhookEndpoint.active.is_(True))
    )


def claim(
    session: Session, delivery_id: int, now: datetime, lease: timedelta, max_attempts: int
) -> Claim | None:
    """Take the next attempt of a due delivery for this worker, or None when another worker took it
    first. The conditional update is the lock: of two workers, only one sees its row change.

    A delivery still marked claimed had an attempt whose worker died: that attempt is logged as lost,
    and when it was the last one allowed, the delivery is given up instead."""
    row = session.execute(
        select(WebhookDelivery.attempts, WebhookDelivery.claimed_at).where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.state == "pending",
            WebhookDelivery.next_attempt_at <= now,
        )
    ).one_or_none()
    if row is None:
        return None
    attempts, lost_since = row
    still = (
        WebhookDelivery.id == delivery_id,
        WebhookDelivery.state == "pending",
        WebhookDelivery.attempts == attempts,
        WebhookDelivery.next_attempt_at <= now,
    )
    if lost_since is not None and attempts >= max_attempts:
        taken = session.execute(
            update(WebhookDelivery)
            .where(*still)
            .values(state="failed", claimed_at=None, last_status_code=None, last_error=LOST)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            session.add(_lost_attempt(delivery_id, attempts, lost_since))
        return None
    taken = session.execute(
        update(WebhookDelivery)
        .where(*still)
        .values(attempts=attempts + 1, claimed_at=now, next_attempt_at=now + lease)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        return None
    if lost_since is not None:
        session.add(_lost_attempt(delivery_id, attempts, lost_since))
    delivery = session.get(WebhookDelivery, delivery_id, populate_existing=True)
    return Claim(
        delivery_id=delivery.id,
        attempt=attempts + 1,
        url=delivery.endpoint.url,
        secret=delivery.endpoint.secret,
        body=delivery.payload.encode("utf-8"),
        event_type=delivery.event_type,
        event_id=f"evt_{delivery.notification_id}" if delivery.notification_id else None,
    )


def _lost_attempt(delivery_id: int, number: int, started_at: datetime) -> WebhookAttempt:
    return WebhookAttempt(
        delivery_id=delivery_id,
        number=number,
        started_at=started_at,
        duration_ms=None,
        status_code=None,
        error=LOST,
        response_excerpt="",
    )


def record_attempt(
    session: Session,
    claimed: Claim,
    outcome: Outcome,
    now: datetime,
    max_attempts: int,
    retry_after: Callable[[int], timedelta],
) -> str:
    """Log the attempt and move the delivery on: delivered, due again after a backoff, or given up.
    Returns the delivery's state; a worker whose lease ran out meanwhile only adds its log line."""
    session.add(
        WebhookAttempt(
            delivery_id=claimed.delivery_id,
            number=claimed.attempt,
            started_at=outcome.started_at,
            duration_ms=outcome.duration_ms,
            status_code=outcome.status_code,
            error=outcome.error[:500],
            response_excerpt=outcome.response_excerpt[:EXCERPT],
        )
    )
    values: dict = {
        "claimed_at": None,
        "last_status_code": outcome.status_code,
        "last_error": outcome.error[:500],
    }
    if outcome.delivered:
        values |= {"state": "delivered", "delivered_at": now}
    elif claimed.attempt >= max_attempts:
        values |= {"state": "failed"}
    else:
        values |= {"next_attempt_at": now + retry_after(claimed.attempt)}
    moved = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == claimed.delivery_id,
            WebhookDelivery.state == "pending",
            WebhookDelivery.attempts == claimed.attempt,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        return "superseded"
    return values.get("state", "pending")
