"""The verdict on one scanned code: offline against a trust bundle, and online when a resolver is given.

Offline, in this order (``docs/scanner.md`` has the table):

1. A retail barcode (a bare GTIN): ``needs-online-check``. It names a product, never a label, and is
   not signed; only the registry knows whether the product is registered and labelled.
2. Not a GS1 Digital Link for a GTIN at all: ``not-an-ecoreg-code``.
3. A Digital Link on a host that is not the registry's (the bundle's issuer, plus any mirrors the caller
   names): ``not-an-ecoreg-code``, even when it carries a genuine claim. The host is not signed; a
   genuine claim copied onto a look-alike site is exactly what a scanner must not call valid.
4. On the registry's host, a claim that breaks the format or a path that breaks the GS1 rules:
   ``forged``. The registry never prints one.
5. On the registry's host, no claim: ``needs-online-check``.
6. A claim whose key id no credential key in the bundle has: ``unknown-key`` (refresh the bundle; the
   key may be newer than it). A signature no key with that id verifies, over this exact path and these
   exact fields: ``forged``. A changed serial, lot, GTIN, expiry, label or index is covered by the
   signature, so any of them makes the code ``forged``.
7. Genuine. Then: a label whose revocation bit is set: ``withdrawn``; the claim's expiry reached (from
   00:00 UTC of that date): ``expired``; a suspension bit set: ``suspended``. Otherwise the answer would
   be ``valid``, unless the key that signed is retired (``needs-online-check``: a retired key may be
   compromised, so the registry must confirm the serial was issued), a label's status list is not in
   the bundle (``needs-online-check``: the label is newer than the bundle), or the bundle is older than
   ``max_age`` (``needs-online-check``: statuses are as of the bundle).

Online (``online=OnlineResolver(...)``): every answer except ``forged`` and ``not-an-ecoreg-code`` is put
to the registry's resolver, whose live verdict replaces the offline one (``checked="online"``,
``offline_verdict`` kept). If the resolver cannot be reached the offline verdict stands, with the note
``online-unavailable``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from cryptography.exceptions import InvalidSignature

from scanner.bundle import DEFAULT_CLOCK_SKEW, TrustBundle
from scanner.codes import DecodedCode, ScannedCode, read_code, signed_bytes
from scanner.errors import BundleNotYetValid, NetworkError
from scanner.messages import MESSAGES, PASSING, UNDECIDED, sentences
from scanner.online import OnlineResolver

#: Past this age a bundle's "not suspended, not withdrawn" is no longer taken as current (a policy of
#: this package; ecoreg sets none, see docs/signing.md). ``max_age=None`` turns the check off.
DEFAULT_MAX_AGE = timedelta(days=7)
#: Offline answers worth asking the registry about; forged and foreign codes are final.
ASK_ONLINE = frozenset({"valid", "expired", "suspended", "withdrawn", "unknown-key", "needs-online-check"})


@dataclass(frozen=True, slots=True)
class LabelState:
    """A label a code names, and its status as the answer knows it.

    ``status`` is ``active``, ``suspended``, ``withdrawn`` or ``unknown`` offline (from the bundle's bits;
    expiry is the claim's and shows in the verdict), the resolver's status online (which includes
    ``expired``), or ``unverified`` for what a claim that did not verify says.
    """

    label_number: str
    status: str
    status_index: int | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer for one code: the word, the sentences, and the facts behind them."""

    verdict: str
    message_vi: str
    message_en: str
    #: the scanned text, as read
    code: str
    #: what the text was (:class:`scanner.codes.ScannedCode` kinds: claim, link, gtin, other, ...)
    kind: str
    host: str | None = None
    gtin: str | None = None
    lot: str | None = None
    serial: str | None = None
    labels: tuple[LabelState, ...] = ()
    #: the claim's expiry date (the earliest ``validUntil`` of its labels), once the claim verified
    expires: date | None = None
    #: True: the claim's signature verified; False: it did not (forged); None: nothing to verify
    genuine: bool | None = None
    bundle_issued_at: datetime | None = None
    bundle_age: timedelta | None = None
    #: machine words: http, retired-key, bundle-too-old, status-unknown, other-host, online-unavailable
    notes: tuple[str, ...] = ()
    checked: str = "offline"
    offline_verdict: str | None = None
    #: the symbology and corners, when the code came from a picture
    format: str | None = None
    position: tuple | None = None

    @property
    def passed(self) -> bool:
        return self.verdict in PASSING

    @property
    def undecided(self) -> bool:
        return self.verdict in UNDECIDED

    @property
    def failed(self) -> bool:
        """Anything but valid or undecided: the code, or the label it claims, does not stand up."""
        return not (self.passed or self.undecided)

    @property
    def label_numbers(self) -> tuple[str, ...]:
        return tuple(state.label_number for state in self.labels)

    def message(self, language: str = "vi") -> str:
        return self.message_en if language == "en" else self.message_vi

    def to_dict(self) -> dict:
        """A JSON-ready dict (dates ISO 8601, the bundle age in seconds)."""
        return {
            "code": self.code,
            "verdict": self.verdict,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "kind": self.kind,
            "format": self.format,
            "host": self.host,
            "gtin": self.gtin,
            "lot": self.lot,
            "serial": self.serial,
            "labels": [
                {"label_number": s.label_number, "status": s.status, "status_index": s.status_index}
                for s in self.labels
            ],
            "expires": self.expires.isoformat() if self.expires else None,
            "genuine": self.genuine,
            "bundle_issued_at": _iso(self.bundle_issued_at),
            "bundle_age_seconds": int(self.bundle_age.total_seconds())
            if self.bundle_age is not None
            else None,
            "notes": list(self.notes),
            "checked": self.checked,
            "offline_verdict": self.offline_verdict,
            "position": [list(point) for point in self.position] if self.position else None,
        }


def verify_code(
    code: str | DecodedCode | ScannedCode,
    bundle: TrustBundle,
    now: datetime,
    online: OnlineResolver | None = None,
    *,
    extra_hosts: Iterable[str] = (),
    max_age: timedelta | None = DEFAULT_MAX_AGE,
) -> Verdict:
    """The verdict on a scanned code at ``now`` (timezone-aware), per the rules of this module.

    ``code`` is the text a reader decoded, a :class:`~scanner.codes.DecodedCode` from a picture, or a
    text already read with :func:`scanner.codes.read_code`. ``extra_hosts`` names mirrors of the
    registry's resolver to accept besides the bundle issuer's host. Raises
    :class:`~scanner.errors.BundleNotYetValid` if the bundle is newer than ``now`` (beyond clock skew);
    verdicts, including ``forged``, are answers, not errors.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (datetime.now(UTC))")
    age = now - bundle.issued_at
    if age < -DEFAULT_CLOCK_SKEW:
        raise BundleNotYetValid("the trust bundle was issued after the time of the check: check the clock")
    decoded = code if isinstance(code, DecodedCode) else None
    if decoded is not None:
        scanned = ScannedCode(code.text, "gtin", gtin=code.gtin) if code.gtin else read_code(code.text)
    elif isinstance(code, ScannedCode):
        scanned = code
    else:
        scanned = read_code(code)
    hosts = bundle.hosts | {host.lower() for host in extra_hosts} if extra_hosts else bundle.hosts
    verdict = _offline(scanned, bundle, now, age, hosts, max_age, decoded)
    if online is not None and verdict.verdict in ASK_ONLINE and scanned.gtin is not None:
        verdict = _with_online(verdict, scanned, online)
    return verdict


def _offline(
    scanned: ScannedCode,
    bundle: TrustBundle,
    now: datetime,
    age: timedelta,
    hosts: frozenset[str],
    max_age: timedelta | None,
    decoded: DecodedCode | None,
) -> Verdict:
    kind = scanned.kind
    if kind == "claim" and scanned.host in hosts:
        return _claim_verdict(scanned, bundle, now, age, max_age, decoded)
    if kind == "gtin":
        return _answer("needs-online-check", scanned, bundle, age, decoded, "gtin-only")
    if kind == "other":
        return _answer("not-an-ecoreg-code", scanned, bundle, age, decoded)
    if scanned.host not in hosts:
        return _answer("not-an-ecoreg-code", scanned, bundle, age, decoded, "other-host", ("other-host",))
    if kind == "link":
        return _answer("needs-online-check", scanned, bundle, age, decoded, "no-claim")
    return _answer("forged", scanned, bundle, age, decoded, genuine=False)  # malformed-claim, broken-link


def _claim_verdict(
    scanned: ScannedCode,
    bundle: TrustBundle,
    now: datetime,
    age: timedelta,
    max_age: timedelta | None,
    decoded: DecodedCode | None,
) -> Verdict:
    """The hot path: one claim, genuine or not; kept free of work that does not decide the answer."""
    fields, signature = scanned.fields, scanned.signature
    candidates = bundle.claim_keys.get(signature.kid)
    if not candidates:
        return _answer("unknown-key", scanned, bundle, age, decoded, labels=_unverified(fields))
    message = signed_bytes(scanned.path, signature.kid, fields)
    for key in candidates:
        try:
            key.public_key.verify(signature.value, message)
            break
        except InvalidSignature:
            continue
    else:
        return _answer("forged", scanned, bundle, age, decoded, genuine=False, labels=_unverified(fields))

    label_status = bundle.label_status
    states = tuple(
        LabelState(number, label_status(index), index)
        for number, index in zip(fields.labels, fields.status_indexes, strict=True)
    )
    statuses = [state.status for state in states]
    notes: tuple[str, ...] = ()
    if key.retired is not None:
        notes += ("retired-key",)
    if "unknown" in statuses:
        notes += ("status-unknown",)
    if max_age is not None and age > max_age:
        notes += ("bundle-too-old",)
    reason = None
    if "withdrawn" in statuses:
        verdict = "withdrawn"
    elif now.astimezone(UTC).date() >= fields.expires:  # fields.is_expired(now), inlined
        verdict = "expired"
    elif "suspended" in statuses:
        verdict = "suspended"
    elif notes:
        verdict, reason = "needs-online-check", notes[0]
    else:
        verdict = "valid"
    return _answer(
        verdict,
        scanned,
        bundle,
        age,
        decoded,
        reason,
        notes,
        labels=states,
        expires=fields.expires,
        genuine=True,
    )


def _answer(
    verdict: str,
    scanned: ScannedCode,
    bundle: TrustBundle,
    age: timedelta,
    decoded: DecodedCode | None,
    reason: str | None = None,
    notes: tuple[str, ...] = (),
    labels: tuple[LabelState, ...] = (),
    expires: date | None = None,
    genuine: bool | None = None,
) -> Verdict:
    vi, en = sentences(verdict, reason) if reason else MESSAGES[verdict]
    if scanned.scheme == "http":
        notes = ("http", *notes)
    return Verdict(
        verdict,
        vi,
        en,
        scanned.text,
        scanned.kind,
        scanned.host,
        scanned.gtin,
        scanned.lot,
        scanned.serial,
        labels,
        expires,
        genuine,
        bundle.issued_at,
        age,
        notes,
        "offline",
        None,
        decoded.format if decoded else None,
        decoded.position if decoded else None,
    )


def _unverified(fields) -> tuple[LabelState, ...]:
    return tuple(
        LabelState(number, "unverified", index)
        for number, index in zip(fields.labels, fields.status_indexes, strict=True)
    )


def _with_online(verdict: Verdict, scanned: ScannedCode, online: OnlineResolver) -> Verdict:
    path = scanned.path or f"/01/{scanned.gtin}"
    try:
        answer = online.lookup(path, scanned.claim if scanned.kind == "claim" else None)
    except NetworkError:
        return replace(verdict, notes=(*verdict.notes, "online-unavailable"))
    indexes = {state.label_number: state.status_index for state in verdict.labels}
    default_vi, default_en = MESSAGES[answer.verdict]
    return replace(
        verdict,
        verdict=answer.verdict,
        message_vi=answer.message_vi or default_vi,
        message_en=answer.message_en or default_en,
        labels=tuple(LabelState(number, status, indexes.get(number)) for number, status, _ in answer.labels),
        genuine=verdict.genuine if verdict.genuine is not None else answer.genuine,
        checked="online",
        offline_verdict=verdict.verdict,
    )


def _iso(instant: datetime | None) -> str | None:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if instant else None
