"""EPCIS capture: validate a document, identify each event by its GS1 hash, sign it on receipt, log it.

A capture is one transaction. With the ``rollback`` behaviour (the EPCIS default) any invalid or
already captured event refuses the whole document and nothing is kept; with ``proceed`` the good
events are kept and each refused one is reported in the capture job with its reason.

Each kept event is stored as received (made self-contained: a document-level ``@context`` that
declares extension namespaces is copied into the event), indexed by the canonical form of every
identifier it names, and covered by a signed receipt in the transparency log: a W3C credential
holding the event's hash ID and the SHA-256 of the stored bytes. The receipt, not the event, is the
log leaf, so the log stays public while an organisation's events may be private.
"""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from labels.errors import Conflict, FieldIssue, InvalidEpcisDocument, InvalidInput, NotFound, PayloadTooLarge
from labels.registry import audit
from labels.registry.permissions import Principal, require_event_capturer
from labels.traceability.event_hash import event_hash_id
from labels.traceability.events import cbv_uri, event_time, identifiers, location
from labels.traceability.validation import validate_capture_document, validate_envelope, validate_event
from labels.trust.notary import notary_of, timestamp
from models import CaptureJob, EpcisEvent, EventIdentifier, Organisation, utcnow

RECEIPT_TYPE = "EPCISEventReceipt"
RECORD_TYPE = "epcis-event"
MAX_ID_LENGTH = 300


def capture(
    session: Session,
    actor: Principal,
    organisation: Organisation,
    document: object,
    behaviour: str = "rollback",
    limit: int = 10_000,
) -> CaptureJob:
    """Capture ``document`` for ``organisation``; returns the finished job (raises in rollback mode)."""
    require_event_capturer(actor, organisation.id)
    events = _event_list(document, limit)
    refused = _invalid_events(document, events, behaviour)
    context = document.get("@context")
    hashes, named = _hashes(events, context, refused)
    _refuse_duplicates(session, events, hashes, refused, behaviour)
    now = utcnow()
    kept = [i for i in range(len(events)) if i not in refused]
    job = CaptureJob(
        organisation_id=organisation.id,
        created_by_id=actor.user_id,
        error_behaviour=behaviour,
        state="succeeded" if not refused else ("partial" if kept else "failed"),
        event_count=len(events),
        captured_count=len(kept),
        errors=json.dumps(
            [{"event": i} | issue.as_dict() for i in sorted(refused) for issue in refused[i]],
            ensure_ascii=False,
        ),
        created_at=now,
        finished_at=now,
    )
    session.add(job)
    session.flush()
    if kept:
        _store(session, organisation, job, [(events[i], hashes[i], named[i]) for i in kept], context, now)
        notary_of(session).checkpoint(session)
    audit.record(
        session,
        actor,
        "epcis.capture",
        "capture_job",
        job.id,
        organisation.id,
        events=len(kept),
        refused=len(refused),
    )
    return job


def get_job(session: Session, actor: Principal, job_id: int) -> CaptureJob:
    job = session.get(CaptureJob, job_id)
    if job is None or not (actor.is_admin or actor.member_of(job.organisation_id)):
        raise NotFound("no such capture job")
    return job


def _event_list(document: object, limit: int) -> list:
    if not isinstance(document, dict):
        raise InvalidEpcisDocument(FieldIssue("body", "type", "an EPCIS document is a JSON object"))
    body = document.get("epcisBody")
    events = body.get("eventList") if isinstance(body, dict) else None
    if not isinstance(events, list):
        raise InvalidEpcisDocument(
            FieldIssue("epcisBody.eventList", "required", "an EPCIS capture document lists its events there")
        )
    if len(events) > limit:
        raise PayloadTooLarge(
            f"a capture takes at most {limit} events (GS1-EPCIS-Capture-Limit); send {len(events)} in parts",
            "epcisBody.eventList",
            limit,
        )
    return events


