"""Production lots and the serial numbers issued in them, each with its compact signed QR claim.

Issuing serials is all or nothing, and an idempotency key makes a retried request return the first
job instead of issuing twice. A small request is issued at once, in the caller's transaction; a big
one is accepted as a queued job (both :func:`submit_serials`) that a worker runs in steps, each in a
transaction of its own that the worker (``app/serial_jobs.py``) commits: :func:`claim_job`,
:func:`job_plan`, then :func:`sign_serials` outside any transaction and :func:`stage_serials` chunk
by chunk, and :func:`finish_job` or :func:`fail_job`. Staged serials wait in ``pending_serials``,
where nothing looks for them: no scan, sheet or listing sees a serial before its whole job succeeds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from labels.certification.workflow import effective_status
from labels.codes.qrclaim import (
    MAX_LABELS,
    ClaimFields,
    digital_link_path,
    expiry_of,
    random_serial,
    sign_claim,
)
from labels.common.paging import Page, paginate
from labels.errors import Conflict, FieldIssue, InvalidInput, NotFound
from labels.gs1.identifiers import InvalidIdentifier, check_cset82, normalise_gln
from labels.registry import audit
from labels.registry.permissions import Principal, can_see_product, require_product_editor
from labels.registry.products import get_product
from labels.trust.keyring import SigningUnavailable
from labels.trust.notary import notary_of
from models import Label, Lot, Product, Serial, SerialJob, SigningKey, UTCDateTime, utcnow
from models.lot import PendingSerial

MAX_SERIALS_PER_REQUEST = 100_000
_INSERT_CHUNK = 5_000
#: States in which a job may still change; the others are final.
UNFINISHED = ("queued", "running")


def create_lot(
    session: Session,
    actor: Principal,
    gtin: str,
    lot_number: str,
    production_date: date | None = None,
    expiry_date: date | None = None,
    quantity: int = 0,
    site_gln: str | None = None,
) -> Lot:
    product = get_product(session, actor, gtin)
    require_product_editor(actor, product.holder_id)
    issues = []
    try:
        lot_number = check_cset82(lot_number.strip(), 20, "lot_number")
    except InvalidIdentifier as exc:
        issues.append(FieldIssue("lot_number", exc.rule, str(exc)))
    if production_date and expiry_date and expiry_date < production_date:
        issues.append(FieldIssue("expiry_date", "after-production", "a lot cannot expire before it is made"))
    if quantity < 0:
        issues.append(FieldIssue("quantity", "range", "the quantity is zero or more"))
    if site_gln:
        try:
            site_gln = normalise_gln(site_gln)
        except InvalidIdentifier as exc:
            issues.append(FieldIssue("site_gln", exc.rule, str(exc)))
    if issues:
        raise InvalidInput(issues)
    exists = select(Lot.id).where(Lot.product_id == product.id, Lot.lot_number == lot_number)
    if session.scalar(exists) is not None:
        raise Conflict(
            f"lot {lot_number} of {product.gtin} exists already", field="lot_number", rule="unique"
        )
    lot = Lot(
        product=product,
        lot_number=lot_number,
        production_date=production_date,
        expiry_date=expiry_date,
        quantity=quantity,
        site_gln=site_gln or None,
    )
    session.add(lot)
    session.flush()  # the audit entry needs the id
    audit.record(
        session, actor, "lot.create", "lot", lot.id, product.holder_id, gtin=product.gtin, lot=lot_number
    )
    return lot


def get_lot(session: Session, actor: Principal, lot_id: int) -> Lot:
    lot = session.get(Lot, lot_id)
    if lot is None or not can_see_product(actor, lot.product.holder_id, published=False):
        raise NotFound("no such lot")
    return lot


def active_labels(session: Session, product: Product, now: datetime) -> list[Label]:
    """The product's labels that are valid now: what its codes claim."""
    labels = session.scalars(
        select(Label).where(Label.products.any(Product.id == product.id)).order_by(Label.label_number)
    )
    return [label for label in labels if effective_status(label, now) == "active"][:MAX_LABELS]


