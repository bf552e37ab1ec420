"""Sending the watchlists' webhooks: a background thread in each worker process, or the console
(``ecoreg webhooks deliver [--once]``); either owns the commits that ``labels.notices.webhooks`` and
``labels.notices.watchlists`` leave to it.

The queue is the ``webhook_deliveries`` table, filled in the transaction of each label status change
(an outbox), so nothing is sent for a change that rolled back and nothing is lost when a process dies.
As with serial jobs, any worker claims a due delivery with a conditional update, so gunicorn may run
several workers and each delivery attempt is made once. A claim pushes the delivery's
``next_attempt_at`` a lease ahead: if the worker dies mid-attempt, the delivery falls due again when
the lease runs out, and the next claim logs the lost attempt. Every step is a short transaction of
its own, and no transaction is open while a POST is out (SQLite has one writer at a time).

A pass first looks for watched labels that expired (every ``WEBHOOK_SWEEP_SECONDS``), then sends
every due delivery once. Between passes the thread sleeps until the next delivery falls due, the next
sweep, or a wake-up: a commit that added deliveries wakes this process's thread at once.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import db
from labels.notices import watchlists, webhooks
from labels.plan import reminders
from labels.plan.seed import get_plan
from models import WebhookDelivery, utcnow

log = logging.getLogger(__name__)

BATCH = 20  # deliveries looked up at a time; each is still claimed on its own
READ_LIMIT = 4096  # bytes of an answer read, for the log's excerpt
_ADDED = "webhook_deliveries_added"  # session.info flag: wake the dispatcher after this commit


class DispatchSettings:
    def __init__(self, config):
        self.max_attempts = max(1, int(config["WEBHOOK_MAX_ATTEMPTS"]))
        self.base_ms = max(0, int(config["WEBHOOK_BACKOFF_BASE_MS"]))
        self.max_ms = max(self.base_ms, int(config["WEBHOOK_BACKOFF_MAX_MS"]))
        self.timeout = max(1, int(config["WEBHOOK_TIMEOUT_SECONDS"]))
        self.sweep_every = max(1, int(config["WEBHOOK_SWEEP_SECONDS"]))
        self.allow_private = bool(config["WEBHOOK_ALLOW_PRIVATE_NETWORKS"])
        # Long enough for the slowest POST the timeout allows (connect, then each read).
        self.lease = timedelta(seconds=3 * self.timeout) + webhooks.LEASE_MARGIN

    def retry_after(self, attempt: int) -> timedelta:
        return webhooks.backoff(attempt, self.base_ms, self.max_ms)


@dataclass
class PassReport:
    expiries: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    def count(self, state: str) -> None:
        if state == "delivered":
            self.delivered += 1
        elif state == "failed":
            self.failed += 1
        elif state == "pending":
            self.retrying += 1

    def summary(self) -> str:
        return (
            f"{self.expiries} expiries noticed; {self.delivered} delivered, {self.retrying} to retry, "
            f"{self.failed} given up"
        )


def sweep(new_session: Callable[[], Session], now: datetime) -> int:
    """Notices for watched labels that expired, and the plan's reminders due; how many were made."""
    made = 0
    for notices in (watchlists.sweep_expiries, _plan_reminders):
        try:
            with new_session() as session:
                made += len(notices(session, now))
                session.commit()
        except IntegrityError:
            # Another worker's sweep told the same first; the next sweep finds what is left.
            continue
    return made


def _plan_reminders(session: Session, now: datetime) -> list:
    plan = get_plan(session)
    return reminders.send_due(session, plan, now) if plan is not None else []


def deliver_due(
    new_session: Callable[[], Session], settings: DispatchSettings, report: PassReport | None = None
) -> PassReport:
    """Send every delivery due now, each at most once in this pass."""
    report = report or PassReport()
    # Due by the pass's start: a retry scheduled during the pass, however soon, waits for the next one,
    # and so does an attempt another worker claimed (its lease ends later).
    due_by = utcnow()
    tried: set[int] = set()
    while True:
        with new_session() as session:
            due = [found for found in webhooks.due_deliveries(session, due_by, BATCH) if found not in tried]
            session.rollback()
        if not due:
            return report
        for delivery_id in due:
            tried.add(delivery_id)
            with new_session() as session:
                claimed = webhooks.claim(
                    session, delivery_id, utcnow(), settings.lease, settings.max_attempts
                )
                session.commit()
            if claimed is None:
                continue  # another worker took it, or it was given up
            outcome = send(claimed, settings)
            with new_session() as session:
                state = webhooks.record_attempt(
                    session, claimed, outcome, utcnow(), settings.max_attempts, settings.retry_after
                )
                session.commit()
            report.count(state)


def run_pass(
    new_session: Callable[[], Session], settings: DispatchSettings, sweep_expiries: bool = True
) -> PassReport:
    report = PassReport()
    if sweep_expiries:
        report.expiries = sweep(new_session, utcnow())
    return deliver_due(new_session, settings, report)


# --- one POST ------------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as the failure it is: following it would POST the event (and let a
    public URL send the registry to an address inside its own network)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


class RefusedDestination(Exception):
    pass


def _check_destination(url: str, allow_private: bool) -> None:
    """Refuse a host that resolves to a loopback, private or link-local address. Checked before each
    attempt, as names change; the connection resolves again, so this stops mistakes and casual
    probing rather than a DNS server that answers differently on purpose."""
    if allow_private:
        return
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for *_, address in socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP):
        if webhooks.forbidden_address(address[0]):
            raise RefusedDestination(f"{parts.hostname} resolves to {address[0]}, not a public address")


