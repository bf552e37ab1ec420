"""The compact signed claim a QR code carries: a GS1 Digital Link URI plus a claim in its query string.

Framework-free and shared with ``scanner/``: a phone with no network can tell a genuine code from a
forged one with nothing but the registry's JWKS. ``docs/qr-format.md`` is the specification, with
test vectors in ``tests/assets/qr-vectors.json``. In short::

    https://{host}/01/{gtin14}[/22/{cpv}][/10/{lot}][/21/{serial}]?{kid}{expiry}{label}-{index}[...]{sig}

    kid     1 char   first character of base32(SHA-256(raw public key)), lower case
    expiry  3 chars  days from 2020-01-01 to the earliest validUntil (UTC date), base36
    label            kind prefix + 2-digit year + base36 serial: DN-GRN-2026-000123 -> GRN263F
    index            the label's status-list index, base36
    sig     86 chars base64url (no padding) Ed25519 signature over the canonical bytes

    signed  "v1|{path}|{kid}|{label numbers, comma-separated}|{expiry YYYY-MM-DD}|{indexes, comma-separated}"

The 180-character budget (host of 20, GTIN-14, 10-character lot, 12-character serial, one label) leaves
exactly 17 characters beside the signature, which is why the key id is a single character; see the spec.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from labels.gs1.digital_link import DigitalLink, parse_digital_link
from labels.gs1.identifiers import InvalidDigitalLink
from labels.trust.keys import public_key_bytes, public_key_from_jwk
from labels.trust.signing_errors import KeyEncodingError

VERSION = "v1"
#: Label numbers are ``DN-{prefix}-{year}-{serial:06d}``; mirrors
#: ``labels.certification.numbers.PROVINCE``, which cannot be imported here without SQLAlchemy.
PROVINCE = "DN"
EPOCH = date(2020, 1, 1)
BASE36 = string.digits + string.ascii_uppercase
KID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # RFC 4648 base32, lower case
SIGNATURE_LENGTH = 86  # 64 bytes in unpadded base64url
EXPIRY_LENGTH = 3
LAST_EXPIRY = EPOCH + timedelta(days=36**EXPIRY_LENGTH - 1)  # 2147-09-27
MAX_LABELS = 8
MAX_BASE36_DIGITS = 6  # serials and indexes below 36**6 (about 2.2 billion)

#: Serials the registry issues: letters and digits only, so that they never need percent-encoding in a
#: Digital Link URI (the 180-character budget depends on it); 12 of them carry 71 bits of randomness.
ISSUED_SERIAL_ALPHABET = string.digits + string.ascii_uppercase + string.ascii_lowercase
ISSUED_SERIAL_LENGTH = 12


class ClaimError(Exception):
    """Base of every refusal about a QR claim."""


class NotAClaim(ClaimError):
    """The text is not a Digital Link URI carrying a claim (another QR code, a plain web address)."""


class MalformedClaim(ClaimError, ValueError):
    """A claim is there but does not follow the format; or the fields given to sign cannot be written."""


class ClaimVerificationError(ClaimError):
    """The claim is well formed but cannot be shown to be genuine."""


class UnknownClaimKey(ClaimVerificationError):
    """No published key has the claim's key id."""


class ForgedClaim(ClaimVerificationError):
    """The signature does not cover this path and these fields under any key with the claim's key id."""


@dataclass(frozen=True)
class ClaimFields:
    """What a claim says: the labels (full numbers), the earliest expiry, one status index per label."""

    labels: tuple[str, ...]
    expires: date
    status_indexes: tuple[int, ...]

    def __post_init__(self):
        object.__setattr__(self, "labels", tuple(self.labels))
        object.__setattr__(self, "status_indexes", tuple(self.status_indexes))
        if not 1 <= len(self.labels) <= MAX_LABELS:
            raise MalformedClaim(f"a claim names 1 to {MAX_LABELS} labels")
        if len(set(self.labels)) != len(self.labels):
            raise MalformedClaim("a claim names each label once")
        for number in self.labels:
            _label_code(number)  # raises for a number that has no compact form
        if len(self.status_indexes) != len(self.labels):
            raise MalformedClaim("a claim holds one status index per label")
        for index in self.status_indexes:
            if type(index) is not int or not 0 <= index < 36**MAX_BASE36_DIGITS:
                raise MalformedClaim(f"a status index is an integer from 0 to {36**MAX_BASE36_DIGITS - 1}")
        # datetime is a date too; a time of day would be silently dropped, so it is refused.
        if type(self.expires) is not date or not EPOCH <= self.expires <= LAST_EXPIRY:
            raise MalformedClaim(f"expires is a date from {EPOCH} to {LAST_EXPIRY}")

    def is_expired(self, at: datetime) -> bool:
        """Whether the claim has expired at ``at``: from 00:00 UTC of ``expires`` on (never late)."""
        return at.astimezone(UTC).date() >= self.expires