def claim_fields(labels: list[Label]) -> ClaimFields:
    return ClaimFields(
        labels=tuple(label.label_number for label in labels),
        expires=expiry_of(label.valid_until for label in labels),
        status_indexes=tuple(label.status_index for label in labels),
    )


def _check_request(session: Session, actor: Principal, lot_id: int, count: int, idempotency_key: str):
    """The lot, the cleaned key and the job this key already made (or None); refuses a bad request."""
    lot = get_lot(session, actor, lot_id)
    require_product_editor(actor, lot.product.holder_id)
    key = (idempotency_key or "").strip()
    if not 1 <= len(key) <= 100:
        raise InvalidInput.one("idempotency_key", "length", "an idempotency key has 1 to 100 characters")
    if not 1 <= count <= MAX_SERIALS_PER_REQUEST:
        raise InvalidInput.one("count", "range", f"issue 1 to {MAX_SERIALS_PER_REQUEST} serials at a time")
    earlier = session.scalar(
        select(SerialJob).where(SerialJob.lot_id == lot.id, SerialJob.idempotency_key == key)
    )
    if earlier is not None and earlier.requested != count:
        raise Conflict(
            "this idempotency key was used for another request",
            field="idempotency_key",
            rule="idempotency-key-reused",
        )
    return lot, key, earlier


def _claimable_labels(session: Session, product: Product, now: datetime) -> list[Label]:
    labels = active_labels(session, product, now)
    if not labels:
        raise InvalidInput.one(
            "lot_id", "labelled-product", "the product has no valid label for its codes to claim"
        )
    return labels


def _signed_rows(
    gtin: str, lot_number: str, count: int, fields: ClaimFields, private: Ed25519PrivateKey, taken: set[str]
) -> list[dict]:
    rows = []
    while len(rows) < count:
        serial = random_serial()
        # 71 random bits: a repeat within a job never happens in practice, but must not abort it. A clash
        # with a serial issued earlier is left to the unique constraint: all or nothing, as ever.
        if serial in taken:
            continue
        taken.add(serial)
        claim = sign_claim(digital_link_path(gtin, lot_number, serial), fields, private)
        rows.append({"serial": serial, "claim": claim})
    return rows


def submit_serials(
    session: Session,
    actor: Principal,
    lot_id: int,
    count: int,
    idempotency_key: str,
    at_once: bool,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
) -> tuple[SerialJob, bool]:
    """Ask for ``count`` unguessable serials in the lot, each with its signed claim; all or nothing.

    ``at_once``: issued here, in the caller's transaction (for small requests). Otherwise the job is
    queued for a worker, after checking up front what would make it fail at once. Returns ``(job,
    True)`` for a new job, or the job this idempotency key made before and ``False``.
    """
    now = now or utcnow()
    lot, key, earlier = _check_request(session, actor, lot_id, count, idempotency_key)
    if earlier is not None:
        return earlier, False
    product = lot.product
    fields = claim_fields(_claimable_labels(session, product, now))
    _, private = notary_of(session).signer(session, "credential")  # no key, no job: said now
    job = SerialJob(
        lot=lot,
        idempotency_key=key,
        requested=count,
        state="running" if at_once else "queued",
        created_by_id=actor.user_id,
        created_at=now,
        progressed_at=now if at_once else None,
    )
    session.add(job)
    session.flush()  # the serial rows and the audit entry refer to the job
    if not at_once:
        audit.record(
            session, actor, "serials.request", "lot", lot.id, product.holder_id, count=count, job=job.id
        )
        return job, True
    taken: set[str] = set()
    done = 0
    while done < count:
        size = min(_INSERT_CHUNK, count - done)
        rows = _signed_rows(product.gtin, lot.lot_number, size, fields, private, taken)
        fixed = {"product_id": product.id, "lot_id": lot.id, "job_id": job.id, "created_at": now}
        session.execute(insert(Serial), [fixed | row for row in rows])
        done += size
        if progress:
            progress(size)
    job.issued, job.state, job.finished_at = count, "succeeded", utcnow()
    audit.record(session, actor, "serials.issue", "lot", lot.id, product.holder_id, count=count, job=job.id)
    return job, True