def send(claimed: webhooks.Claim, settings: DispatchSettings) -> webhooks.Outcome:
    """POST one attempt, signed now; any failure becomes the outcome, never an exception."""
    started, clock = utcnow(), time.monotonic()

    def outcome(status: int | None = None, error: str = "", answer: bytes = b"") -> webhooks.Outcome:
        return webhooks.Outcome(
            started_at=started,
            duration_ms=round((time.monotonic() - clock) * 1000),
            status_code=status,
            error=error,
            response_excerpt=answer.decode("utf-8", "replace")[: webhooks.EXCERPT],
        )

    try:
        _check_destination(claimed.url, settings.allow_private)
        request = urllib.request.Request(
            claimed.url,
            data=claimed.body,
            headers=webhooks.signed_headers(claimed, int(time.time())),
            method="POST",
        )
        with _opener.open(request, timeout=settings.timeout) as response:
            return outcome(response.status, answer=response.read(READ_LIMIT))
    except urllib.error.HTTPError as exc:
        answer = exc.read(READ_LIMIT) if exc.fp else b""
        moved = 300 <= exc.code < 400
        return outcome(exc.code, "redirects are not followed: give the final URL" if moved else "", answer)
    except RefusedDestination as exc:
        return outcome(error=str(exc))
    except TimeoutError:
        return outcome(error=f"no answer within {settings.timeout} s")
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            return outcome(error=f"no answer within {settings.timeout} s")
        return outcome(error=f"could not connect: {reason}")
    except Exception as exc:  # a reset connection, a malformed answer: the receiver's problem, logged
        return outcome(error=f"{type(exc).__name__}: {exc}"[:500])


# --- the background thread -----------------------------------------------------------------------


class WebhookDispatcher:
    """One background thread per worker process. It starts on the process's first request (threads
    do not survive a fork, so never before) and then runs for the process's life, because retries and
    expiries fall due with no request to wake anything."""

    def __init__(self, app: Flask):
        self.app = app
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self.run, name="webhooks", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """Look for due deliveries now (after the commit that made some)."""
        self.start()
        self._wake.set()

    def stop(self, timeout: float | None = None) -> bool:
        """Stop the thread after its current attempt; True once it has."""
        with self._lock:
            thread = self._thread
        self._stop.set()
        self._wake.set()
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def run(self) -> None:
        """The loop; ``ecoreg webhooks deliver`` runs it in the foreground."""
        last_sweep: float | None = None
        while not self._stop.is_set():
            settings = DispatchSettings(self.app.config)
            sweeping = last_sweep is None or time.monotonic() - last_sweep >= settings.sweep_every
            try:
                report = run_pass(db.new_session, settings, sweep_expiries=sweeping)
                if report.expiries or report.delivered or report.retrying or report.failed:
                    log.info("webhooks: %s", report.summary())
                if sweeping:
                    last_sweep = time.monotonic()
                wait = self._until_next(settings, last_sweep)
            except Exception:
                log.exception("the webhook dispatcher failed a pass; it tries again shortly")
                wait = min(30, settings.sweep_every)
            self._wake.wait(wait)
            self._wake.clear()

    def _until_next(self, settings: DispatchSettings, last_sweep: float | None) -> float:
        """Seconds until the next delivery falls due or the next sweep, whichever is first."""
        wait = settings.sweep_every - (time.monotonic() - (last_sweep or time.monotonic()))
        with db.new_session() as session:
            due = webhooks.next_due(session)
            session.rollback()
        if due is not None:
            wait = min(wait, (due - utcnow()).total_seconds())
        return max(0.05, wait)


def dispatcher(app: Flask | None = None) -> WebhookDispatcher:
    """This process's dispatcher for ``app`` (the current app by default), made on first use."""
    app = app or current_app._get_current_object()
    found = app.extensions.get("webhook_dispatcher")
    if found is None:
        with _made:
            found = app.extensions.setdefault("webhook_dispatcher", WebhookDispatcher(app))
    return found


_made = threading.Lock()


def _start_in_this_worker() -> None:
    if current_app.config["WEBHOOK_DISPATCHER_THREAD"]:
        dispatcher().start()


def _note_new_deliveries(session: Session, _flush_context) -> None:
    if any(isinstance(added, WebhookDelivery) for added in session.new):
        session.info[_ADDED] = True


def _wake_after_commit(session: Session) -> None:
    # Deliveries are there to claim only once committed. Only a request wakes the thread: the
    # dispatcher's own passes send what they made, and a console command must not start a thread
    # that its exit would cut short (the workers' threads pick its deliveries up).
    added = session.info.pop(_ADDED, False)
    if added and has_request_context() and current_app.config["WEBHOOK_DISPATCHER_THREAD"]:
        dispatcher().wake()


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_ADDED, None)


def init_app(app: Flask) -> None:
    """Start the thread with the worker's first request, and wake it when a commit adds deliveries
    (label status changes happen in several views; watching the session sees them all)."""
    app.before_request(_start_in_this_worker)
    for name, listener in (
        ("after_flush", _note_new_deliveries),
        ("after_commit", _wake_after_commit),
        ("after_rollback", _forget_after_rollback),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
