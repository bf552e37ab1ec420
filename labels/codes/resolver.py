"""What a scanned code says: the verdict behind the GS1 Digital Link resolver and the consumer page.

Framework-free (no Flask): ``resolve`` takes the session, the parsed Digital Link, the signed claim
from the query (if the code carried one) and the time, and answers with a :class:`Resolution`. The
verdict uses the scanner's words::

    valid  expired  suspended  withdrawn  serial-not-issued  not-registered  forged

The rules, in order:

1. An unknown GTIN, or a product that is neither published nor labelled: ``not-registered``.
2. A claim in the query is verified with the registry's own keys; a claim that does not parse, names a
   key we never published, or whose signature does not cover the scanned path: ``forged``.
3. A serial in the path that was never issued for that GTIN (or not in the lot the path names):
   ``serial-not-issued``. The product's labels are still shown.
4. The labels (those the claim names when it verified, else the product's): any withdrawn ->
   ``withdrawn``; any suspended -> ``suspended``; none active and some expired -> ``expired``; at least
   one active -> ``valid``.
5. A registered product with no label at all: ``not-registered``.

:func:`resolve_facts` decides from plain facts (:class:`ProductFacts`, :class:`LabelFacts`, ...) read
with Core statements, one a scan while the product's labels are cached (:class:`LabelsCache`): that is
what the JSON verdict, the link set, the redirects and the verify API need. :func:`resolve` is the same
decision with the ORM rows put in its place afterwards, for the consumer page, whose template reads
more of them. Through the ORM and its lazy loads a scan took eight statements and cost about ten
times the SQL itself, and every scan comes here (bench/bench_resolver.py, issue 7).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Connection, and_, bindparam, select
from sqlalchemy.orm import Session

from labels.certification.workflow import effective_status
from labels.codes.qrclaim import ClaimError, canonical_path, claim_keys, parse_claim, verify_claim
from labels.codes.verdicts import MESSAGES, NO_LABEL
from labels.gs1.digital_link import DigitalLink
from labels.trust.keys import public_key_to_jwk
from models import Label, LogCheckpoint, LogState, Lot, Organisation, Product, Scheme, Serial, SigningKey
from models.label import label_products


@dataclass(frozen=True, slots=True)
class ProductFacts:
    """What the verdict and its JSON say of a product (the attribute names are the ORM's)."""

    id: int
    gtin: str
    name_vi: str
    name_en: str
    brand: str
    published: bool


@dataclass(frozen=True, slots=True)
class HolderFacts:
    id: int
    legal_name: str
    tax_code: str


@dataclass(frozen=True, slots=True)
class SchemeFacts:
    code: str
    name_vi: str
    name_en: str


@dataclass(frozen=True, slots=True)
class LabelFacts:
    """A label as stored: ``status`` is the stored one; :func:`effective_status` reads it with the clock."""

    id: int
    label_number: str
    kind_code: str
    status: str
    valid_from: datetime
    valid_until: datetime
    scheme: SchemeFacts


@dataclass(frozen=True, slots=True)
class LotFacts:
    id: int
    lot_number: str
    production_date: date | None
    expiry_date: date | None


@dataclass(frozen=True)
class ResolvedLabel:
    """A label with its status now (``active``, ``suspended``, ``withdrawn`` or ``expired``)."""

    label: Label | LabelFacts
    status: str


@dataclass(frozen=True)
class Resolution:
    """The verdict and the facts behind it: ORM rows from :func:`resolve`, plain facts from
    :func:`resolve_facts` (the same attribute names, so the JSON is built from either)."""

    verdict: str
    link: DigitalLink
    product: Product | ProductFacts | None = None
    holder: Organisation | HolderFacts | None = None
    labels: tuple[ResolvedLabel, ...] = ()
    #: the lot the path names, when it is known for the product (or the issued serial's lot)
    lot: Lot | LotFacts | None = None
    #: the serial the path names (``None`` when it names none) and whether it was issued
    serial: str | None = None
    serial_found: bool | None = None
    #: whether the claim in the query verified; ``None`` when the code carried no claim
    genuine: bool | None = None
    message_vi: str = ""
    message_en: str = ""
    claim_labels: tuple[str, ...] = field(default=())


def resolve(session: Session, link: DigitalLink, raw_query_claim: str | None, now: datetime) -> Resolution:
    """The verdict on the scanned ``link`` (and the claim its query carried, if any) at ``now``, with
    the product, holder, labels and lot as ORM rows of ``session``."""
    return with_rows(session, resolve_facts(session, link, raw_query_claim, now))


def resolve_facts(
    session: Session | Connection, link: DigitalLink, raw_query_claim: str | None, now: datetime
) -> Resolution:
    """The verdict on the scanned ``link`` at ``now``, with plain facts: one SQL statement while the
    product's labels are cached (:class:`LabelsCache`), one more for the claim's keys when there is a
    claim, and one when the claim names a label the product no longer lists. ``session`` may be a
    Core connection: the facts need no ORM session."""
    serial = link.qualifier("21")
    lot_number = link.qualifier("10")
    if link.primary_ai != "01":
        return _answer("not-registered", link, serial=serial)
    if isinstance(session, Session):
        # Core statements do not autoflush; a caller's pending change (a suspension) must count.
        if session.autoflush:
            session.flush()
        connection = session.connection()
    else:
        connection = session
    wanted = {"gtin": link.primary, "lot": lot_number, "serial": serial}
    row = connection.execute(_PRODUCT_LOT_SERIAL, wanted).first()
    if row is None:
        return _answer("not-registered", link, serial=serial)
    product = ProductFacts(row.id, row.gtin, row.name_vi, row.name_en, row.brand, row.published)
    labels = list(labels_cache.labels(connection, product, row.log_size, row.log_root))
    if not product.published and not labels:
        return _answer("not-registered", link, serial=serial)

    named_lot = (
        LotFacts(row.lot_id, row.lot_lot_number, row.lot_production_date, row.lot_expiry_date)
        if row.lot_id is not None
        else None
    )
    known = {
        "product": product,
        "holder": HolderFacts(row.holder_id, row.holder_legal_name, row.holder_tax_code),
        "serial": serial,
        "lot": named_lot,
    }

    genuine = None
    claimed: tuple[str, ...] = ()
    if raw_query_claim is not None:
        try:
            fields, signature = parse_claim(raw_query_claim)
            verify_claim(canonical_path(link.path()), fields, signature, _claim_keys(connection).__getitem__)
        except ClaimError:
            return _answer("forged", link, genuine=False, labels=_statuses(labels, now), **known)
        genuine, claimed = True, fields.labels

    serial_found = None
    if serial is not None:
        # The serial is looked up for the GTIN; a lot in the path must then be the serial's own.
        serial_found = row.serial_id is not None and (
            lot_number is None or row.serial_lot_number == lot_number
        )
        if not serial_found:
            return _answer(
                "serial-not-issued",
                link,
                genuine=genuine,
                serial_found=False,
                labels=_statuses(labels, now),
                **known,
            )
        known["lot"] = LotFacts(
            row.serial_lot_id,
            row.serial_lot_number,
            row.serial_lot_production_date,
            row.serial_lot_expiry_date,
        )

    if claimed:
        by_number = {label.label_number: label for label in labels}
        missing = [number for number in claimed if number not in by_number]
        if missing:
            extra = connection.execute(_LABELS_BY_NUMBER, {"numbers": missing})
            by_number |= {label.label_number: label for label in map(_label_facts, extra)}
        labels = [by_number[number] for number in claimed if number in by_number]
    resolved = _statuses(labels, now)
    statuses = {item.status for item in resolved}
    if not resolved:
        verdict, messages = "not-registered", NO_LABEL
    elif "withdrawn" in statuses:
        verdict, messages = "withdrawn", None
    elif "suspended" in statuses:
        verdict, messages = "suspended", None
    elif "active" not in statuses:
        verdict, messages = "expired", None
    else:
        verdict, messages = "valid", None
    return _answer(
        verdict,
        link,
        genuine=genuine,
        serial_found=serial_found,
        labels=resolved,
        claim_labels=claimed,
        messages=messages,
        **known,
    )


def with_rows(session: Session, resolution: Resolution) -> Resolution:
    """``resolution`` with the ORM rows of ``session`` in place of its facts (the statuses are kept)."""
    if resolution.product is None or isinstance(resolution.product, Product):
        return resolution
    ids = [item.label.id for item in resolution.labels]
    rows = (
        {label.id: label for label in session.scalars(select(Label).where(Label.id.in_(ids)))} if ids else {}
    )
    return dataclasses.replace(
        resolution,
        product=session.get(Product, resolution.product.id),
        holder=session.get(Organisation, resolution.holder.id),
        labels=tuple(ResolvedLabel(rows[item.label.id], item.status) for item in resolution.labels),
        lot=resolution.lot and session.get(Lot, resolution.lot.id),
    )


def _answer(verdict: str, link: DigitalLink, messages: tuple[str, str] | None = None, **fields) -> Resolution:
    message_vi, message_en = messages or MESSAGES[verdict]
    return Resolution(verdict=verdict, link=link, message_vi=message_vi, message_en=message_en, **fields)


def _statuses(labels: list[LabelFacts], now: datetime) -> tuple[ResolvedLabel, ...]:
    return tuple(ResolvedLabel(label, effective_status(label, now)) for label in labels)


def _label_facts(row) -> LabelFacts:
    return LabelFacts(
        row.id,
        row.label_number,
        row.kind_code,
        row.status,
        row.valid_from,
        row.valid_until,
        SchemeFacts(row.scheme_code, row.scheme_name_vi, row.scheme_name_en),
    )


class LabelsCache:
    """Per process: the labels of each GTIN (with their schemes), as of a state of the transparency log.

    Why a state of the log is a key that is never stale: a label comes to exist (``issue_label``) and
    changes status (``transition_label``) only in a transaction that appends a signed record naming it
    to the log and publishes a checkpoint of the new size; its products, validity and scheme are fixed
    at issue (a renewal is a new label), and a scheme's code and names are never edited. So what is
    cached here is a function of the log's content, and the log's size with the root hash of the
    checkpoint at that size identifies that content: an issue, a suspension, a withdrawal or a
    reinstatement is a new key on the very next request, and so is a database restored from a backup
    (or a test's rolled-back transaction) that reached the same size by other records. The key is read
    before the labels, in the same transaction: on a database whose statements each see the latest
    commit (PostgreSQL's READ COMMITTED) an entry may hold labels newer than its key, which costs a
    reload, never older ones. A size with no checkpoint (an append that published none) is not cached.
    Expiry is not cached either: :func:`effective_status` reads ``valid_until`` against each request's
    clock. Products and holders are read on every request, so their edits show at once.
    """

    def __init__(self, limit: int = 20_000):
        self.limit = limit
        self._entries: dict[str, tuple[tuple, tuple[LabelFacts, ...]]] = {}

    def labels(
        self, connection, product: ProductFacts, log_size: int | None, log_root: bytes | None
    ) -> tuple[LabelFacts, ...]:
        """The product's labels by label number: from the cache when the log is where it was."""
        key = (product.id, log_size, log_root)
        entry = self._entries.get(product.gtin)
        if entry is not None and entry[0] == key:
            return entry[1]
        found = tuple(map(_label_facts, connection.execute(_PRODUCT_LABELS, {"product_id": product.id})))
        if log_root is not None:
            if len(self._entries) >= self.limit:
                self._entries.clear()  # a bound, not a policy: an entry costs one query to rebuild
            self._entries[product.gtin] = (key, found)
        return found

    def clear(self) -> None:
        self._entries.clear()


labels_cache = LabelsCache()


# --- the statements ----------------------------------------------------------------------------------
# Built once: tables, not ORM entities, so neither the ORM's compile step nor its row hydration runs.

_products = Product.__table__
_holders = Organisation.__table__
_named_lots = Lot.__table__.alias("named_lot")
_serials = Serial.__table__
_serial_lots = Lot.__table__.alias("serial_lot")
_labels = Label.__table__
_schemes = Scheme.__table__
_checkpoints = LogCheckpoint.__table__
_LOG_SIZE = select(LogState.__table__.c.size).where(LogState.__table__.c.id == 1).scalar_subquery()

#: The product by GTIN with its holder, the lot the path names, and the serial (with its own lot):
#: one row at most, since gtin, (product, lot number) and (product, serial) are each unique.
_PRODUCT_LOT_SERIAL = (
    select(
        _products.c.id,
        _products.c.gtin,
        _products.c.name_vi,
        _products.c.name_en,
        _products.c.brand,
        _products.c.published,
        _holders.c.id.label("holder_id"),
        _holders.c.legal_name.label("holder_legal_name"),
        _holders.c.tax_code.label("holder_tax_code"),
        _named_lots.c.id.label("lot_id"),
        _named_lots.c.lot_number.label("lot_lot_number"),
        _named_lots.c.production_date.label("lot_production_date"),
        _named_lots.c.expiry_date.label("lot_expiry_date"),
        _serials.c.id.label("serial_id"),
        _serial_lots.c.id.label("serial_lot_id"),
        _serial_lots.c.lot_number.label("serial_lot_number"),
        _serial_lots.c.production_date.label("serial_lot_production_date"),
        _serial_lots.c.expiry_date.label("serial_lot_expiry_date"),
        _LOG_SIZE.label("log_size"),
        select(_checkpoints.c.root_hash)
        .where(_checkpoints.c.tree_size == _LOG_SIZE)
        .scalar_subquery()
        .label("log_root"),
    )
    .select_from(
        _products.join(_holders, _holders.c.id == _products.c.holder_id)
        .outerjoin(
            _named_lots,
            and_(_named_lots.c.product_id == _products.c.id, _named_lots.c.lot_number == bindparam("lot")),
        )
        .outerjoin(
            _serials, and_(_serials.c.product_id == _products.c.id, _serials.c.serial == bindparam("serial"))
        )
        .outerjoin(_serial_lots, _serial_lots.c.id == _serials.c.lot_id)
    )
    .where(_products.c.gtin == bindparam("gtin"))
)

_LABEL_COLUMNS = (
    _labels.c.id,
    _labels.c.label_number,
    _labels.c.kind_code,
    _labels.c.status,
    _labels.c.valid_from,
    _labels.c.valid_until,
    _schemes.c.code.label("scheme_code"),
    _schemes.c.name_vi.label("scheme_name_vi"),
    _schemes.c.name_en.label("scheme_name_en"),
)

_PRODUCT_LABELS = (
    select(*_LABEL_COLUMNS)
    .select_from(
        _labels.join(label_products, label_products.c.label_id == _labels.c.id).join(
            _schemes, _schemes.c.id == _labels.c.scheme_id
        )
    )
    .where(label_products.c.product_id == bindparam("product_id"))
    .order_by(_labels.c.label_number)
)

_LABELS_BY_NUMBER = (
    select(*_LABEL_COLUMNS)
    .select_from(_labels.join(_schemes, _schemes.c.id == _labels.c.scheme_id))
    .where(_labels.c.label_number.in_(bindparam("numbers", expanding=True)))
)

_KEYS = select(SigningKey.__table__.c.purpose, SigningKey.__table__.c.public_key).order_by(
    SigningKey.__table__.c.purpose, SigningKey.__table__.c.id
)

# The claim keys of the last key list seen: keys are published once and kept for ever, so the list
# rarely changes, and a different list is a different cache key: never stale.
_keys_cache: tuple[tuple, dict[str, tuple[Ed25519PublicKey, ...]]] = ((), {})


def _claim_keys(connection) -> dict[str, tuple[Ed25519PublicKey, ...]]:
    """What ``claim_keys(jwks(session))`` gives, without building the JWKS's other members each time."""
    global _keys_cache
    rows = tuple(tuple(row) for row in connection.execute(_KEYS))
    seen, keys = _keys_cache
    if rows != seen:
        published = [
            public_key_to_jwk(Ed25519PublicKey.from_public_bytes(public)) | {"ecoreg_purpose": purpose}
            for purpose, public in rows
        ]
        keys = claim_keys({"keys": published})
        _keys_cache = (rows, keys)
    return keys