def issue_serials(
    session: Session,
    actor: Principal,
    lot_id: int,
    count: int,
    idempotency_key: str,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
) -> SerialJob:
    """Issue ``count`` serials at once in the caller's transaction (see :func:`submit_serials`)."""
    return submit_serials(session, actor, lot_id, count, idempotency_key, True, progress, now)[0]


# --- jobs run by a worker ------------------------------------------------------------------------


def get_job(session: Session, actor: Principal, lot_id: int, job_id: int) -> SerialJob:
    """One job of a lot, for those who may see the lot."""
    lot = get_lot(session, actor, lot_id)
    job = session.get(SerialJob, job_id)
    if job is None or job.lot_id != lot.id:
        raise NotFound("no such serial job in this lot")
    return job


def list_jobs(session: Session, actor: Principal, lot_id: int, page: int = 1, per_page: int = 50) -> Page:
    """The lot's jobs, newest first."""
    lot = get_lot(session, actor, lot_id)
    query = select(SerialJob).where(SerialJob.lot_id == lot.id).order_by(SerialJob.id.desc())
    return paginate(session, query, page, per_page)


def percent(job: SerialJob) -> int:
    """How far the job is, 0 to 100; 100 only once it succeeded (the move into the lot is a step too)."""
    if job.state == "succeeded":
        return 100
    if job.state == "failed" or not job.requested:
        return 0
    return min(99, job.issued * 100 // job.requested)


def claim_job(session: Session, now: datetime, job_id: int | None = None) -> int | None:
    """Take the oldest queued job (or ``job_id``) for this worker: queued becomes running. None when
    there is none, or another worker took it first."""
    if job_id is None:
        job_id = session.scalar(
            select(SerialJob.id).where(SerialJob.state == "queued").order_by(SerialJob.id).limit(1)
        )
        if job_id is None:
            return None
    taken = session.execute(
        update(SerialJob)
        .where(SerialJob.id == job_id, SerialJob.state == "queued")
        .values(state="running", progressed_at=now)
        .execution_options(synchronize_session=False)
    )
    return job_id if taken.rowcount == 1 else None


@dataclass(frozen=True)
class JobPlan:
    """What a running job signs; fixed when it starts, so that all of its codes claim the same labels."""

    job_id: int
    gtin: str
    lot_number: str
    requested: int
    fields: ClaimFields


def job_plan(session: Session, job_id: int, now: datetime) -> JobPlan:
    """The plan of a job that starts now: the labels its codes claim are the product's valid ones."""
    job = session.get(SerialJob, job_id)
    if job is None:
        raise NotFound(f"no serial job {job_id}")
    lot = job.lot
    fields = claim_fields(_claimable_labels(session, lot.product, now))
    return JobPlan(job.id, lot.product.gtin, lot.lot_number, job.requested, fields)


def sign_serials(plan: JobPlan, count: int, private: Ed25519PrivateKey, taken: set[str]) -> list[dict]:
    """``count`` new serials of the job with their claims; touches no database, so that a worker signs
    outside any transaction and holds the write lock only to store them."""
    return _signed_rows(plan.gtin, plan.lot_number, count, plan.fields, private, taken)


def stage_serials(session: Session, job_id: int, rows: list[dict], signed_with: int, now: datetime) -> None:
    """Store a chunk of a running job's signed serials, still pending, and count them as progress.

    Refuses (:class:`Conflict`) when the job is no longer running, as when a sweep failed it for a
    worker that seemed dead, and (:class:`SigningUnavailable`) when the key that signed the chunk (its
    id: ``signed_with``) was retired meanwhile: its codes would not be trusted.
    """
    moved = session.execute(
        update(SerialJob)
        .where(SerialJob.id == job_id, SerialJob.state == "running")
        .values(issued=SerialJob.issued + len(rows), progressed_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise Conflict(f"serial job {job_id} is no longer running", field="state", rule="transition")
    _require_unretired(session, {signed_with})
    session.execute(insert(PendingSerial), [{"job_id": job_id} | row for row in rows])


def _require_unretired(session: Session, key_ids: set[int]) -> None:
    retired = session.scalars(
        select(SigningKey.kid).where(SigningKey.id.in_(key_ids), SigningKey.retired_at.is_not(None))
    ).all()
    if retired:
        raise SigningUnavailable(
            f"signing key {retired[0]} was retired while the job ran: its codes would not verify"
        )


def finish_job(session: Session, job_id: int, signed_with: set[int], now: datetime) -> SerialJob:
    """Issue every pending serial of the job at once, in the caller's transaction: the job succeeds.

    A clash with a serial issued meanwhile breaks the unique constraint, and the whole job fails.
    """
    done = session.execute(
        update(SerialJob)
        .where(SerialJob.id == job_id, SerialJob.state == "running", SerialJob.issued == SerialJob.requested)
        .values(state="succeeded", finished_at=now, progressed_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise Conflict(
            f"serial job {job_id} is not running with every serial signed", field="state", rule="transition"
        )
    _require_unretired(session, signed_with)
    job = session.get(SerialJob, job_id, populate_existing=True)
    lot = job.lot
    pending = (
        select(
            literal(lot.product_id),
            literal(lot.id),
            PendingSerial.job_id,
            PendingSerial.serial,
            PendingSerial.claim,
            literal(now, UTCDateTime()),
        )
        .where(PendingSerial.job_id == job_id)
        .order_by(PendingSerial.id)
    )
    columns = ["product_id", "lot_id", "job_id", "serial", "claim", "created_at"]
    session.execute(insert(Serial).from_select(columns, pending))
    session.execute(delete(PendingSerial).where(PendingSerial.job_id == job_id))
    actor = Principal(user_id=job.created_by_id, channel="system")  # the job acts for whoever asked
    audit.record(
        session, actor, "serials.issue", "lot", lot.id, lot.product.holder_id, count=job.requested, job=job.id
    )
    return job


def fail_job(session: Session, job_id: int, reason: str, now: datetime) -> bool:
    """Fail an unfinished job and delete what it staged: nothing of it is left but the reason.
    False when the job had finished already (then nothing changes)."""
    failed = session.execute(
        update(SerialJob)
        .where(SerialJob.id == job_id, SerialJob.state.in_(UNFINISHED))
        .values(state="failed", error=reason[:2000], issued=0, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    if failed.rowcount != 1:
        return False
    session.execute(delete(PendingSerial).where(PendingSerial.job_id == job_id))
    job = session.get(SerialJob, job_id, populate_existing=True)
    actor = Principal(user_id=job.created_by_id, channel="system")
    audit.record(
        session,
        actor,
        "serials.fail",
        "lot",
        job.lot_id,
        job.lot.product.holder_id,
        job=job.id,
        reason=reason[:200],
    )
    return True


def fail_stalled_jobs(
    session: Session, now: datetime, stalled_after: timedelta, job_id: int | None = None
) -> list[int]:
    """Fail the running jobs (or just ``job_id``) with no progress for ``stalled_after``: their worker
    died (a restart, a crash, a kill), and no one else would ever finish them."""
    query = select(SerialJob.id).where(
        SerialJob.state == "running",
        func.coalesce(SerialJob.progressed_at, SerialJob.created_at) < now - stalled_after,
    )
    if job_id is not None:
        query = query.where(SerialJob.id == job_id)
    seconds = int(stalled_after.total_seconds())
    span = f"{seconds // 60} min" if seconds >= 60 else f"{seconds} s"
    reason = (
        f"the worker running this job stopped (no progress for {span}); nothing was issued: "
        "request the serials again with a new idempotency key"
    )
    return [stalled for stalled in session.scalars(query).all() if fail_job(session, stalled, reason, now)]


def find_serial(session: Session, gtin14: str, serial: str) -> Serial | None:
    return session.scalar(
        select(Serial)
        .join(Product, Serial.product_id == Product.id)
        .where(Product.gtin == gtin14, Serial.serial == serial)
    )


def code_uri(base_url: str, product: Product, lot: Lot, serial: Serial) -> str:
    """The text printed in the item's QR code."""
    host = urlsplit(base_url).netloc
    return f"https://{host}{digital_link_path(product.gtin, lot.lot_number, serial.serial)}?{serial.claim}"