def _invalid_events(document: dict, events: list, behaviour: str) -> dict[int, list[FieldIssue]]:
    """Schema problems by event index; a document-level problem, or any in rollback mode, refuses all."""
    if behaviour == "rollback":
        try:
            validate_capture_document(document)
        except InvalidInput as exc:
            raise InvalidEpcisDocument(exc.issues, exc.detail) from exc
        return {}
    envelope = validate_envelope(document)
    if envelope:
        raise InvalidEpcisDocument(envelope)
    found = {index: validate_event(event, index) for index, event in enumerate(events)}
    return {index: issues for index, issues in found.items() if issues}


def _hashes(events: list, context: object, refused: dict) -> tuple[dict[int, str], dict[int, list]]:
    """Each storable event's hash ID, and the identifiers it names (parsed once, stored later)."""
    hashes, named = {}, {}
    for index, event in enumerate(events):
        if index in refused:
            continue
        issue = _unstorable(event, index, named)
        if issue:
            refused[index] = [issue]
            continue
        try:
            hashes[index] = event_hash_id(event, context)
        except (
            KeyError,
            TypeError,
            ValueError,
        ) as exc:  # a shape the schema let through but cannot be hashed
            refused[index] = [
                FieldIssue(f"epcisBody.eventList[{index}]", "hash", f"cannot compute its hash: {exc}")
            ]
    return hashes, named


def _unstorable(event: dict, index: int, named: dict[int, list]) -> FieldIssue | None:
    """What the schema allows but the index cannot hold: a time without offset, an over-long id."""
    path = f"epcisBody.eventList[{index}]"
    try:
        event_time(event)
    except (KeyError, TypeError, ValueError):
        return FieldIssue(f"{path}.eventTime", "format", "eventTime is a date and time with an offset or Z")
    names = [("readPoint", location(event, "readPoint")), ("bizLocation", location(event, "bizLocation"))]
    named[index] = identifiers(event)
    names += [(role, canonical) for role, canonical, _, _ in named[index]]
    for field, value in names:
        if value and len(value) > MAX_ID_LENGTH:
            return FieldIssue(
                f"{path}.{field}", "max-length", f"identifiers have at most {MAX_ID_LENGTH} characters"
            )
    for field in ("bizStep", "disposition"):
        value = cbv_uri(event.get(field), field)
        if value and len(value) > MAX_ID_LENGTH:
            return FieldIssue(
                f"{path}.{field}", "max-length", f"{field} has at most {MAX_ID_LENGTH} characters"
            )
    if isinstance(event.get("eventID"), str) and len(event["eventID"]) > 500:
        return FieldIssue(f"{path}.eventID", "max-length", "eventID has at most 500 characters")
    return None


def _refuse_duplicates(session: Session, events: list, hashes: dict[int, str], refused: dict, behaviour: str):
    """An event already captured, or twice in this document, is refused: 409 in rollback mode."""
    first: dict[str, int] = {}
    known = set(
        session.scalars(select(EpcisEvent.event_hash).where(EpcisEvent.event_hash.in_(set(hashes.values()))))
    )
    for index, digest in hashes.items():
        field = f"epcisBody.eventList[{index}]"
        if digest in known:
            message = f"event {index} ({digest}) has been captured before"
        elif digest in first:
            message = f"event {index} repeats event {first[digest]} of this document ({digest})"
        else:
            first[digest] = index
            continue
        if behaviour == "rollback":
            raise Conflict(message + "; nothing was captured", field=field, rule="duplicate")
        refused[index] = [FieldIssue(field, "duplicate", message)]
    for index in refused:
        hashes.pop(index, None)


def _self_contained(event: dict, context: object) -> dict:
    """The event with its document's @context when that context declares namespaces (extensions)."""
    if not isinstance(context, list) or not any(isinstance(item, dict) for item in context):
        return event
    own = event.get("@context")
    merged = context + (own if isinstance(own, list) else [own] if own else [])
    return {"@context": merged} | {k: v for k, v in event.items() if k != "@context"}