@dataclass(frozen=True)
class ClaimSignature:
    """The short key id and the 64-byte Ed25519 signature of a claim."""

    kid: str
    value: bytes


#: ``public_key_for_kid(kid)`` -> an Ed25519 public key, or several (short ids may collide); raises
#: ``LookupError`` (a dict's ``__getitem__`` will do) or :class:`UnknownClaimKey` for an unknown id.
KeyLookup = Callable[[str], "Ed25519PublicKey | Iterable[Ed25519PublicKey]"]


# --- keys ------------------------------------------------------------------------------------------


def short_kid(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The one-character key id: the first base32 character of SHA-256 of the raw public key."""
    digest = hashlib.sha256(public_key_bytes(key)).digest()
    return KID_ALPHABET[digest[0] >> 3]


def claim_keys(jwks: dict, purpose: str = "credential") -> dict[str, tuple[Ed25519PublicKey, ...]]:
    """The JWKS's keys by short key id, for :func:`verify_claim` (``claim_keys(jwks).__getitem__``).

    Keys whose ``ecoreg_purpose`` is another purpose (the log's) are left out; a JWK without the member
    is kept. Which keys to trust at all (retired ones, say) is the caller's decision.
    """
    found: dict[str, list[Ed25519PublicKey]] = {}
    for jwk in jwks.get("keys", []):
        if jwk.get("ecoreg_purpose", purpose) != purpose:
            continue
        key = public_key_from_jwk(jwk)
        found.setdefault(short_kid(key), []).append(key)
    return {kid: tuple(keys) for kid, keys in found.items()}


def random_serial() -> str:
    """A serial as the registry issues them: 12 characters of :data:`ISSUED_SERIAL_ALPHABET`."""
    return "".join(secrets.choice(ISSUED_SERIAL_ALPHABET) for _ in range(ISSUED_SERIAL_LENGTH))


# --- the path --------------------------------------------------------------------------------------
# Parsed and written by labels.gs1.digital_link, so that the claim and the resolver read a path the same
# way; the signed path is DigitalLink.path(): GTIN-14, qualifiers in order, values percent-encoded.

#: InvalidDigitalLink rules that mean "not a Digital Link at all" rather than "a broken one".
_NOT_A_LINK = frozenset({"syntax", "scheme", "host", "path", "primary-key"})
_HOST_CHARACTERS = re.compile(r"[A-Za-z0-9.:-]+")


def digital_link_path(gtin: str, lot: str | None = None, serial: str | None = None) -> str:
    """``/01/{gtin14}[/10/{lot}][/21/{serial}]``, values percent-encoded: the path a claim signs."""
    qualifiers = tuple((ai, value) for ai, value in (("10", lot), ("21", serial)) if value is not None)
    try:
        link = DigitalLink("01", gtin, qualifiers)
    except InvalidDigitalLink as exc:
        raise MalformedClaim(f"path: {exc}") from exc
    return _claim_path(link)


def canonical_path(path: str) -> str:
    """The signed spelling of a Digital Link path (GTIN-14, percent-encoding normalised)."""
    if not isinstance(path, str) or not path.startswith("/") or "?" in path or "#" in path:
        raise MalformedClaim("path: a Digital Link path such as /01/{gtin}/21/{serial}, with no query")
    return _claim_path(_link(f"https://host.invalid{path}", MalformedClaim))


def _link(uri: str, not_a_link: type[ClaimError]) -> DigitalLink:
    try:
        return parse_digital_link(uri)
    except InvalidDigitalLink as exc:
        error = not_a_link if exc.rule in _NOT_A_LINK else MalformedClaim
        raise error(f"not a Digital Link a claim can be about: {exc}") from exc


def _claim_path(link: DigitalLink) -> str:
    if link.primary_ai != "01":
        raise MalformedClaim(f"path: a claim is about a GTIN (01), not ({link.primary_ai})")
    if any(value in (".", "..") for _, value in link.qualifiers):  # URL parsers drop dot segments
        raise MalformedClaim('path: a lot or serial of "." or ".." cannot stand in a URI path')
    return link.path()


# --- the claim -------------------------------------------------------------------------------------

_LABEL_NUMBER = re.compile(PROVINCE + r"-(?P<prefix>[A-Z]{3})-20(?P<year>[0-9]{2})-(?P<serial>[0-9]{6,})")
_B36 = rf"(?:0|[1-9A-Z][0-9A-Z]{{0,{MAX_BASE36_DIGITS - 1}}})"  # no leading zeros: one spelling
_LABEL_REF = rf"([A-Z]{{3}})([0-9]{{2}})({_B36})-({_B36})"
_LABEL_REF_RE = re.compile(_LABEL_REF)
_CLAIM_BODY = re.compile(
    rf"(?P<kid>[{KID_ALPHABET}])(?P<expiry>[0-9A-Z]{{{EXPIRY_LENGTH}}})(?P<labels>{_LABEL_REF}(?:\.{_LABEL_REF})*)"
)
_SIGNATURE = re.compile(rf"[A-Za-z0-9_-]{{{SIGNATURE_LENGTH}}}")


def _base36(value: int, width: int = 0) -> str:
    digits = ""
    while True:
        value, digit = divmod(value, 36)
        digits = BASE36[digit] + digits
        if value == 0:
            return digits.rjust(width, "0")


def _label_code(number: str) -> tuple[str, str, int]:
    """(prefix, two-digit year, serial) of a label number; MalformedClaim if it has no compact form."""
    match = _LABEL_NUMBER.fullmatch(number)
    serial = int(match["serial"]) if match else -1
    if match is None or f"{serial:06d}" != match["serial"] or serial >= 36**MAX_BASE36_DIGITS:
        raise MalformedClaim(f"{number!r} is not a label number such as {PROVINCE}-GRN-2026-000123")
    return match["prefix"], match["year"], serial


def canonical_bytes(path: str, kid: str, fields: ClaimFields) -> bytes:
    """What the signature covers: ``v1|{path}|{kid}|{labels}|{expiry}|{indexes}`` in UTF-8."""
    labels = ",".join(fields.labels)
    indexes = ",".join(str(index) for index in fields.status_indexes)
    text = f"{VERSION}|{canonical_path(path)}|{kid}|{labels}|{fields.expires.isoformat()}|{indexes}"
    return text.encode("utf-8")


def sign_claim(path: str, fields: ClaimFields, private_key: Ed25519PrivateKey, kid: str | None = None) -> str:
    """The claim for ``path`` (the query string, without ``?``); ``kid`` defaults to the key's short id."""
    own_kid = short_kid(private_key)
    if kid is not None and kid != own_kid:
        raise MalformedClaim(f"the key's short id is {own_kid!r}, not {kid!r}")
    signature = private_key.sign(canonical_bytes(path, own_kid, fields))
    refs = []
    for number, index in zip(fields.labels, fields.status_indexes, strict=True):
        prefix, year, serial = _label_code(number)
        refs.append(f"{prefix}{year}{_base36(serial)}-{_base36(index)}")
    expiry = _base36((fields.expires - EPOCH).days, EXPIRY_LENGTH)
    encoded = base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")
    return own_kid + expiry + ".".join(refs) + encoded


def build_uri(
    host: str, path: str, fields: ClaimFields, private_key: Ed25519PrivateKey, kid: str | None = None
) -> str:
    """``https://{host}{path}?{claim}``, the text a QR code carries; host and path written canonically."""
    if not isinstance(host, str) or not _HOST_CHARACTERS.fullmatch(host):
        raise MalformedClaim(f"{host!r} is not a host name")
    link = _link(f"https://{host}{canonical_path(path)}", MalformedClaim)
    path = _claim_path(link)
    return f"https://{link.host}{path}?{sign_claim(path, fields, private_key, kid)}"


def parse_claim(claim: str) -> tuple[ClaimFields, ClaimSignature]:
    """The fields and signature of a claim (the query string without ``?``); MalformedClaim if bad."""
    if len(claim) <= SIGNATURE_LENGTH:
        raise MalformedClaim("the claim is too short to hold a signature")
    body, encoded = claim[:-SIGNATURE_LENGTH], claim[-SIGNATURE_LENGTH:]
    if body[:1] not in KID_ALPHABET:
        raise MalformedClaim("not a v1 claim: it must start with a key id (a-z, 2-7)")
    match = _CLAIM_BODY.fullmatch(body)
    if match is None:
        raise MalformedClaim("the claim is not {kid}{expiry}{label}-{index}[.{label}-{index}...]{signature}")
    if not _SIGNATURE.fullmatch(encoded):
        raise MalformedClaim("the signature is not 86 characters of base64url")
    try:
        value = base64.urlsafe_b64decode(encoded + "==")
    except binascii.Error:
        raise MalformedClaim("the signature is not base64url") from None
    # 86 characters carry 516 bits; the last 4 must be zero or two spellings would be one signature.
    if base64.urlsafe_b64encode(value).rstrip(b"=").decode("ascii") != encoded:
        raise MalformedClaim("the signature is not in canonical base64url")
    labels, indexes = [], []
    for ref in match["labels"].split("."):
        prefix, year, serial, index = _LABEL_REF_RE.fullmatch(ref).groups()
        labels.append(f"{PROVINCE}-{prefix}-20{year}-{int(serial, 36):06d}")
        indexes.append(int(index, 36))
    expires = EPOCH + timedelta(days=int(match["expiry"], 36))
    return ClaimFields(tuple(labels), expires, tuple(indexes)), ClaimSignature(match["kid"], value)


def split_claim(query: str) -> tuple[str | None, str]:
    """``(claim, the rest of the query)``: the claim is the query's first ``&``-separated part when it
    holds no ``=``; otherwise there is no claim (``None``) and the whole query is ``name=value`` pairs."""
    first, _, rest = query.partition("&")
    if not first or "=" in first:
        return None, query
    return first, rest


def parse_uri(text: str) -> tuple[str, str, ClaimFields, ClaimSignature]:
    """``(host, canonical path, fields, signature)`` of a QR code's text.

    Raises :class:`NotAClaim` for text that is not a Digital Link URI with a claim (no query, or a
    query that starts with a ``name=value`` pair), :class:`MalformedClaim` for one whose path or claim
    is broken. Parameters after the claim (``&linkType=...``) are not signed and are ignored.
    """
    try:
        parts = urlsplit(text.strip()) if isinstance(text, str) else None
    except ValueError:
        parts = None
    claim, _ = split_claim(parts.query) if parts else (None, "")
    if claim is None:
        raise NotAClaim("not a Digital Link URI with a claim in its query")
    link = _link(text, NotAClaim)
    if "#" in text:
        raise MalformedClaim("a claim URI has no fragment")
    fields, signature = parse_claim(claim)
    return link.host, _claim_path(link), fields, signature


def verify_claim(
    path: str, fields: ClaimFields, signature: ClaimSignature, public_key_for_kid: KeyLookup
) -> None:
    """Check that ``signature`` covers ``path`` and ``fields``; return nothing, or raise why not.

    Raises :class:`MalformedClaim` (the path), :class:`UnknownClaimKey` or :class:`ForgedClaim`. Whether
    the labels are still valid (``fields.is_expired``, the status lists) is the caller's next step.
    """
    # 1. The bytes the registry signed, rebuilt from what the code says.
    message = canonical_bytes(path, signature.kid, fields)
    # 2. The keys the short id may name; more than one when two published keys share it.
    try:
        found = public_key_for_kid(signature.kid)
    except UnknownClaimKey:
        raise
    except (LookupError, KeyEncodingError) as exc:
        raise UnknownClaimKey(f"no published key has the id {signature.kid!r}") from exc
    keys = (found,) if isinstance(found, Ed25519PublicKey) else tuple(found)
    if not keys or not all(isinstance(key, Ed25519PublicKey) for key in keys):
        raise UnknownClaimKey(f"no Ed25519 key has the id {signature.kid!r}")
    # 3. Genuine when one of them made this signature over exactly these bytes.
    for key in keys:
        try:
            key.verify(signature.value, message)
            return
        except InvalidSignature:
            continue
    raise ForgedClaim(f"the signature does not match this path and claim under key {signature.kid!r}")


def verify_uri(text: str, public_key_for_kid: KeyLookup) -> tuple[str, str, ClaimFields]:
    """:func:`parse_uri` then :func:`verify_claim`: ``(host, path, fields)`` of a genuine code."""
    host, path, fields, signature = parse_uri(text)
    verify_claim(path, fields, signature, public_key_for_kid)
    return host, path, fields


def expiry_of(valid_until: Iterable[datetime]) -> date:
    """The claim's ``expires`` for labels with these ``validUntil`` instants: the earliest, as a UTC date."""
    return min(instant.astimezone(UTC).date() for instant in valid_until)
