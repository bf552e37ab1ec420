"""Running serial jobs: in a background thread of the worker process that accepted them, or in the
foreground for the CLI; the runner owns the commits that the services in ``labels.codes.lots`` leave to it.

Every step is a short transaction of its own, so on SQLite (one writer at a time) scans and other
writers never wait long: a chunk is signed with no transaction open, then stored as pending serials
with the job's progress in one commit; at the end one transaction moves the job's serials into the
lot. Any failure fails the job and deletes what it staged. The queue is the ``serial_jobs`` table
itself: any worker claims a queued job with a conditional update, so gunicorn may run several
workers, and a job left queued by a worker that died is taken by the next one woken up. A job left
running by a worker that died is failed once it has made no progress for ``SERIAL_JOB_STALLED_AFTER``
seconds (by the next runner to start a job, or by the next request that reads it).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.database import db
from labels.codes import lots
from labels.errors import LabelsError
from labels.trust.notary import notary_of
from models import SerialJob, utcnow

log = logging.getLogger(__name__)

CLASHED = (
    "a serial clashed with one issued meanwhile; nothing was issued: "
    "request the serials again with a new idempotency key"
)
BROKEN = "an internal error stopped the job; nothing was issued: request the serials again with a new key"


class JobSettings:
    def __init__(self, config):
        self.chunk = max(1, int(config["SERIAL_JOB_CHUNK"]))
        self.pause = max(0, int(config["SERIAL_JOB_PAUSE_MS"])) / 1000
        self.stalled_after = timedelta(seconds=int(config["SERIAL_JOB_STALLED_AFTER"]))


def run_job(
    new_session: Callable[[], Session],
    job_id: int,
    settings: JobSettings,
    progress: Callable[[int], None] | None = None,
) -> str:
    """Run a claimed (running) job to its end; returns its final state. Never leaves it half done: on
    any error, or an interrupt, the job is failed and its pending serials deleted before this returns
    or re-raises."""
    signed_with: set[int] = set()
    try:
        with new_session() as session:
            plan = lots.job_plan(session, job_id, utcnow())
            key, private = notary_of(session).signer(session, "credential")
            key_id = key.id
            session.rollback()  # only read: release SQLite's write lock before signing
        taken: set[str] = set()
        done = 0
        while done < plan.requested:
            rows = lots.sign_serials(plan, min(settings.chunk, plan.requested - done), private, taken)
            signed_with.add(key_id)
            with new_session() as session:
                lots.stage_serials(session, job_id, rows, key_id, utcnow())
                # The next chunk signs with whatever key is active now: a rotation mid-job is fine.
                key, private = notary_of(session).signer(session, "credential")
                key_id = key.id
                session.commit()
            done += len(rows)
            if progress:
                progress(len(rows))
            if settings.pause:
                time.sleep(settings.pause)
        with new_session() as session:
            lots.finish_job(session, job_id, signed_with, utcnow())
            session.commit()
        return "succeeded"
    except BaseException as exc:  # an interrupt too: the job must not stay running with pending serials
        if isinstance(exc, LabelsError):
            reason = f"{exc.detail}; nothing was issued"
        elif isinstance(exc, IntegrityError):
            reason = CLASHED
        else:
            reason = BROKEN
            if isinstance(exc, Exception):
                log.exception("serial job %s failed", job_id)
        _fail(new_session, job_id, reason)
        if not isinstance(exc, Exception):
            raise
        return "failed"


def _fail(new_session: Callable[[], Session], job_id: int, reason: str) -> None:
    try:
        with new_session() as session:
            lots.fail_job(session, job_id, reason, utcnow())
            session.commit()
    except Exception:
        # The database itself is failing; the stalled-job sweep will fail the job later.
        log.exception("could not mark serial job %s failed", job_id)


class SerialJobRunner:
    """One background thread per worker process, started on demand, that runs queued jobs one at a
    time until none is left. Threads do not survive a fork, so it starts in the worker, never before."""

    def __init__(self, app: Flask):
        self.settings = JobSettings(app.config)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wanted = False

    def wake(self) -> None:
        """Look for queued jobs soon (after the commit that queued one)."""
        with self._lock:
            self._wanted = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._drain, name="serial-jobs", daemon=True)
                self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the thread to run out of work; True if it did (the tests use this)."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._wanted:
                    self._thread = None
                    return
                self._wanted = False
            try:
                self._run_queued()
            except Exception:
                log.exception("the serial job runner failed; the stalled-job sweep will clean up")

    def _run_queued(self) -> None:
        with db.new_session() as session:
            lots.fail_stalled_jobs(session, utcnow(), self.settings.stalled_after)
            session.commit()
        while True:
            with db.new_session() as session:
                job_id = lots.claim_job(session, utcnow())
                session.commit()
            if job_id is None:
                return
            run_job(db.new_session, job_id, self.settings)


def runner(app: Flask | None = None) -> SerialJobRunner:
    """This process's runner for ``app`` (the current app by default), made on first use."""
    app = app or current_app._get_current_object()
    found = app.extensions.get("serial_jobs")
    if found is None:
        with _made:
            found = app.extensions.setdefault("serial_jobs", SerialJobRunner(app))
    return found


_made = threading.Lock()


def wake_after_commit(session: Session) -> None:
    """Wake this process's runner once ``session`` commits: a job is not there to claim before."""
    job_runner = runner()
    event.listen(session, "after_commit", lambda _session: job_runner.wake(), once=True)


def current_state(session: Session, job: SerialJob) -> SerialJob:
    """The job as a request reads it: failed first if its worker died; a queued job wakes this
    process's runner, so a job whose worker died before claiming it still runs."""
    settings = runner().settings
    if job.state == "running" and lots.fail_stalled_jobs(session, utcnow(), settings.stalled_after, job.id):
        session.refresh(job)
    elif job.state == "queued":
        wake_after_commit(session)
    return job
