"""GS1 Digital Link URIs: ``https://HOST/01/{gtin}[/22/{cpv}][/10/{lot}][/21/{serial}]?17=YYMMDD``.

Framework-free and shared with ``scanner/``. Parsing follows the GS1 Digital Link URI syntax standard:

1. The scheme is ``https`` or ``http``; any host; a path prefix before the primary key is allowed
   and dropped (``https://example.com/some/prefix/01/...``).
2. The path holds one primary key (``01`` GTIN, ``414`` GLN, ``00`` SSCC) and then only the
   qualifiers that key takes, in the order the syntax dictionary's ``dlpkey`` gives
   (``labels.gs1.application_identifiers``); a qualifier never stands in the query.
3. The query holds data attributes (AIs flagged ``?`` in the dictionary: ``17`` expiry, ``3103`` net
   weight, ...), each at most once; parameters whose name is not all digits (``linkType``, the signed
   claim's fields) are kept apart in ``other``, in order. A ``+`` in the query is a plus, not a space
   (RFC 3986, as the standard uses it).
4. Every value is percent-decoded per path segment or parameter, then checked against its AI: digits,
   length, check digit, dates, character set 82 for lots and serials (at most 20 characters).
5. A GTIN written with 8, 12 or 13 digits becomes 14 digits.

Every refusal is an :class:`labels.gs1.identifiers.InvalidDigitalLink` with a stable ``rule`` and the
``field`` (AI or URI part) at fault, for the resolver's 400 problem document. Convenience short names
(``/gtin/``, ``/ser/``), deprecated by the standard, are not accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from labels.gs1.application_identifiers import AIS, check_value
from labels.gs1.identifiers import InvalidDigitalLink, InvalidIdentifier

DEFAULT_HOST = "id.gs1.org"

_PERCENT_ENCODED = re.compile(r"(?:[^%]|%[0-9A-Fa-f]{2})*")
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?(?::[0-9]{1,5})?")

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DigitalLink:
    """One GS1 Digital Link, checked and normalised when made (directly or by :func:`parse_digital_link`).

    ``qualifiers`` are ``(ai, value)`` pairs in path order; ``attributes`` maps data-attribute AIs to
    values; ``other`` holds the query parameters that are not AIs. Values are decoded (no %-escapes).
    """

    primary_ai: str
    primary: str
    qualifiers: Pairs = ()
    attributes: dict[str, str] = field(default_factory=dict)
    host: str = DEFAULT_HOST
    other: Pairs = ()

    def __post_init__(self) -> None:
        key = AIS.get(self.primary_ai)
        if key is None or not key.is_primary_key:
            raise InvalidDigitalLink(
                "primary-key", f"({self.primary_ai}) is not a primary key we support", "path"
            )
        qualifiers = tuple((ai, value) for ai, value in self.qualifiers)
        _check_qualifier_order(self.primary_ai, [ai for ai, _ in qualifiers])
        path_ais = {self.primary_ai, *(ai for ai, _ in qualifiers)}
        for ai in self.attributes:
            _check_attribute(self.primary_ai, ai, path_ais)
        host = self.host.lower()
        if not _HOST.fullmatch(host):
            raise InvalidDigitalLink("host", f"{self.host!r} is not a host name", "host")
        for name, _ in self.other:
            if name.isdigit():
                raise InvalidDigitalLink("unknown-ai", f"({name}) is an AI: give it as an attribute", name)
        set_field = object.__setattr__  # frozen: normalised once, here
        set_field(self, "primary", _checked(self.primary_ai, self.primary))
        set_field(self, "qualifiers", tuple((ai, _checked(ai, value)) for ai, value in qualifiers))
        set_field(
            self, "attributes", {ai: _checked(ai, self.attributes[ai]) for ai in sorted(self.attributes)}
        )
        set_field(self, "host", host)
        set_field(self, "other", tuple((str(name), str(value)) for name, value in self.other))

    def __hash__(self) -> int:
        return hash(self.uri())  # equal links have equal URIs (attributes are kept sorted)

    def qualifier(self, ai: str) -> str | None:
        """The value of qualifier ``ai`` (``"10"`` lot, ``"21"`` serial), or ``None``."""
        return dict(self.qualifiers).get(ai)

    def path(self) -> str:
        """The path: primary key and qualifiers in order, values percent-encoded; no query."""
        pairs = ((self.primary_ai, self.primary), *self.qualifiers)
        return "".join(f"/{ai}/{quote(value, safe='')}" for ai, value in pairs)

    def canonical(self, host: str | None = None) -> str:
        """The canonical URI on ``host`` (default: this link's): https, GTIN-14, ordered path, no query."""
        return f"https://{(host or self.host).lower()}{self.path()}"

    def query(self) -> str:
        """The query string: data attributes by AI, then the other parameters as given."""
        encoded = [(ai, quote(value, safe="")) for ai, value in self.attributes.items()]
        # Other parameters keep ":" readable (linkType=gs1:pip); RFC 3986 allows it in a query.
        encoded += [(quote(name, safe=":"), quote(value, safe=":")) for name, value in self.other]
        return "&".join(f"{name}={value}" for name, value in encoded)

    def uri(self) -> str:
        """The whole URI on this link's host, with its query."""
        query = self.query()
        return self.canonical() + (f"?{query}" if query else "")


def parse_digital_link(text: str) -> DigitalLink:
    """Parse and check a GS1 Digital Link URI (see the module's rules); raises ``InvalidDigitalLink``."""
    try:
        parts = urlsplit(text.strip())
    except ValueError as exc:
        raise InvalidDigitalLink("syntax", f"not a URI: {exc}", "uri") from exc
    if parts.scheme.lower() not in ("https", "http"):
        raise InvalidDigitalLink("scheme", "a Digital Link URI starts with https:// or http://", "scheme")
    if "@" in parts.netloc or not parts.netloc:
        raise InvalidDigitalLink("host", "a Digital Link URI names a host and no user", "host")
    segments = parts.path.split("/")[1:]
    if not segments or "" in segments:
        raise InvalidDigitalLink("path", "the path has an empty segment or none at all", "path")
    start = _primary_key_index(segments)
    values = [_decode(segment, "path") for segment in segments[start + 1 :: 2]]
    ais = segments[start::2]
    attributes: dict[str, str] = {}
    other: list[tuple[str, str]] = []
    for parameter in filter(None, parts.query.split("&")):
        raw_name, _, raw_value = parameter.partition("=")
        name = _decode(raw_name, "query")
        value = _decode(raw_value, name)
        if not name.isdigit():
            other.append((name, value))
        elif name in attributes:
            raise InvalidDigitalLink("duplicate-ai", f"({name}) appears twice in the query", name)
        else:
            attributes[name] = value
    return DigitalLink(
        primary_ai=ais[0],
        primary=values[0],
        qualifiers=tuple(zip(ais[1:], values[1:], strict=True)),
        attributes=attributes,
        host=parts.netloc,
        other=tuple(other),
    )


def _primary_key_index(segments: list[str]) -> int:
    # The first supported primary key that leaves an even number of segments (key/value pairs);
    # whatever comes before it is the host's own path prefix.
    for index, segment in enumerate(segments):
        row = AIS.get(segment)
        if row is not None and row.is_primary_key and (len(segments) - index) % 2 == 0:
            return index
    keys = ", ".join(ai for ai, row in AIS.items() if row.is_primary_key)
    raise InvalidDigitalLink(
        "primary-key", f"the path holds no primary key we support ({keys}) with its value", "path"
    )


def _decode(raw: str, where: str) -> str:
    if not _PERCENT_ENCODED.fullmatch(raw):
        raise InvalidDigitalLink("percent-encoding", "a % must start a %XX escape", where)
    try:
        return unquote(raw, errors="strict")
    except UnicodeDecodeError as exc:
        raise InvalidDigitalLink("percent-encoding", "the escapes are not UTF-8", where) from exc


def _checked(ai: str, value: str) -> str:
    try:
        return check_value(ai, value)
    except InvalidIdentifier as exc:
        raise InvalidDigitalLink(exc.rule, exc.message, ai) from exc


def _describe(sequences: tuple[tuple[str, ...], ...]) -> str:
    return " or ".join("/".join(sequence) for sequence in sequences if sequence) or "none"


def _check_qualifier_order(primary_ai: str, ais: list[str]) -> None:
    sequences = AIS[primary_ai].qualifier_sequences or ((),)
    for ai in ais:
        if ai not in AIS[primary_ai].qualifiers:
            raise InvalidDigitalLink(
                "qualifier-not-allowed",
                f"({primary_ai}) takes the qualifiers {_describe(sequences)}, not ({ai})",
                ai,
            )
    if not ais:
        return
    sequence = next(s for s in sequences if ais[0] in s)  # alternatives share no AI
    position = -1
    for ai in ais:
        index = sequence.index(ai) if ai in sequence else -1
        if index <= position:
            raise InvalidDigitalLink(
                "qualifier-order",
                f"after ({primary_ai}) the qualifiers go in the order {_describe(sequences)}, "
                "each at most once, one alternative only",
                ai,
            )
        position = index


def _check_attribute(primary_ai: str, ai: str, path_ais: set[str]) -> None:
    row = AIS.get(ai)
    if ai in AIS[primary_ai].qualifiers:
        raise InvalidDigitalLink(
            "qualifier-in-query", f"({ai}) qualifies ({primary_ai}): put it in the path", ai
        )
    if ai in path_ais:
        raise InvalidDigitalLink("duplicate-ai", f"({ai}) is already in the path", ai)
    if row is None:
        raise InvalidDigitalLink("unknown-ai", f"({ai}) is not an application identifier we support", ai)
    if not row.data_attribute:
        raise InvalidDigitalLink("attribute-not-allowed", f"({ai}) {row.title} is not a data attribute", ai)
