"""What a scanned text is: a claim code, a plain Digital Link, a GTIN, or something else.

The format is ``labels.codes.qrclaim``'s (``docs/qr-format.md``) and so are the parsers: :func:`read_code`
falls back on ``labels.codes.qrclaim.parse_uri`` and ``labels.gs1.digital_link.parse_digital_link`` for every
text. It first tries one regular expression for the spelling the registry itself prints
(``https://host/01/{GTIN-14}[/10/{lot}][/21/{serial}]?{claim}``, lower-case host, lot and serial of
characters that need no escaping, nothing after the claim). For such a text the signed path is the
text's own path, so the general parser's work (splitting, percent-decoding, checking each AI, writing
the canonical path back) is skipped. The claim's body (key id, expiry, labels, indexes: the same on
every serial of a product) is still parsed by ``labels.codes.qrclaim.parse_claim``, once per spelling; only
the signature is decoded per code. The fast reading gives exactly what ``parse_uri`` gives, which
``tests/unit/scanner`` checks on the published vectors and on generated codes. It exists because the
parse cost sits beside one Ed25519 verification in the offline hot path (``bench/bench_scanner.py``).
"""

from __future__ import annotations

import base64
import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from labels.codes.qrclaim import (
    SIGNATURE_LENGTH,
    VERSION,
    ClaimFields,
    ClaimSignature,
    MalformedClaim,
    NotAClaim,
    parse_claim,
    parse_uri,
    split_claim,
)
from labels.gs1.digital_link import parse_digital_link
from labels.gs1.identifiers import InvalidDigitalLink, InvalidIdentifier, check_digit, normalise_gtin

#: InvalidDigitalLink rules meaning "not a Digital Link at all" rather than "a broken one" (as in qrclaim).
NOT_A_LINK_RULES = frozenset({"syntax", "scheme", "host", "path", "primary-key"})

_PRINTED = re.compile(
    r"(?P<scheme>https?)://(?P<host>[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?)"
    r"(?P<path>/01/(?P<gtin>[0-9]{14})(?:/10/(?P<lot>[A-Za-z0-9._-]{1,20}))?(?:/21/(?P<serial>[A-Za-z0-9._-]{1,20}))?)"
    r"\?(?P<claim>[a-z2-7][0-9A-Za-z._-]{86,})"
)
_DIGITS = re.compile(r"[0-9]{8}|[0-9]{12,14}")
_SIGNATURE = re.compile(rf"[A-Za-z0-9_-]{{{SIGNATURE_LENGTH}}}")
_STAND_IN_SIGNATURE = "A" * SIGNATURE_LENGTH  # 64 zero bytes, canonically spelt
#: Linear symbologies whose whole content is a GTIN (with its check digit).
GTIN_FORMATS = frozenset({"EAN13", "EAN8", "UPCA", "UPCE", "ITF14", "ITF"})

Point = tuple[int, int]


@dataclass(frozen=True, slots=True)
class DecodedCode:
    """One code found in a picture."""

    text: str
    #: zxing-cpp's name of the symbology: ``QRCode``, ``EAN13``, ``UPCA``, ``EAN8``, ``UPCE``, ``ITF14``...
    format: str
    #: corners in pixels: top-left, top-right, bottom-right, bottom-left (of the symbol as read)
    position: tuple[Point, Point, Point, Point]
    #: rotation of the symbol in the picture, in degrees
    orientation: int = 0
    #: the GTIN-14 a retail barcode (or a GS1 element string's ``(01)``) carries; ``None`` for a QR URI
    gtin: str | None = None

    @property
    def is_barcode(self) -> bool:
        """A product barcode: it names a product, never a label, and carries no signature."""
        return self.format in GTIN_FORMATS

    @property
    def centre(self) -> tuple[float, float]:
        xs, ys = zip(*self.position, strict=True)
        return sum(xs) / 4, sum(ys) / 4


@dataclass(frozen=True, slots=True)
class ScannedCode:
    """A scanned text, read.

    ``kind`` is one of

    - ``claim``: a GS1 Digital Link (GTIN) whose query starts with a well-formed signed claim;
    - ``malformed-claim``: a URI whose query starts with a claim that breaks the format, or whose path
      breaks the GS1 rules (counterfeit, if on the registry's host);
    - ``link``: a GS1 Digital Link for a GTIN without a claim (a product's own code, or a serial's
      link with the claim cut off);
    - ``broken-link``: a URI with a GS1 path that breaks the GS1 rules (a wrong check digit, ...);
    - ``gtin``: a bare GTIN, from a retail barcode or typed;
    - ``other``: anything else (another kind of URI, another primary key, free text).
    """

    text: str
    kind: str
    scheme: str | None = None
    host: str | None = None
    #: the canonical (signed) path, for ``claim`` and ``link``
    path: str | None = None
    gtin: str | None = None
    lot: str | None = None
    serial: str | None = None
    claim: str | None = None
    fields: ClaimFields | None = None
    signature: ClaimSignature | None = None
    problem: str | None = None


