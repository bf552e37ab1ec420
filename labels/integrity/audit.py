"""``ecoreg audit``: re-verify everything the registry has signed and the log built from it.

Nothing stored is trusted: every signed record's signature is checked against the published keys,
every stored tree node is recomputed from the records, every checkpoint's signature and root are
checked, and each label row and status list is compared with what was signed. Each discrepancy
names the table, the row and what differs. Records are streamed in batches, so memory stays flat
however long the log is, and their signatures can be verified by several processes (``jobs``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from labels.plan.closing import RECORD_TYPE as PLAN_YEAR_CLOSURE
from labels.traceability.capture import RECORD_TYPE
from labels.traceability.event_hash import event_hash_id
from labels.traceability.events import identifiers
from labels.trust import merkle
from labels.trust.checkpoint import NoteError, open_note, parse_checkpoint, parse_verifier_key, verifier_key
from labels.trust.credentials import LABEL_CREDENTIAL, STATUS_BITS
from labels.trust.notary import notary_of, timestamp
from labels.trust.signing import failed_verifications, verify_proof
from labels.trust.signing_errors import SignatureError
from labels.trust.statuslist import LIST_BITS, decode_list, get_bit
from models import (
    EpcisEvent,
    EventIdentifier,
    Label,
    LogCheckpoint,
    LogNode,
    LogState,
    Organisation,
    PlanYearClosure,
    SignedRecord,
    SigningKey,
    StatusList,
)

BATCH = 5000


@dataclass(frozen=True)
class Finding:
    table: str
    row: str
    problem: str

    def __str__(self) -> str:
        return f"{self.table} {self.row}: {self.problem}"


@dataclass
class AuditReport:
    records: int = 0
    checkpoints: int = 0
    labels: int = 0
    events: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def audit(session: Session, progress=None, jobs: int = 1) -> AuditReport:
    """Check everything; ``jobs`` processes verify the records' signatures (1: this one, no pool).

    With ``jobs`` > 1 the workers are spawned, so a script that calls this must start from an
    ``if __name__ == "__main__":`` block (multiprocessing imports the main module in each worker).
    """
    report = AuditReport()
    keys = {k.id: k for k in session.scalars(select(SigningKey))}
    notary = notary_of(session)
    by_method = {notary.verification_method(k.kid): k for k in keys.values()}
    roots = _check_records_and_tree(session, report, keys, by_method, progress, jobs)
    _check_checkpoints(session, report, keys, roots, notary.origin)
    _check_labels(session, report, by_method)
    _check_status_lists(session, report, by_method)
    _check_events(session, report)
    _check_plan_closures(session, report)
    return report


def _resolver(by_method):
    def resolve(method: str) -> Ed25519PublicKey:
        return Ed25519PublicKey.from_public_bytes(by_method[method].public_key)

    return resolve


def _stored_nodes(session: Session, first: int, last: int) -> dict[tuple[int, int], bytes]:
    """The stored nodes whose leaves lie in [first, last]: one range per level."""
    ranges, level = [], 0
    while (last + 1) >> level:
        ranges.append(
            and_(LogNode.level == level, LogNode.index.between(first >> level, (last + 1 >> level) - 1))
        )
        level += 1
    rows = session.execute(select(LogNode.level, LogNode.index, LogNode.hash).where(or_(*ranges)))
    return {(lv, ix): digest for lv, ix, digest in rows}


class _Verifier:
    """Records' signatures checked in chunks, here or in a pool of ``jobs`` processes.

    Processes, not threads: ``cryptography`` (46) holds the GIL during ``Ed25519PublicKey.verify``
    (two threads verify no faster than one), and the parsing around it is Python. A chunk is plain
    data (an id, the stored bytes) and the keys are raw bytes, so a worker needs no database, no ORM
    and no application: it imports ``labels.trust.signing`` only. "spawn" rather than fork, so that no worker
    inherits the session's open database connection, whatever the platform. At most ``2 * jobs``
    chunks are in flight, which keeps memory flat and both workers busy while this process reads the
    next rows and rebuilds the tree.
    """

    CHUNK = 1000

    def __init__(self, public_keys: dict[str, bytes], jobs: int):
        self.public_keys = public_keys
        self.pool = ProcessPoolExecutor(jobs, mp_context=get_context("spawn")) if jobs > 1 else None
        self.in_flight = 2 * jobs
        self.pending: deque = deque()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)

    def submit(self, items: list) -> list[tuple[int, list]]:
        """Queue ``items``; (how many, their failures) for each chunk finished meanwhile, in order."""
        if self.pool is None:
            return [(len(items), failed_verifications(items, self.public_keys))]
        self.pending.append((len(items), self.pool.submit(failed_verifications, items, self.public_keys)))
        return self._collect(lambda: len(self.pending) > self.in_flight or self.pending[0][1].done())

    def finish(self) -> list[tuple[int, list]]:
        return self._collect(lambda: True)

    def _collect(self, ready) -> list[tuple[int, list]]:
        finished = []
        while self.pending and ready():
            count, future = self.pending.popleft()
            finished.append((count, future.result()))
        return finished


def _check_records_and_tree(session, report, keys, by_method, progress, jobs) -> dict[int, bytes]:
    """Verify records in leaf order, rebuild the tree, compare every stored node; roots at each checkpoint.

    Signatures are verified apart (see ``_Verifier``) and their verdicts come back later, so each
    finding takes a place number when its record is read, and the findings are put in that order at
    the end: the same report, in the same order, whatever ``jobs`` is.
    """
    wanted_sizes = set(session.scalars(select(LogCheckpoint.tree_size)))
    size = session.scalar(select(LogState.size).where(LogState.id == 1)) or 0
    wanted_sizes.add(size)
    latest: dict[int, bytes] = {}
    roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT}
    places = itertools.count()
    found: list[tuple[int, Finding]] = []
    # A key problem counts only once the signature verifies; a failed signature replaces it.
    key_problems: dict[int, Finding] = {}
    expected_index = 0

    def note(finding: Finding) -> None:
        found.append((next(places), finding))

    def add_leaf(index: int, digest: bytes, stored) -> None:
        """Fold leaf ``index`` into the rebuilt tree, compare the nodes it completes, note roots."""
        for node, value in merkle.appended_nodes(index, digest, lambda lv, ix: latest[lv]):
            latest[node[0]] = value
            if stored.get(node) != value:
                note(
                    Finding(
                        "log_nodes",
                        f"level {node[0]} index {node[1]}",
                        "stored hash differs from the one recomputed from the records",
                    )
                )
        count = index + 1
        if count in wanted_sizes:
            bits = [lv for lv in range(count.bit_length()) if count >> lv & 1]
            roots[count] = merkle.root_from(count, {(lv, (count >> lv) - 1): latest[lv] for lv in bits})

    def verified(finished: list[tuple[int, list]]) -> None:
        for count, failures in finished:
            for (place, where), exc in failures:
                key_problems.pop(place, None)
                found.append((place, Finding("signed_records", where, _not_verified(exc))))
            if progress:
                progress(count)

    columns = (
        SignedRecord.leaf_index,
        SignedRecord.record_type,
        SignedRecord.subject,
        SignedRecord.canonical,
        SignedRecord.leaf_hash,
        SignedRecord.key_id,
        SignedRecord.created_at,
    )
    public_keys = {method: key.public_key for method, key in by_method.items()}
    with _Verifier(public_keys, jobs) as verifier:
        for start in range(0, max(size, 1), BATCH):
            rows = session.execute(
                select(*columns)
                .where(SignedRecord.leaf_index.between(start, start + BATCH - 1))
                .order_by(SignedRecord.leaf_index)
            ).all()
            if not rows:
                break
            stored = _stored_nodes(session, min(start, expected_index), rows[-1].leaf_index)
            chunk = []
            for leaf_index, record_type, subject, canonical, leaf_hash, key_id, created_at in rows:
                where = f"leaf {leaf_index} ({record_type} {subject})"
                if leaf_index != expected_index:
                    note(Finding("signed_records", where, f"expected leaf {expected_index}: a gap"))
                    # Rebuild through the gap from the stored leaf hashes (zeroes where none is left),
                    # so that the rest of the log is still checked rather than the audit giving up.
                    while expected_index < leaf_index:
                        add_leaf(
                            expected_index, stored.get((0, expected_index), bytes(merkle.HASH_SIZE)), stored
                        )
                        expected_index += 1
                digest = merkle.leaf_hash(canonical)
                if digest != leaf_hash:
                    note(Finding("signed_records", where, "stored leaf hash is not the data's"))
                place = next(places)
                chunk.append(((place, where), canonical))
                problem = _key_problem(keys.get(key_id), created_at)
                if problem:
                    key_problems[place] = Finding("signed_records", where, problem)
                add_leaf(leaf_index, digest, stored)
                expected_index += 1
                report.records += 1
                if len(chunk) == _Verifier.CHUNK:
                    verified(verifier.submit(chunk))
                    chunk = []
            if chunk:
                verified(verifier.submit(chunk))
        verified(verifier.finish())
    found.extend(key_problems.items())
    found.sort(key=lambda pair: pair[0])
    report.findings.extend(finding for _, finding in found)
    if expected_index != size:
        report.findings.append(Finding("log_state", "1", f"size {size}, but {expected_index} records"))
    return roots


def _check_signature(report, table, where, canonical: bytes, resolve) -> None:
    try:
        verify_proof(json.loads(canonical), resolve)
    except (SignatureError, KeyError, ValueError) as exc:
        report.findings.append(Finding(table, where, _not_verified(exc)))


def _not_verified(exc: Exception) -> str:
    return f"signature does not verify ({type(exc).__name__})"


def _key_problem(key: SigningKey | None, at) -> str | None:
    """Why ``key`` should not have signed at ``at``, if it should not have."""
    if key is None:
        return None
    ends = [instant for instant in (key.deactivated_at, key.retired_at) if instant is not None]
    if key.purpose != "credential":
        return f"signed by {key.kid}, a {key.purpose} key"
    if key.activated_at > at or (ends and min(ends) < at):
        return f"signed by {key.kid} outside its validity"
    return None


def _check_checkpoints(session, report, keys, roots, origin) -> None:
    verifiers = [
        parse_verifier_key(verifier_key(origin, Ed25519PublicKey.from_public_bytes(k.public_key)))
        for k in keys.values()
        if k.purpose == "log"
    ]
    for checkpoint in session.scalars(select(LogCheckpoint).order_by(LogCheckpoint.tree_size)):
        report.checkpoints += 1
        where = f"tree size {checkpoint.tree_size}"
        try:
            body = parse_checkpoint(open_note(checkpoint.note, verifiers))
        except NoteError as exc:
            report.findings.append(
                Finding("log_checkpoints", where, f"note does not verify ({type(exc).__name__})")
            )
            continue
        if body.size != checkpoint.tree_size or body.root != checkpoint.root_hash:
            report.findings.append(Finding("log_checkpoints", where, "row differs from its signed note"))
        if roots.get(checkpoint.tree_size) != body.root:
            report.findings.append(
                Finding("log_checkpoints", where, "signed root differs from the recomputed one")
            )


def _check_labels(session, report, by_method) -> None:
    credentials = dict(
        session.execute(
            select(SignedRecord.subject, SignedRecord.canonical).where(
                SignedRecord.record_type == LABEL_CREDENTIAL
            )
        ).all()
    )
    for label in session.scalars(select(Label).execution_options(yield_per=500)):
        report.labels += 1
        where = f"{label.id} ({label.label_number})"
        canonical = credentials.get(label.label_number)
        if canonical is None:
            report.findings.append(Finding("labels", where, "no signed credential in the log"))
            continue
        try:
            signed = json.loads(canonical)
            subject = signed["credentialSubject"]
            facts = _label_facts(label, signed, subject)
        except (ValueError, KeyError, TypeError, AttributeError):
            report.findings.append(Finding("labels", where, "its signed credential cannot be read"))
            continue
        for name, same in facts.items():
            if not same:
                report.findings.append(Finding("labels", where, f"{name} differs from the signed credential"))


def _label_facts(label: Label, signed: dict, subject: dict) -> dict[str, bool]:
    """Whether each fact of the label row is the one its credential signed."""
    return {
        "label_number": subject.get("labelNumber") == label.label_number,
        "kind": subject.get("kind") == label.kind_code,
        "valid_from": signed.get("validFrom") == timestamp(label.valid_from),
        "valid_until": signed.get("validUntil") == timestamp(label.valid_until),
        "holder": subject.get("holder", {}).get("taxCode") == label.holder.tax_code,
        "products": [p["gtin"] for p in subject.get("products", [])] == [p.gtin for p in label.products],
        "claims": subject.get("claims") == label.claims,
    }


def _check_plan_closures(session, report) -> None:
    """A closed year's figures, as kept for reading, against the ones its signed record carries."""
    signed = dict(
        session.execute(
            select(SignedRecord.leaf_index, SignedRecord.canonical).where(
                SignedRecord.record_type == PLAN_YEAR_CLOSURE
            )
        ).all()
    )
    for closure in session.scalars(select(PlanYearClosure)):
        where = f"{closure.id} ({closure.year})"
        canonical = signed.get(closure.leaf_index)
        if canonical is None:
            report.findings.append(
                Finding("plan_year_closures", where, "no signed closing record in the log")
            )
            continue
        try:
            subject = json.loads(canonical)["credentialSubject"]
            same = subject["figures"] == closure.figures and subject["year"] == closure.year
        except (ValueError, KeyError, TypeError):
            report.findings.append(
                Finding("plan_year_closures", where, "its signed closing record cannot be read")
            )
            continue
        if not same:
            report.findings.append(
                Finding("plan_year_closures", where, "figures differ from the signed closing record")
            )


