"""GS1 identifiers as the event hash writes them: the constrained canonical GS1 Digital Link.

Framework-free. Every spelling of one identifier, an EPC URN (TDS 2.x) or a Digital Link on any host,
becomes ``https://id.gs1.org/{ai}/{key}[/{ai}/{qualifier}]`` with the finest identification only, so
that two documents naming the same thing differently give the same pre-hash string
(:mod:`labels.traceability.event_hash`, CBV 2.0 section 8.9).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from urllib.parse import unquote, urlsplit

from labels.gs1.identifiers import check_digit

CANONICAL_HOST = "https://id.gs1.org"


# --- GS1 identifiers -----------------------------------------------------------------------------------
#
# EPC URNs (TDS 2.x) and Digital Links both become ``https://id.gs1.org/{ai}/{key}[/{ai}/{qualifier}]``
# with the finest identification only. Values are written with character set 82 left as is except
# for ``! " # % & ( ) * + , / : < > ?``, which are percent-encoded: the EPC URN escapes plus the reference
# implementation's extra ones, so a URN and a Digital Link of one thing give the same text.

_RAW = frozenset("'-.0123456789;=ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz")
_C82 = r"[!\"%-?A-Z_a-z]"  # GS1 character set 82
_GS3A3 = re.compile(r"(?:[!'()*+,\-.0-9:;=A-Z_a-z]|%[0-9A-Fa-f]{2})+")  # a TDS URN component
_CPI_REFERENCE = re.compile(r"(?:[0-9A-Z\-]|%2[3Ff])+")
_DIGITS = re.compile(r"\d*")
_ESCAPES = re.compile(r"(?:[^%]|%[0-9A-Fa-f]{2})*")


# The Digital Links events mostly carry: a GTIN (with a serial or lot), an SSCC, a GLN or a party GLN,
# on any host, no query, values with no character that needs escaping. For these the general parser
# below returns the path unchanged, so they skip it (urlsplit and the AI tables cost most of a hash).
PLAIN_DIGITAL_LINK = re.compile(
    r"https?://[-.0-9A-Za-z]+(/(?:01/\d{14}(?:/(?:10|21)/[-'.0-9;=A-Z_a-z]{1,20})?|00/\d{18}|41[47]/\d{13}))"
)


class _NotGs1(Exception):
    """Text that looks like a GS1 identifier but is not one: it is hashed as written."""


def gs1_canonical_uri(text: str) -> str | None:
    """The constrained canonical GS1 Digital Link of an EPC URN or a Digital Link URI; else ``None``.

    ``urn:epc:id:sgtin:4012345.011111.9876`` and ``https://example.com/01/04012345111118/10/L1/21/9876``
    both give ``https://id.gs1.org/01/04012345111118/21/9876``.
    """
    plain = PLAIN_DIGITAL_LINK.fullmatch(text)
    if plain:
        return CANONICAL_HOST + plain[1]
    try:
        if text.startswith("urn:epc:"):
            return CANONICAL_HOST + _epc_urn_path(text)
        if text[:8].lower().startswith(("https://", "http://")):
            return CANONICAL_HOST + _digital_link_path(text)
    except _NotGs1:
        pass
    return None


def _encode(value: str) -> str:
    return "".join(char if char in _RAW else "".join(f"%{b:02X}" for b in char.encode()) for char in value)


def _decode(component: str) -> str:
    if not _ESCAPES.fullmatch(component):
        raise _NotGs1
    try:
        return unquote(component, errors="strict")
    except UnicodeDecodeError as exc:
        raise _NotGs1 from exc


def _component(raw: str, max_length: int, pattern: re.Pattern[str] = _GS3A3) -> str:
    """A URN component (serial, lot, reference), decoded and checked."""
    if not pattern.fullmatch(raw):
        raise _NotGs1
    value = _decode(raw)
    if len(value) > max_length:
        raise _NotGs1
    return value


def _digits(value: str, length: int | None = None, max_length: int | None = None) -> str:
    if not _DIGITS.fullmatch(value) or (length is not None and len(value) != length):
        raise _NotGs1
    if max_length is not None and not 1 <= len(value) <= max_length:
        raise _NotGs1
    return value


def _with_check_digit(body: str) -> str:
    return body + str(check_digit(body))


def _key(prefix: str, reference: str, total: int) -> str:
    """Company prefix and reference, checked: the digits of the key without its check digit."""
    if not 6 <= len(_digits(prefix)) <= 12:
        raise _NotGs1
    return prefix + _digits(reference, total - len(prefix))


def _gtin(prefix: str, item: str) -> str:
    _key(prefix, item, 13)
    return _with_check_digit(item[:1] + prefix + item[1:])  # the indicator digit moves to the front


def _split(body: str, count: int) -> list[str]:
    parts = body.split(".", count - 1)  # the last part may hold dots (character set 82 has them)
    if len(parts) != count:
        raise _NotGs1
    return parts


def _is_pattern(last: str, pattern: bool) -> bool:
    # An EPC pattern URI names a class with "*" in place of the serial; an EPC URI never has one.
    if pattern != (last == "*"):
        raise _NotGs1
    return pattern


def _sgtin(body: str, pattern: bool) -> str:
    prefix, item, serial = _split(body, 3)
    gtin = _gtin(prefix, item)
    return (
        f"/01/{gtin}" if _is_pattern(serial, pattern) else f"/01/{gtin}/21/{_encode(_component(serial, 20))}"
    )


def _grai(body: str, pattern: bool) -> str:
    prefix, asset, serial = _split(body, 3)
    key = _with_check_digit("0" + _key(prefix, asset, 12))
    return f"/8003/{key}" if _is_pattern(serial, pattern) else f"/8003/{key}{_encode(_component(serial, 16))}"


def _gdti(body: str, pattern: bool) -> str:
    prefix, document, serial = _split(body, 3)
    key = _with_check_digit(_key(prefix, document, 12))
    return f"/253/{key}" if _is_pattern(serial, pattern) else f"/253/{key}{_encode(_component(serial, 17))}"


def _sgcn(body: str, pattern: bool) -> str:
    prefix, coupon, serial = _split(body, 3)
    key = _with_check_digit(_key(prefix, coupon, 12))
    return f"/255/{key}" if _is_pattern(serial, pattern) else f"/255/{key}{_digits(serial, max_length=12)}"


def _cpi(body: str, pattern: bool) -> str:
    prefix, reference, serial = _split(body, 3)
    part = _key(prefix, "", len(prefix)) + _component(reference, 30, _CPI_REFERENCE)
    if len(part) > 30:
        raise _NotGs1
    path = f"/8010/{_encode(part)}"
    return path if _is_pattern(serial, pattern) else f"{path}/8011/{_digits(serial, max_length=12)}"


def _itip(body: str, pattern: bool) -> str:
    prefix, item, piece, total, serial = _split(body, 5)
    path = f"/8006/{_gtin(prefix, item)}{_digits(piece, 2)}{_digits(total, 2)}"
    return path if _is_pattern(serial, pattern) else f"{path}/21/{_encode(_component(serial, 20))}"


def _upui(body: str, pattern: bool) -> str:
    prefix, item, tpx = _split(body, 3)
    gtin = _gtin(prefix, item)
    return f"/01/{gtin}" if _is_pattern(tpx, pattern) else f"/01/{gtin}/235/{_encode(_component(tpx, 28))}"


def _lgtin(body: str) -> str:
    prefix, item, lot = _split(body, 3)
    return f"/01/{_gtin(prefix, item)}/10/{_encode(_component(lot, 20))}"


def _sscc(body: str) -> str:
    prefix, reference = _split(body, 2)
    _key(prefix, reference, 17)
    return "/00/" + _with_check_digit(reference[:1] + prefix + reference[1:])


def _sgln(body: str) -> str:
    prefix, location, extension = _split(body, 3)
    gln = _with_check_digit(_key(prefix, location, 12))
    return f"/414/{gln}" if extension == "0" else f"/414/{gln}/254/{_encode(_component(extension, 20))}"


def _reference_key(ai: str) -> Callable[[str], str]:
    def convert(body: str) -> str:  # GIAI, GINC: a company prefix and a free reference, 30 at most
        prefix, reference = _split(body, 2)
        _key(prefix, "", len(prefix))
        return f"/{ai}/{prefix}{_encode(_component(reference, 30 - len(prefix)))}"

    return convert


def _numeric_key(ai: str, total: int) -> Callable[[str], str]:
    def convert(body: str) -> str:  # GSRN, GSRNP, GSIN, PGLN: digits only, then a check digit
        prefix, reference = _split(body, 2)
        return f"/{ai}/{_with_check_digit(_key(prefix, reference, total))}"

    return convert


# Schemes that also have a pattern form (urn:epc:idpat:…), and those that only name instances.
_EPC_CLASSES: Mapping[str, Callable[[str, bool], str]] = {
    "sgtin": _sgtin,
    "grai": _grai,
    "gdti": _gdti,
    "sgcn": _sgcn,
    "cpi": _cpi,
    "itip": _itip,
    "upui": _upui,
}
_EPC_INSTANCES: Mapping[str, Callable[[str], str]] = {
    "sscc": _sscc,
    "sgln": _sgln,
    "giai": _reference_key("8004"),
    "ginc": _reference_key("401"),
    "gsrn": _numeric_key("8018", 17),
    "gsrnp": _numeric_key("8017", 17),
    "gsin": _numeric_key("402", 16),
    "pgln": _numeric_key("417", 12),
}


def _epc_urn_path(urn: str) -> str:
    kind, _, rest = urn[len("urn:epc:") :].partition(":")
    scheme, _, body = rest.partition(":")
    if kind == "class" and scheme == "lgtin":
        return _lgtin(body)
    if kind in ("id", "idpat") and scheme in _EPC_CLASSES:
        return _EPC_CLASSES[scheme](body, kind == "idpat")
    if kind == "id" and scheme in _EPC_INSTANCES:
        return _EPC_INSTANCES[scheme](body)
    raise _NotGs1  # GID, USDoD, ADI, BIC…: no GS1 key, hashed as the URN


def _c82(low: int, high: int, lead: str = "") -> re.Pattern[str]:
    return re.compile(f"{lead}{_C82}{{{low},{high}}}")


# Primary key -> (value pattern, qualifiers kept, finest first); other qualifiers make it no GS1 link.
_DL_KEYS: Mapping[str, tuple[re.Pattern[str], tuple[str, ...]]] = {
    "00": (re.compile(r"\d{18}"), ()),
    "01": (re.compile(r"\d{14}"), ("21", "235", "10")),
    "253": (_c82(0, 17, r"\d{13}"), ()),
    "255": (re.compile(r"\d{13,25}"), ()),
    "401": (_c82(1, 30), ()),
    "402": (re.compile(r"\d{17}"), ()),
    "414": (re.compile(r"\d{13}"), ("254",)),
    "417": (re.compile(r"\d{13}"), ()),
    "8003": (_c82(0, 16, r"\d{14}"), ()),
    "8004": (_c82(1, 30), ()),
    "8006": (re.compile(r"\d{18}"), ("21", "10")),
    "8010": (re.compile(r"[#\-/0-9A-Z]{1,30}"), ("8011",)),
    "8017": (re.compile(r"\d{18}"), ()),
    "8018": (re.compile(r"\d{18}"), ()),
}
_DL_QUALIFIERS: Mapping[str, re.Pattern[str]] = {
    "22": _c82(1, 20),
    "10": _c82(1, 20),
    "21": _c82(1, 20),
    "235": _c82(1, 28),
    "254": _c82(1, 20),
    "8011": re.compile(r"\d{1,12}"),
}
# Convenience names (deprecated by the Digital Link standard, still read by the reference).
_SHORT_NAMES = {
    "gtin": "01",
    "itip": "8006",
    "cpid": "8010",
    "gln": "414",
    "party": "417",
    "gsrnp": "8017",
    "gsrn": "8018",
    "gcn": "255",
    "sscc": "00",
    "gdti": "253",
    "ginc": "401",
    "gsin": "402",
    "grai": "8003",
    "giai": "8004",
    "cpv": "22",
    "lot": "10",
    "ser": "21",
}


def _digital_link_path(uri: str) -> str:
    try:
        parts = urlsplit(uri)
    except ValueError as exc:
        raise _NotGs1 from exc
    segments = parts.path.split("/")[1:]
    if not parts.netloc or not segments or "" in segments:
        raise _NotGs1
    ais = [_SHORT_NAMES.get(segment, segment) for segment in segments]
    # The first primary key followed by whole (ai, value) pairs; anything before it is the host's path.
    start = next((i for i, ai in enumerate(ais) if ai in _DL_KEYS and (len(ais) - i) % 2 == 0), None)
    if start is None:
        raise _NotGs1
    primary = ais[start]
    pattern, kept = _DL_KEYS[primary]
    key = _decode(segments[start + 1])
    if primary == "01" and len(key) in (8, 12, 13):
        key = key.zfill(14)
    if not pattern.fullmatch(key):
        raise _NotGs1
    qualifiers = dict(_qualifiers(ais[start + 2 :: 2], segments[start + 3 :: 2], primary))
    finest = next((ai for ai in kept if ai in qualifiers), None)
    path = f"/{primary}/{_encode(key)}"
    return path + (f"/{finest}/{_encode(qualifiers[finest])}" if finest else "")


def _qualifiers(ais: list[str], values: list[str], primary: str) -> Iterator[tuple[str, str]]:
    allowed = {*_DL_KEYS[primary][1], *(("22",) if primary in ("01", "8006") else ())}
    seen: set[str] = set()
    for ai, raw in zip(ais, values, strict=True):
        value = _decode(raw)
        if ai not in allowed or ai in seen or not _DL_QUALIFIERS[ai].fullmatch(value):
            raise _NotGs1
        seen.add(ai)
        yield ai, value