def read_code(text: str) -> ScannedCode:
    """Read a scanned text (see :class:`ScannedCode` for what it can be)."""
    match = _PRINTED.fullmatch(text)
    if match is not None and _printed_spelling(match):
        try:
            fields, signature = _parse_claim(match["claim"])
        except MalformedClaim as exc:
            return ScannedCode(text, "malformed-claim", match["scheme"], match["host"], problem=str(exc))
        return ScannedCode(
            text,
            "claim",
            match["scheme"],
            match["host"],
            match["path"],
            match["gtin"],
            match["lot"],
            match["serial"],
            match["claim"],
            fields,
            signature,
        )
    return _read_slowly(text)


def _parse_claim(claim: str) -> tuple[ClaimFields, ClaimSignature]:
    """``labels.codes.qrclaim.parse_claim``, with the part before the signature parsed once per spelling.

    Every serial of a product carries the same key id, expiry, labels and indexes; only the 86
    signature characters differ. So the body is parsed by ``parse_claim`` itself (with a stand-in
    signature) and remembered, and the signature is decoded here under the same rules.
    """
    if len(claim) <= SIGNATURE_LENGTH:
        raise MalformedClaim("the claim is too short to hold a signature")
    fields, kid = _claim_body(claim[:-SIGNATURE_LENGTH])
    encoded = claim[-SIGNATURE_LENGTH:]
    if not _SIGNATURE.fullmatch(encoded):
        raise MalformedClaim("the signature is not 86 characters of base64url")
    value = base64.urlsafe_b64decode(encoded + "==")
    # 86 characters carry 516 bits; the last 4 must be zero or two spellings would be one signature.
    if base64.urlsafe_b64encode(value)[:SIGNATURE_LENGTH] != encoded.encode("ascii"):
        raise MalformedClaim("the signature is not in canonical base64url")
    return fields, ClaimSignature(kid, value)


@functools.lru_cache(maxsize=4096)
def _claim_body(body: str) -> tuple[ClaimFields, str]:
    fields, signature = parse_claim(body + _STAND_IN_SIGNATURE)  # raises MalformedClaim, not cached
    return fields, signature.kid


def _printed_spelling(match: re.Match) -> bool:
    """The checks of ``parse_uri`` that the regular expression cannot make."""
    return (
        _gtin14_checks(match["gtin"])
        and match["lot"] not in (".", "..")
        and match["serial"] not in (".", "..")
        and not match["claim"].isdigit()  # an all-digit query parameter would be read as an AI
    )


@functools.lru_cache(maxsize=4096)
def _gtin14_checks(gtin: str) -> bool:
    # A shelf holds few distinct products, scanned again and again.
    return check_digit(gtin[:13]) == int(gtin[13])


def signed_bytes(path: str, kid: str, fields: ClaimFields) -> bytes:
    """``labels.codes.qrclaim.canonical_bytes`` for a path that is canonical already (as :func:`read_code`
    gives it), without parsing the path a second time; the tests hold the two equal."""
    labels = ",".join(fields.labels)
    indexes = ",".join(map(str, fields.status_indexes))
    return f"{VERSION}|{path}|{kid}|{labels}|{fields.expires.isoformat()}|{indexes}".encode()


def _read_slowly(text: str) -> ScannedCode:
    stripped = text.strip() if isinstance(text, str) else ""
    if _DIGITS.fullmatch(stripped):
        try:
            return ScannedCode(text, "gtin", gtin=normalise_gtin(stripped))
        except InvalidIdentifier as exc:
            return ScannedCode(text, "other", problem=f"not a GTIN: {exc.message}")
    scheme, host = _scheme_and_host(stripped)
    try:
        host, path, fields, signature = parse_uri(stripped)
    except MalformedClaim as exc:
        return ScannedCode(text, "malformed-claim", scheme, host, problem=str(exc))
    except NotAClaim:
        return _read_link(text, stripped, scheme, host)
    link = parse_digital_link(stripped)  # cannot fail: parse_uri parsed it
    claim, _ = split_claim(urlsplit(stripped).query)
    return ScannedCode(
        text,
        "claim",
        scheme,
        host,
        path,
        link.primary,
        link.qualifier("10"),
        link.qualifier("21"),
        claim,
        fields,
        signature,
    )


def _read_link(text: str, stripped: str, scheme: str | None, host: str | None) -> ScannedCode:
    try:
        link = parse_digital_link(stripped)
    except InvalidDigitalLink as exc:
        kind = "other" if exc.rule in NOT_A_LINK_RULES else "broken-link"
        return ScannedCode(text, kind, scheme, host, problem=exc.message)
    if link.primary_ai != "01":
        return ScannedCode(
            text, "other", scheme, link.host, problem=f"a Digital Link for ({link.primary_ai})"
        )
    return ScannedCode(
        text,
        "link",
        scheme,
        link.host,
        link.path(),
        link.primary,
        link.qualifier("10"),
        link.qualifier("21"),
    )


def _scheme_and_host(text: str) -> tuple[str | None, str | None]:
    try:
        parts = urlsplit(text)
    except ValueError:
        return None, None
    return (parts.scheme.lower() or None), (parts.netloc.lower() or None)
