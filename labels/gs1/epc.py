"""EPC URNs and GS1 Digital Link, both ways, and the one canonical key that both meet on.

Framework-free. EPCIS events name things by EPC URN (EPC Tag Data Standard, TDS) or by Digital Link;
traceability indexes them by :func:`canonical_id` so that the same item, lot or product meets on one
key whichever way an event spelt it.

=========================================================  ====================================
EPC URN                                                    Digital Link path
=========================================================  ====================================
``urn:epc:id:sgtin:CompanyPrefix.IndicatorItemRef.Serial``  ``/01/{gtin14}/21/{serial}``
``urn:epc:class:lgtin:CompanyPrefix.IndicatorItemRef.Lot``  ``/01/{gtin14}/10/{lot}``
``urn:epc:idpat:sgtin:CompanyPrefix.IndicatorItemRef.*``    ``/01/{gtin14}`` (the product class)
``urn:epc:id:sscc:CompanyPrefix.SerialReference``           ``/00/{sscc}``
``urn:epc:id:sgln:CompanyPrefix.LocationRef.Extension``     ``/414/{gln}[/254/{extension}]``
=========================================================  ====================================

A URN splits the key at the end of the GS1 company prefix; a Digital Link does not. Going from a URN
to a Digital Link needs nothing more, but the other way needs the prefix's length: pass it as an
``int`` or as a callable that takes the key's digits from the company prefix on (the GTIN without its
indicator, the SSCC without its extension digit, the GLN) and returns it. The default is 7 digits,
the commonest length world-wide. Vietnam's prefixes (893) are mostly 7 to 9 digits long, and the
registry knows each enterprise's own: use :func:`registered_prefix_lengths` with the registered
prefixes, or :func:`gs1_company_prefix_length` for GS1's published length table (via ``biip``).
The canonical key never depends on that split, so a URN built with a wrong length still meets its
Digital Link there.

Serials, lots and GLN extensions are TDS "GS3A3" components: character set 82, with ``"`` ``%``
``&`` ``/`` ``<`` ``>`` ``?`` written as ``%22 %25 %26 %2F %3C %3E %3F``. Any %-escape of a character
of that set is read; those seven, and only those, are written, so a URN written here reads back
to itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from labels.gs1.digital_link import DEFAULT_HOST, DigitalLink, parse_digital_link
from labels.gs1.identifiers import InvalidEpcUrn, InvalidIdentifier, check_digit, is_cset82, normalise_gtin

DEFAULT_COMPANY_PREFIX_LENGTH = 7

CompanyPrefixLength = int | Callable[[str], int]

_ESCAPED = '"%&/<>?'
_COMPONENT = re.compile(r"(?:[!'()*+,\-.0-9:;=A-Z_a-z]|%[0-9A-Fa-f]{2})+")
_DIGITS = re.compile(r"[0-9]+")
_SCHEMES = (
    "urn:epc:id:sgtin",
    "urn:epc:class:lgtin",
    "urn:epc:idpat:sgtin",
    "urn:epc:id:sscc",
    "urn:epc:id:sgln",
)


def epc_urn_to_digital_link(urn: str, host: str = DEFAULT_HOST) -> DigitalLink:
    """The Digital Link (on ``host``) for an SGTIN, LGTIN, GTIN-level SGTIN pattern, SSCC or SGLN URN.

    Raises :class:`labels.gs1.identifiers.InvalidEpcUrn`; a key or value that the URN carries intact but
    that breaks a GS1 rule (a serial over 20 characters) raises it too, with the Digital Link rule's name.
    """
    # A serial may hold ":" (character set 82 has it, TDS does not escape it): match the scheme whole.
    text = urn.strip()
    scheme = next((s for s in _SCHEMES if text.startswith(s + ":")), "")
    body = text[len(scheme) + 1 :]
    try:
        if scheme == "urn:epc:id:sgtin":
            prefix, item, serial = _split(body, 3)
            return DigitalLink("01", _gtin(prefix, item), (("21", _unescape(serial, "21")),), host=host)
        if scheme == "urn:epc:class:lgtin":
            prefix, item, lot = _split(body, 3)
            return DigitalLink("01", _gtin(prefix, item), (("10", _unescape(lot, "10")),), host=host)
        if scheme == "urn:epc:idpat:sgtin":
            prefix, item, star = _split(body, 3)
            if star != "*" or "*" in (prefix, item):
                raise InvalidEpcUrn(
                    "pattern", "only a pattern for one GTIN (Prefix.Item.*) names a product", "urn"
                )
            return DigitalLink("01", _gtin(prefix, item), host=host)
        if scheme == "urn:epc:id:sscc":
            prefix, serial_reference = _split(body, 2)
            _check_key_parts(prefix, serial_reference, 17, "serial reference")
            body17 = serial_reference[0] + prefix + serial_reference[1:]
            return DigitalLink("00", body17 + str(check_digit(body17)), host=host)
        if scheme == "urn:epc:id:sgln":
            prefix, location, extension = _split(body, 3)
            _check_key_parts(prefix, location, 12, "location reference", allow_empty=True)
            gln = prefix + location + str(check_digit(prefix + location))
            qualifiers = () if extension == "0" else (("254", _unescape(extension, "254")),)
            return DigitalLink("414", gln, qualifiers, host=host)
    except InvalidEpcUrn:
        raise
    except InvalidIdentifier as exc:
        raise InvalidEpcUrn(exc.rule, exc.message, exc.field) from exc
    raise InvalidEpcUrn(
        "scheme", "not an EPC URN we read (sgtin, lgtin, sgtin pattern, sscc, sgln)", "scheme"
    )


def digital_link_to_epc_urn(
    link: DigitalLink | str, company_prefix_length: CompanyPrefixLength = DEFAULT_COMPANY_PREFIX_LENGTH
) -> str:
    """The EPC URN for a Digital Link (or its URI text).

    ``/01/g/21/s`` is an SGTIN (a lot or CPV beside the serial is not part of the item's EPC),
    ``/01/g/10/l`` an LGTIN, ``/01/g`` the SGTIN pattern of the product, ``/00/s`` an SSCC, ``/414/g``
    an SGLN. Raises :class:`labels.gs1.identifiers.InvalidEpcUrn` with rule ``no-epc-equivalent`` for the rest
    (a CPV alone, a TPX, a UIC extension) and ``reserved-extension`` for a GLN extension ``0``, which
    TDS reserves for "no extension"; URI text that is no Digital Link raises ``InvalidDigitalLink``.
    """
    if isinstance(link, str):
        link = parse_digital_link(link)
    key, qualifiers = link.primary, dict(link.qualifiers)
    if link.primary_ai == "01" and not qualifiers.keys() - {"22", "10", "21"}:
        prefix = key[1 : 1 + _prefix_length(company_prefix_length, key[1:13])]
        item = key[0] + key[1 + len(prefix) : 13]
        if "21" in qualifiers:
            return f"urn:epc:id:sgtin:{prefix}.{item}.{_escape(qualifiers['21'])}"
        if "10" in qualifiers:
            return f"urn:epc:class:lgtin:{prefix}.{item}.{_escape(qualifiers['10'])}"
        if not qualifiers:
            return f"urn:epc:idpat:sgtin:{prefix}.{item}.*"
    if link.primary_ai == "00":
        prefix = key[1 : 1 + _prefix_length(company_prefix_length, key[1:17])]
        return f"urn:epc:id:sscc:{prefix}.{key[0]}{key[1 + len(prefix) : 17]}"
    if link.primary_ai == "414" and not qualifiers.keys() - {"254"}:
        prefix = key[: _prefix_length(company_prefix_length, key)]
        extension = qualifiers.get("254")
        if extension == "0":
            raise InvalidEpcUrn("reserved-extension", "TDS reserves GLN extension 0 for none", "254")
        return f"urn:epc:id:sgln:{prefix}.{key[len(prefix) : 12]}.{_escape(extension or '0')}"
    raise InvalidEpcUrn("no-epc-equivalent", f"{link.path()} has no EPC URN we write", "path")


def identity_key(link: DigitalLink) -> str:
    """The canonical key of what a Digital Link names: its path, reduced to what identifies it.

    A serial (or a TPX) is unique within its GTIN and a lot is named within its GTIN, so
    ``/01/g/22/c/10/l/21/s`` is the item ``/01/g/21/s``, and ``/01/g/22/c/10/l`` the lot ``/01/g/10/l``;
    a CPV alone stays (``/01/g/22/c``). GLN and SSCC keys keep their whole path.
    """
    if link.primary_ai == "01":
        for ai in ("21", "235", "10", "22"):
            value = link.qualifier(ai)
            if value is not None:
                return DigitalLink("01", link.primary, ((ai, value),)).path()
    return link.path()


def canonical_id(text: str) -> str:
    """One key for an EPC URN, a Digital Link URI on any host, or a bare GTIN: ``/01/{gtin14}/21/{s}``.

    Raises :class:`labels.gs1.identifiers.InvalidIdentifier` (or its Digital Link and EPC subclasses); text
    that is none of the three has rule ``unrecognised``.
    """
    value = text.strip()
    if value.startswith("urn:epc:"):
        return identity_key(epc_urn_to_digital_link(value))
    if value.lower().startswith(("https://", "http://")):
        return identity_key(parse_digital_link(value))
    if _DIGITS.fullmatch(value):
        try:
            return f"/01/{normalise_gtin(value)}"
        except InvalidIdentifier as exc:
            raise InvalidIdentifier(exc.rule, exc.message, "01") from exc
    raise InvalidIdentifier("unrecognised", "not an EPC URN, a GS1 Digital Link URI or a GTIN", "id")


def registered_prefix_lengths(
    prefixes: Iterable[str], fallback: CompanyPrefixLength = DEFAULT_COMPANY_PREFIX_LENGTH
) -> Callable[[str], int]:
    """A company-prefix-length lookup from known prefixes (the registry's enterprises): the longest
    one the key starts with, else ``fallback``."""
    known = sorted({p for p in prefixes if p}, key=len, reverse=True)

    def lookup(digits: str) -> int:
        for prefix in known:
            if digits.startswith(prefix):
                return len(prefix)
        return _prefix_length(fallback, digits)

    return lookup


def gs1_company_prefix_length(digits: str) -> int:
    """The company prefix length GS1's published length table gives (shipped inside ``biip``).

    Raises :class:`labels.gs1.identifiers.InvalidEpcUrn` (rule ``company-prefix``) where the table knows none.
    """
    from biip.gs1_prefixes import GS1CompanyPrefix  # imported here: a large table, rarely needed

    found = GS1CompanyPrefix.extract(digits)
    if found is None:
        raise InvalidEpcUrn("company-prefix", f"GS1's table gives no company prefix for {digits}")
    return len(found.value)


def _prefix_length(source: CompanyPrefixLength, digits: str) -> int:
    length = source if isinstance(source, int) else source(digits)
    if not 6 <= length <= 12:
        raise InvalidEpcUrn("company-prefix", f"an EPC company prefix has 6 to 12 digits, not {length}")
    return length


def _split(body: str, count: int) -> list[str]:
    # The last component may itself hold dots (character set 82 has them, TDS does not escape them).
    parts = body.split(".", count - 1)
    if len(parts) != count or not parts[-1]:
        raise InvalidEpcUrn("syntax", f"expected {count} dot-separated parts", "urn")
    return parts


def _check_key_parts(
    prefix: str, reference: str, total: int, name: str, *, allow_empty: bool = False
) -> None:
    if not 6 <= len(prefix) <= 12 or not _DIGITS.fullmatch(prefix):
        raise InvalidEpcUrn("company-prefix", "an EPC company prefix has 6 to 12 digits", "urn")
    if not (_DIGITS.fullmatch(reference) or allow_empty and not reference):
        raise InvalidEpcUrn("digits", f"the {name} has digits only", "urn")
    if len(prefix) + len(reference) != total:
        raise InvalidEpcUrn("length", f"the company prefix and {name} have {total} digits together", "urn")


def _gtin(prefix: str, item: str) -> str:
    _check_key_parts(prefix, item, 13, "indicator and item reference")
    body = item[0] + prefix + item[1:]
    return body + str(check_digit(body))


def _unescape(component: str, ai: str) -> str:
    if not _COMPONENT.fullmatch(component):
        raise InvalidEpcUrn("escape", f'write " % & / < > ? as %22 %25 %26 %2F %3C %3E %3F in ({ai})', ai)
    value = re.sub(r"%([0-9A-Fa-f]{2})", lambda match: chr(int(match[1], 16)), component)
    if not is_cset82(value):
        raise InvalidEpcUrn("charset", f"({ai}) holds a character outside character set 82", ai)
    return value


def _escape(value: str) -> str:
    return "".join(f"%{ord(char):02X}" if char in _ESCAPED else char for char in value)
