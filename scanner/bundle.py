"""The trust bundle: the registry's keys, status lists and latest checkpoint, signed, for offline checks.

``GET /api/v1/trust-bundle`` serves it (``docs/signing.md``, "The trust bundle and offline verification").
:func:`load_bundle` accepts one only when

1. it has the documented shape (keys, log, status lists, ``issuedAt``);
2. its own ``eddsa-jcs-2022`` proof verifies under a credential key that the bundle itself lists, that
   was active (and not retired) when the bundle was signed, **and** that the caller pinned. The second
   condition is the one that matters: the signing key is one of the keys the bundle carries, so a
   bundle checked only against itself proves nothing. Anyone can make a key, list it, and sign a
   bundle that says every label is fine. The pin (the registry's JWKS fetched once over HTTPS from its
   known address, or keys shipped with the application, or a bundle accepted earlier) is what ties the
   bundle to the registry;
3. it was not issued in the future (beyond a small clock skew);
4. every status list's own proof verifies under the bundle's keys and is a list of the registry
   (``{issuer}/status/{purpose}-{group}``), and every list decodes;
5. the log's verifier keys are the ones recomputed from the bundle's log keys and origin, and they open
   the checkpoint note, whose origin is the log's.

Everything the hot path needs is prepared here once: Ed25519 key objects grouped by the one-character
key id a QR claim carries, and the decoded status bits.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from labels.codes.qrclaim import short_kid
from labels.trust.checkpoint import Checkpoint, NoteError, open_note, parse_checkpoint, parse_verifier_key
from labels.trust.checkpoint import verifier_key as make_verifier_key
from labels.trust.keys import public_key_bytes, public_key_from_jwk
from labels.trust.signing import is_datetime_stamp, verify_proof
from labels.trust.signing_errors import KeyEncodingError, UnknownKey, VerificationError
from labels.trust.statuslist import LIST_BITS, decode_list
from scanner import transport
from scanner.errors import BundleFormatError, BundleNotYetValid, BundleSignatureError, NetworkError, PinError

BUNDLE_TYPE = "EcoregTrustBundle"
STATUS_PURPOSES = ("revocation", "suspension")
#: How far in the future ``issuedAt`` may be before the bundle is refused: device clocks drift.
DEFAULT_CLOCK_SKEW = timedelta(minutes=5)
_LIST_BYTES = LIST_BITS // 8


@dataclass(frozen=True, slots=True)
class BundleKey:
    """One published key with its purpose and validity window, ready to verify with."""

    kid: str
    short_kid: str
    purpose: str
    public_key: Ed25519PublicKey
    raw: bytes
    valid_from: datetime
    valid_until: datetime | None
    retired: datetime | None

    def active_at(self, instant: datetime) -> bool:
        """Whether the registry signed with this key at ``instant`` (both ends inclusive, see the docs)."""
        return self.valid_from <= instant and (self.valid_until is None or instant <= self.valid_until)


class TrustBundle:
    """An accepted trust bundle; build it with :func:`load_bundle`, :func:`open_bundle` or
    :func:`scanner.bundle.fetch_bundle`, never by hand."""

    __slots__ = (
        "checkpoint",
        "claim_keys",
        "document",
        "hosts",
        "issued_at",
        "issuer",
        "keys",
        "log_origin",
        "raw",
        "signed_by",
        "status_lists",
        "verifier_keys",
    )

    def __init__(
        self,
        *,
        document: dict,
        raw: bytes,
        issuer: str,
        issued_at: datetime,
        signed_by: BundleKey,
        keys: Mapping[str, BundleKey],
        status_lists: Mapping[tuple[str, int], bytes],
        log_origin: str,
        verifier_keys: tuple[str, ...],
        checkpoint: Checkpoint,
    ):
        self.document = document
        self.raw = raw
        self.issuer = issuer
        self.issued_at = issued_at
        self.signed_by = signed_by
        self.keys = dict(keys)
        self.status_lists = dict(status_lists)
        self.log_origin = log_origin
        self.verifier_keys = verifier_keys
        self.checkpoint = checkpoint
        #: The resolver hosts a code may point at: the registry's own (its issuer id's host and port).
        self.hosts = frozenset({urlsplit(issuer).netloc.lower()})
        grouped: dict[str, list[BundleKey]] = {}
        for key in self.keys.values():
            if key.purpose == "credential":
                grouped.setdefault(key.short_kid, []).append(key)
        #: Credential keys by the one-character id a QR claim names; several when ids collide.
        self.claim_keys: dict[str, tuple[BundleKey, ...]] = {k: tuple(v) for k, v in grouped.items()}

    def __repr__(self) -> str:
        return f"<TrustBundle {self.issuer} issued {_stamp(self.issued_at)}, {len(self.keys)} keys>"

    def age(self, now: datetime) -> timedelta:
        """How old what the bundle knows is at ``now``: statuses are as of ``issued_at``."""
        return now - self.issued_at

    def key(self, kid: str) -> Ed25519PublicKey:
        """The public key with JWK id ``kid``; ``KeyError`` if the bundle has none."""
        return self.keys[kid].public_key

    def status_bit(self, purpose: str, index: int) -> bool | None:
        """Bit ``index`` (a label's status index) of the ``purpose`` lists; ``None`` when no list has it."""
        group, position = divmod(index, LIST_BITS)
        bits = self.status_lists.get((purpose, group + 1))
        if bits is None:
            return None
        return bool(bits[position >> 3] & (0x80 >> (position & 7)))

    def label_status(self, index: int) -> str:
        """``active``, ``suspended``, ``withdrawn`` or ``unknown`` (no list covers the index) as of
        ``issued_at``; expiry is not a bit (it follows from the claim or the credential and the clock)."""
        group, position = divmod(index, LIST_BITS)
        revoked = self.status_lists.get(("revocation", group + 1))
        suspended = self.status_lists.get(("suspension", group + 1))
        if revoked is None or suspended is None:
            return "unknown"
        mask, at = 0x80 >> (position & 7), position >> 3
        if revoked[at] & mask:
            return "withdrawn"
        if suspended[at] & mask:
            return "suspended"
        return "active"

    def jwks(self) -> dict:
        """The bundle's keys as a JWKS, e.g. to keep as the pin for the next bundle."""
        return {"keys": list(self.document["credentialSubject"]["keys"])}

    def save(self, path: str | os.PathLike) -> None:
        """Write the bundle exactly as it was received (its signature covers the content, not the bytes)."""
        Path(path).write_bytes(self.raw)


# --- pins ----------------------------------------------------------------------------------------


def pin(*sources: object) -> frozenset[bytes]:
    """The raw public keys of the registry credential keys in ``sources``, to pass as ``pinned``.

    Each source is an ``Ed25519PublicKey``; a JWKS or a single JWK (dict or JSON text or bytes); the
    unpadded base64url ``x`` of a JWK; a path to a JWKS/JWK file; a :class:`TrustBundle` accepted
    earlier (its credential keys); or an iterable of those. Log keys and retired keys are left out: a
    retired key may be compromised, so it must not vouch for a bundle.
    """
    found: set[bytes] = set()
    for source in sources:
        found |= _pinned(source)
    if not found:
        raise PinError("no usable registry credential key was pinned (give the registry's JWKS or key)")
    return frozenset(found)


def _pinned(source: object) -> set[bytes]:
    if isinstance(source, frozenset) and all(isinstance(item, bytes) for item in source):
        return set(source)
    if isinstance(source, Ed25519PublicKey):
        return {public_key_bytes(source)}
    if isinstance(source, TrustBundle):
        return {k.raw for k in source.keys.values() if k.purpose == "credential" and k.retired is None}
    if isinstance(source, os.PathLike):
        try:
            return _pinned(Path(source).read_bytes())
        except OSError as exc:
            raise PinError(f"cannot read the pinned key file {source}: {exc.strerror}") from None
    if isinstance(source, bytes | str):
        text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
        if text.lstrip().startswith(("{", "[")):
            try:
                return _pinned(json.loads(text))
            except ValueError:
                raise PinError("the pinned key is not valid JSON") from None
        return _pinned({"kty": "OKP", "crv": "Ed25519", "x": text.strip()})
    if isinstance(source, Mapping):
        if source.get("type") and BUNDLE_TYPE in _types(source):
            raise PinError("pin an accepted TrustBundle, not a bundle document: it vouches for nothing")
        jwks = source.get("keys") if "keys" in source else [source]
        if not isinstance(jwks, list):
            raise PinError('a JWKS has a "keys" list')
        keys = set()
        for jwk in jwks:
            if not isinstance(jwk, Mapping):
                raise PinError("a JWKS holds JWK objects")
            if jwk.get("ecoreg_purpose", "credential") != "credential" or jwk.get("ecoreg_retired"):
                continue
            try:
                keys.add(public_key_bytes(public_key_from_jwk(dict(jwk))))
            except KeyEncodingError as exc:
                raise PinError(f"a pinned key is not an Ed25519 public key: {exc}") from None
        return keys
    if isinstance(source, Iterable):
        return set().union(*(_pinned(item) for item in source))
    raise PinError(f"cannot pin a {type(source).__name__}")


# --- loading -------------------------------------------------------------------------------------


def open_bundle(
    path: str | os.PathLike, pinned: object, *, now: datetime | None = None, clock_skew=DEFAULT_CLOCK_SKEW
) -> TrustBundle:
    """:func:`load_bundle` of a file (saved from ``/api/v1/trust-bundle`` or by :meth:`TrustBundle.save`)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BundleFormatError(f"cannot read the trust bundle {path}: {exc.strerror}") from None
    return load_bundle(data, pinned, now=now, clock_skew=clock_skew)


def load_bundle(
    data: bytes | str | Mapping,
    pinned: object,
    *,
    now: datetime | None = None,
    clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
) -> TrustBundle:
    """Check a trust bundle (JSON bytes or text, or the parsed document) and return it ready to use.

    ``pinned`` is what the caller already trusts (see :func:`pin`; anything :func:`pin` takes will do).
    Raises :class:`~scanner.errors.BundleFormatError`, :class:`~scanner.errors.BundleSignatureError`,
    :class:`~scanner.errors.BundleNotYetValid` or :class:`~scanner.errors.PinError`.
    """
    trusted = pin(pinned)
    document, raw = _parse(data)
    subject = _object(document.get("credentialSubject"), "credentialSubject")
    if BUNDLE_TYPE not in _types(document):
        raise BundleFormatError(f'the document is not an {BUNDLE_TYPE} (its "type")')
    issuer = _object(document.get("issuer"), "issuer").get("id")
    if not isinstance(issuer, str) or urlsplit(issuer).scheme not in ("http", "https"):
        raise BundleFormatError("issuer.id is the registry's http(s) base URL")
    issued_at = _instant(subject.get("issuedAt"), "credentialSubject.issuedAt")
    keys = _keys(subject.get("keys"))

    signed_by = _check_signature(document, issuer, keys, trusted)
    if issued_at - (now or datetime.now(UTC)) > clock_skew:
        raise BundleNotYetValid(
            f"the trust bundle says it was issued at {_stamp(issued_at)}, in the future: check the clock"
        )
    status_lists = _status_lists(subject.get("statusLists"), issuer, keys)
    origin, verifiers, checkpoint = _log(subject.get("log"), keys)
    return TrustBundle(
        document=document,
        raw=raw,
        issuer=issuer.rstrip("/"),
        issued_at=issued_at,
        signed_by=signed_by,
        keys=keys,
        status_lists=status_lists,
        log_origin=origin,
        verifier_keys=verifiers,
        checkpoint=checkpoint,
    )


def _parse(data: bytes | str | Mapping) -> tuple[dict, bytes]:
    if isinstance(data, Mapping):
        document = json.loads(json.dumps(data))  # a private copy the caller cannot change afterwards
        return document, json.dumps(document, ensure_ascii=False).encode("utf-8")
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BundleFormatError("the trust bundle is not JSON") from None
    if not isinstance(document, dict):
        raise BundleFormatError("the trust bundle is a JSON object")
    return document, raw


def _object(value: object, where: str) -> dict:
    if not isinstance(value, dict):
        raise BundleFormatError(f"{where} must be a JSON object")
    return value


def _types(document: Mapping) -> list:
    kinds = document.get("type")
    return kinds if isinstance(kinds, list) else [kinds]


def _instant(value: object, where: str) -> datetime:
    try:
        if is_datetime_stamp(value):
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:  # 24:00:00 is a dateTimeStamp that Python's datetime cannot hold
        pass
    raise BundleFormatError(f"{where} must be a date-time such as 2026-11-23T21:10:49Z")


def _optional_instant(value: object, where: str) -> datetime | None:
    return None if value is None else _instant(value, where)


def _stamp(instant: datetime | None) -> str | None:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if instant else None


def _keys(jwks: object) -> dict[str, BundleKey]:
    if not isinstance(jwks, list) or not jwks:
        raise BundleFormatError("credentialSubject.keys must be a non-empty list of JWKs")
    keys: dict[str, BundleKey] = {}
    for jwk in jwks:
        jwk = _object(jwk, "a key")
        kid, purpose = jwk.get("kid"), jwk.get("ecoreg_purpose")
        if not isinstance(kid, str) or not kid or kid in keys:
            raise BundleFormatError("every key has its own non-empty kid")
        if purpose not in ("credential", "log"):
            raise BundleFormatError(f"key {kid}: ecoreg_purpose is credential or log")
        try:
            public = public_key_from_jwk(jwk)
        except KeyEncodingError as exc:
            raise BundleFormatError(f"key {kid}: {exc}") from None
        keys[kid] = BundleKey(
            kid=kid,
            short_kid=short_kid(public),
            purpose=purpose,
            public_key=public,
            raw=public_key_bytes(public),
            valid_from=_instant(jwk.get("ecoreg_valid_from"), f"key {kid}: ecoreg_valid_from"),
            valid_until=_optional_instant(jwk.get("ecoreg_valid_until"), f"key {kid}: ecoreg_valid_until"),
            retired=_optional_instant(jwk.get("ecoreg_retired"), f"key {kid}: ecoreg_retired"),
        )
    return keys


def _credential_key(
    verification_method: str, issuer: str, keys: Mapping[str, BundleKey], created: str | None
) -> BundleKey:
    """The bundle key a proof's ``verificationMethod`` names, checked as docs/signing.md asks."""
    jwks_url, _, kid = verification_method.partition("#")
    if jwks_url != f"{issuer.rstrip('/')}/.well-known/jwks.json":
        raise UnknownKey(f"{verification_method} is not a key of the registry {issuer}")
    key = keys.get(kid)
    if key is None or key.purpose != "credential":
        raise UnknownKey(f"the bundle lists no credential key {kid}")
    if created is None or not is_datetime_stamp(created) or not key.active_at(_instant(created, "created")):
        raise UnknownKey(f"key {kid} was not the registry's signing key at {created}")
    return key


def _check_signature(document: dict, issuer: str, keys: Mapping[str, BundleKey], trusted) -> BundleKey:
    proof = document.get("proof")
    if not isinstance(proof, dict) or not isinstance(proof.get("verificationMethod"), str):
        raise BundleSignatureError("the trust bundle carries no proof")
    try:
        key = _credential_key(proof["verificationMethod"], issuer, keys, proof.get("created"))
    except UnknownKey as exc:
        raise BundleSignatureError(f"the trust bundle's signing key is not acceptable: {exc}") from None
    if key.retired is not None:
        raise BundleSignatureError(f"the trust bundle is signed by the retired key {key.kid}")
    if key.raw not in trusted:
        raise BundleSignatureError(
            f"the trust bundle is signed by {key.kid}, which is not a pinned registry key: a bundle "
            "cannot vouch for itself (pin the registry's JWKS, or update the pin after a key rotation)"
        )
    try:
        verify_proof(document, lambda method: key.public_key)
    except VerificationError as exc:
        raise BundleSignatureError(f"the trust bundle's signature does not verify: {exc}") from None
    return key


_LIST_ID = re.compile(r"(?P<purpose>[a-z]+)-(?P<group>[1-9][0-9]{0,8})")


def _status_lists(lists: object, issuer: str, keys: Mapping[str, BundleKey]) -> dict[tuple[str, int], bytes]:
    if not isinstance(lists, list):
        raise BundleFormatError("credentialSubject.statusLists must be a list")
    prefix = f"{issuer.rstrip('/')}/status/"
    decoded: dict[tuple[str, int], bytes] = {}
    for status_list in lists:
        status_list = _object(status_list, "a status list")
        list_id = status_list.get("id")
        own = isinstance(list_id, str) and list_id.startswith(prefix)
        match = _LIST_ID.fullmatch(list_id[len(prefix) :]) if own else None
        if match is None or match["purpose"] not in STATUS_PURPOSES:
            raise BundleFormatError(f"{list_id!r} is not one of the registry's status lists")
        subject = _object(status_list.get("credentialSubject"), f"{list_id}: credentialSubject")
        if subject.get("statusPurpose") != match["purpose"]:
            raise BundleFormatError(f"{list_id}: its statusPurpose is not {match['purpose']}")

        def resolve(method: str, created=(status_list.get("proof") or {}).get("created")) -> Ed25519PublicKey:
            return _credential_key(method, issuer, keys, created).public_key

        try:
            verify_proof(status_list, resolve)
        except VerificationError as exc:
            raise BundleSignatureError(f"the status list {list_id} does not verify: {exc}") from None
        try:
            bits = decode_list(subject.get("encodedList"))
        except (ValueError, TypeError, OSError, EOFError):
            raise BundleFormatError(f"{list_id}: encodedList does not decode") from None
        if len(bits) != _LIST_BYTES:
            raise BundleFormatError(f"{list_id}: a list holds {LIST_BITS} bits")
        where = (match["purpose"], int(match["group"]))
        if where in decoded:
            raise BundleFormatError(f"the status list {list_id} appears twice")
        decoded[where] = bits
    return decoded


def _log(log: object, keys: Mapping[str, BundleKey]) -> tuple[str, tuple[str, ...], Checkpoint]:
    log = _object(log, "credentialSubject.log")
    origin, verifier_keys, note = log.get("origin"), log.get("verifierKeys"), log.get("checkpoint")
    if not isinstance(origin, str) or not isinstance(note, str):
        raise BundleFormatError("credentialSubject.log has an origin and a checkpoint")
    if not isinstance(verifier_keys, list) or not all(isinstance(text, str) for text in verifier_keys):
        raise BundleFormatError("credentialSubject.log.verifierKeys is a list of verifier key strings")
    try:
        expected = {make_verifier_key(origin, k.public_key) for k in keys.values() if k.purpose == "log"}
        verifiers = [parse_verifier_key(text) for text in verifier_keys]
    except NoteError as exc:
        raise BundleFormatError(f"the log's verifier keys: {exc}") from None
    stray = [text for text in verifier_keys if text not in expected]
    if stray or not verifiers:
        raise BundleFormatError(
            "a log verifier key is not one of the bundle's log keys under the log's origin"
        )
    try:
        checkpoint = parse_checkpoint(open_note(note, verifiers))
    except NoteError as exc:
        raise BundleSignatureError(f"the log checkpoint does not verify: {exc}") from None
    if checkpoint.origin != origin:
        raise BundleFormatError(f"the checkpoint is of the log {checkpoint.origin!r}, not {origin!r}")
    return origin, tuple(verifier_keys), checkpoint


# --- fetching ------------------------------------------------------------------------------------

BUNDLE_PATH = "/api/v1/trust-bundle"


def fetch_bundle(
    base_url: str,
    pinned: object,
    *,
    now: datetime | None = None,
    timeout: float = transport.DEFAULT_TIMEOUT,
    opener=None,
    clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
) -> TrustBundle:
    """Fetch ``{base_url}/api/v1/trust-bundle`` and :func:`load_bundle` it against ``pinned``.

    The network is not trusted for anything: the bundle is accepted for its signature under a pinned
    key, whoever served it (the registry, a mirror, a USB stick via :func:`open_bundle`). Raises
    :class:`~scanner.errors.NetworkError` when no bundle arrives, and the errors of :func:`load_bundle`.
    """
    url = base_url.rstrip("/") + BUNDLE_PATH
    answer = transport.get(url, "application/json", timeout=timeout, opener=opener)
    if answer.status != 200:
        raise NetworkError(
            f"{url} answered HTTP {answer.status}{_problem_detail(answer.body)}", url, answer.status
        )
    return load_bundle(answer.body, pinned, now=now, clock_skew=clock_skew)


def _problem_detail(body: bytes) -> str:
    """``: <detail>`` of an RFC 9457 problem document (the registry says why it cannot sign), or nothing."""
    try:
        detail = json.loads(body).get("detail")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return ""
    return f": {detail}" if isinstance(detail, str) else ""
