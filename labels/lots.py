"""Production lots and the serial numbers issued in them, each with its compact signed QR claim.

Issuing serials is all or nothing: the serials, their claims and the job row are written in the
caller's transaction. An idempotency key makes a retried request return the first job instead of
issuing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from labels import audit
from labels.errors import Conflict, FieldIssue, InvalidInput, NotFound
from labels.gs1 import InvalidIdentifier, check_cset82, normalise_gln
from labels.notary import notary_of
from labels.permissions import Principal, can_see_product, require_product_editor
from labels.products import get_product
from labels.qrclaim import MAX_LABELS, ClaimFields, digital_link_path, expiry_of, random_serial, sign_claim
from labels.workflow import effective_status
from models import Label, Lot, Product, Serial, SerialJob, utcnow

MAX_SERIALS_PER_REQUEST = 100_000
_INSERT_CHUNK = 5_000


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


def issue_serials(
    session: Session,
    actor: Principal,
    lot_id: int,
    count: int,
    idempotency_key: str,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
) -> SerialJob:
    """Issue ``count`` unguessable serials in the lot, each with its signed claim; all or nothing."""
    now = now or utcnow()
    lot = get_lot(session, actor, lot_id)
    product = lot.product
    require_product_editor(actor, product.holder_id)
    key = (idempotency_key or "").strip()
    if not 1 <= len(key) <= 100:
        raise InvalidInput.one("idempotency_key", "length", "an idempotency key has 1 to 100 characters")
    if not 1 <= count <= MAX_SERIALS_PER_REQUEST:
        raise InvalidInput.one("count", "range", f"issue 1 to {MAX_SERIALS_PER_REQUEST} serials at a time")
    earlier = session.scalar(
        select(SerialJob).where(SerialJob.lot_id == lot.id, SerialJob.idempotency_key == key)
    )
    if earlier is not None:
        if earlier.requested != count:
            raise Conflict(
                "this idempotency key was used for another request",
                field="idempotency_key",
                rule="idempotency-key-reused",
            )
        return earlier
    labels = active_labels(session, product, now)
    if not labels:
        raise InvalidInput.one(
            "lot_id", "labelled-product", "the product has no valid label for its codes to claim"
        )
    fields = claim_fields(labels)
    _, private = notary_of(session).signer(session, "credential")
    job = SerialJob(
        lot=lot,
        idempotency_key=key,
        requested=count,
        state="running",
        created_by_id=actor.user_id,
        created_at=now,
    )
    session.add(job)
    session.flush()  # the serial rows refer to the job
    taken = set(session.scalars(select(Serial.serial).where(Serial.product_id == product.id)))
    rows = []
    while len(rows) < count:
        serial = random_serial()
        if serial in taken:  # 71 random bits: never in practice, but a duplicate must not abort the batch
            continue
        taken.add(serial)
        path = digital_link_path(product.gtin, lot.lot_number, serial)
        rows.append(
            {
                "product_id": product.id,
                "lot_id": lot.id,
                "job_id": job.id,
                "serial": serial,
                "claim": sign_claim(path, fields, private),
                "created_at": now,
            }
        )
        if len(rows) % _INSERT_CHUNK == 0:
            session.execute(insert(Serial), rows[-_INSERT_CHUNK:])
        if progress:
            progress(1)
    if len(rows) % _INSERT_CHUNK:
        session.execute(insert(Serial), rows[-(len(rows) % _INSERT_CHUNK) :])
    job.issued, job.state, job.finished_at = count, "done", utcnow()
    audit.record(session, actor, "serials.issue", "lot", lot.id, product.holder_id, count=count, job=job.id)
    return job


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