def _check_status_lists(session, report, by_method) -> None:
    resolve = _resolver(by_method)
    lists = {(sl.group, sl.purpose): sl for sl in session.scalars(select(StatusList))}
    for status_list in lists.values():
        where = status_list.list_id
        _check_signature(report, "status_lists", where, status_list.credential.encode(), resolve)
        try:
            encoded = json.loads(status_list.credential)["credentialSubject"]["encodedList"]
            if decode_list(encoded) != status_list.bits:
                report.findings.append(
                    Finding("status_lists", where, "stored bits differ from the signed list")
                )
        except (KeyError, ValueError, OSError):
            report.findings.append(Finding("status_lists", where, "signed list cannot be decoded"))
    for label in session.scalars(select(Label).where(Label.status_index.is_not(None))):
        group, position = divmod(label.status_index, LIST_BITS)
        for purpose, wanted in zip(("revocation", "suspension"), STATUS_BITS[label.status], strict=True):
            found = lists.get((group + 1, purpose))
            if found is None or get_bit(found.bits, position) != wanted:
                report.findings.append(
                    Finding(
                        "labels",
                        f"{label.id} ({label.label_number})",
                        f"status '{label.status}' disagrees with the {purpose} list",
                    )
                )


def _check_events(session, report) -> None:
    """Each traceability event row against its signed receipt: same bytes, same owner, same hash ID,
    and the identifier index rebuilt from the stored event (a hidden or planted index row would make
    queries and journeys lie)."""
    owners = dict(session.execute(select(Organisation.id, Organisation.tax_code)).all())
    last = 0
    while True:
        events = session.scalars(
            select(EpcisEvent).where(EpcisEvent.id > last).order_by(EpcisEvent.id).limit(BATCH)
        ).all()
        if not events:
            return
        last = events[-1].id
        receipts = dict(
            session.execute(
                select(SignedRecord.leaf_index, SignedRecord.canonical).where(
                    SignedRecord.leaf_index.in_([e.leaf_index for e in events]),
                    SignedRecord.record_type == RECORD_TYPE,
                )
            ).all()
        )
        indexed: dict[int, set] = {e.id: set() for e in events}
        for pk, role, canonical in session.execute(
            select(EventIdentifier.event_pk, EventIdentifier.role, EventIdentifier.canonical).where(
                EventIdentifier.event_pk.in_(list(indexed))
            )
        ):
            indexed[pk].add((role, canonical))
        for event in events:
            report.events += 1
            for problem in _event_problems(event, receipts.get(event.leaf_index), owners, indexed[event.id]):
                report.findings.append(Finding("epcis_events", f"{event.id} ({event.event_hash})", problem))


def _event_problems(event: EpcisEvent, receipt: bytes | None, owners: dict, indexed: set) -> list[str]:
    if receipt is None:
        return [f"no signed receipt at leaf {event.leaf_index}"]
    try:
        subject = json.loads(receipt)["credentialSubject"]
        stored = json.loads(event.document)
        problems = []
        if subject.get("id") != event.event_hash:
            problems.append("its receipt names another event")
        if subject.get("storedEventSHA256") != hashlib.sha256(event.document.encode()).hexdigest():
            problems.append("stored event differs from the bytes its receipt signed")
        if subject.get("capturedBy", {}).get("taxCode") != owners.get(event.organisation_id):
            problems.append("organisation differs from the one its receipt names")
        if event_hash_id(stored, stored.get("@context")) != event.event_hash:
            problems.append("event hash ID does not match the stored event")
        if indexed != {(role, canonical) for role, canonical, _, _ in identifiers(stored)}:
            problems.append("identifier index differs from the identifiers the stored event names")
        return problems
    except (ValueError, KeyError, TypeError, AttributeError):
        return ["the stored event or its receipt cannot be read"]