def _receipt(
    notary, organisation: Organisation, event: dict, digest: str, stored: bytes, recorded: str
) -> dict:
    subject = {
        "id": digest,
        "type": "EPCISEvent",
        "eventType": event["type"],
        "eventTime": event["eventTime"],
        "capturedBy": {"name": organisation.legal_name, "taxCode": organisation.tax_code},
        "recordTime": recorded,
        "storedEventSHA256": hashlib.sha256(stored).hexdigest(),
    }
    if isinstance(event.get("eventID"), str):
        subject["eventID"] = event["eventID"]
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", RECEIPT_TYPE],
        "issuer": notary.issuer,
        "validFrom": recorded,
        "credentialSubject": subject,
    }


def _store(
    session: Session, organisation, job: CaptureJob, events: list[tuple[dict, str, list]], context, now
) -> None:
    notary = notary_of(session)
    stored = [
        json.dumps(_self_contained(event, context), ensure_ascii=False, separators=(",", ":"))
        for event, _, _ in events
    ]
    recorded = timestamp(now)
    receipts = [
        (digest, _receipt(notary, organisation, event, digest, text.encode(), recorded))
        for (event, digest, _), text in zip(events, stored, strict=True)
    ]
    logged = notary.record_many(session, RECORD_TYPE, receipts, now)
    rows = [
        {
            "event_hash": digest,
            "event_id": event.get("eventID") if isinstance(event.get("eventID"), str) else None,
            "event_type": event["type"],
            "event_time": event_time(event),
            "event_time_zone_offset": event.get("eventTimeZoneOffset", "+00:00"),
            "record_time": now,
            "action": event.get("action"),
            "biz_step": cbv_uri(event.get("bizStep"), "bizStep"),
            "disposition": cbv_uri(event.get("disposition"), "disposition"),
            "read_point": location(event, "readPoint"),
            "biz_location": location(event, "bizLocation"),
            "organisation_id": organisation.id,
            "capture_job_id": job.id,
            "leaf_index": leaf_index,
            "document": text,
        }
        for (event, digest, _), text, (_, leaf_index) in zip(events, stored, logged, strict=True)
    ]
    # Core, in one executemany: the ORM's bulk insert splits the rows wherever the set of None columns
    # changes (here an INSERT every row or two), and RETURNING in parameter order makes SQLite insert
    # one row at a time. The new ids are read back by leaf index instead: unique, and one range.
    session.execute(insert(EpcisEvent.__table__), rows)
    first, last = rows[0]["leaf_index"], rows[-1]["leaf_index"]
    by_leaf = dict(
        session.execute(
            select(EpcisEvent.leaf_index, EpcisEvent.id).where(EpcisEvent.leaf_index.between(first, last))
        ).all()
    )
    ids = [by_leaf[row["leaf_index"]] for row in rows]
    index_rows = [
        (pk, *identifier) for pk, (_, _, named) in zip(ids, events, strict=True) for identifier in named
    ]
    if index_rows:
        _insert_identifiers(session, index_rows)


_IDENTIFIER_COLUMNS = ("event_pk", "role", "canonical", "product", "quantity")


def _insert_identifiers(session: Session, rows: list[tuple]) -> None:
    """Insert ``(event_pk, role, canonical, product, quantity)`` rows, about a dozen an event."""
    table = EventIdentifier.__table__
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        # Core: the ORM's bulk insert would split the rows like the events', and costs more per row.
        session.execute(insert(table), [dict(zip(_IDENTIFIER_COLUMNS, row, strict=True)) for row in rows])
        return
    # Core's executemany processes every row's parameters in Python, which here cost more than
    # SQLite's own inserts. The values are plain ints, strings and floats that need no processing,
    # so they go to the driver as they are, through Core's own INSERT.
    compiled = insert(table).compile(dialect=connection.dialect, column_keys=list(_IDENTIFIER_COLUMNS))
    if tuple(compiled.positiontup) != _IDENTIFIER_COLUMNS:
        raise RuntimeError(f"unexpected parameter order {compiled.positiontup}")
    connection.exec_driver_sql(str(compiled), rows)
