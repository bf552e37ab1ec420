"""Canonical JSON (RFC 8785, the JSON Canonicalization Scheme): the bytes that get hashed and signed.

Framework-free and shared with ``scanner/``. Two parties that agree on a JSON value agree on these bytes,
whatever order or spacing either of them serialised it with.

Most values the registry signs (credentials, receipts, proof options) are strings, whole numbers,
booleans, nulls, lists and objects with ASCII keys. For those, the standard library's C encoder
(``json.dumps`` with sorted keys, no spaces, no ASCII escaping) writes exactly the RFC 8785 bytes, four
to five times faster than the pure-Python ``rfc8785`` package, the check below included:

* strings: both escape ``"``, ``\\`` and U+0000 to U+001F alone, with the short forms ``\\b \\f \\n \\r
  \\t`` and ``\\u00xx`` in lower-case hex otherwise, and leave every other character (U+007F, U+2028,
  non-BMP characters) as UTF-8; a lone surrogate cannot be encoded as UTF-8, which both refuse;
* whole numbers within +-(2**53 - 1) are their decimal digits in both;
* object keys: RFC 8785 sorts them by UTF-16 code units, ``json`` by code points. The two orders
  differ only where one key has a character above U+FFFF (two surrogate code units, 0xD800 and up) and
  another has, at the same place, a character from U+E000 to U+FFFF. Keys without characters from
  U+E000 up sort alike.

Anything else (a float, a larger integer, a key from U+E000 up, a type that is not plain JSON) goes to
``rfc8785``, which formats floats the ECMAScript way and raises for what JCS cannot hold.
``tests/unit/labels/trust/test_canonical.py`` compares both paths on generated values.
"""

from __future__ import annotations

import copy
import json

import rfc8785

#: Raised for values JCS cannot represent: NaN and infinities, integers beyond +-(2**53 - 1),
#: non-string object keys, lone surrogates, and types that are not JSON. A ``ValueError``.
CanonicalizationError = rfc8785.CanonicalizationError

_MAX_INTEGER = 2**53 - 1
# Characters from here up may sort differently by UTF-16 code units than by code points.
_SORTS_ALIKE_BELOW = "\ue000"
_encode = json.JSONEncoder(
    ensure_ascii=False, check_circular=False, allow_nan=False, sort_keys=True, separators=(",", ":")
).encode


def canonical_json(value: object, plain: bool | None = None) -> bytes:
    """The RFC 8785 serialisation of ``value`` (UTF-8, no trailing newline).

    ``plain=True`` says the caller knows the value is plain (:func:`plain_copy` said so), which spares
    the check; anything else has it checked here.
    """
    if plain is True or _plain(value):
        try:
            return _encode(value).encode("utf-8")
        except UnicodeEncodeError as exc:  # a lone surrogate
            raise CanonicalizationError("input contains non-UTF-8 codepoints") from exc
    try:
        return rfc8785.dumps(value)
    except UnicodeEncodeError as exc:  # rfc8785 lets a lone surrogate in a key escape as this
        raise CanonicalizationError("input contains non-UTF-8 codepoints") from exc


def _plain(value: object) -> bool:
    """Whether ``json`` writes ``value`` exactly as RFC 8785 does (see the module's docstring).

    Exact types only: a subclass (an ``IntEnum``, an ``OrderedDict``) may serialise differently. The
    leaves are checked inline, without a call each: this walk costs a third of the fast path.
    """
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or max(key) < _SORTS_ALIKE_BELOW):
                return False
            kind = type(item)
            if kind is str or kind is bool or item is None:
                continue
            if kind is int:
                if -_MAX_INTEGER <= item <= _MAX_INTEGER:
                    continue
                return False
            if not _plain(item):
                return False
        return True
    if kind is list or kind is tuple:
        for item in value:
            kind = type(item)
            if kind is str or kind is bool or item is None:
                continue
            if kind is int:
                if -_MAX_INTEGER <= item <= _MAX_INTEGER:
                    continue
                return False
            if not _plain(item):
                return False
        return True
    if kind is str or kind is bool or value is None:
        return True
    if kind is int:
        return -_MAX_INTEGER <= value <= _MAX_INTEGER
    return False


_IMMUTABLE = frozenset({str, int, float, bool, type(None)})


def plain_copy(value: object) -> tuple[object, bool]:
    """A deep copy of a JSON value and whether it is plain (as :func:`canonical_json` decides), in one
    walk: signing needs both, and the two walks were a tenth of signing a record.

    Plain dicts and lists are rebuilt and immutable leaves shared; anything else (a tuple, a subclass,
    an object that is not JSON) is left to ``copy.deepcopy`` and checked on its own. Unlike
    ``deepcopy``, an object that appears twice in the value is copied twice: the copies are equal, only
    no longer the same.
    """
    kind = type(value)
    if kind is dict:
        plain, copied = True, {}
        for key, item in value.items():
            if plain and (type(key) is not str or not (key.isascii() or max(key) < _SORTS_ALIKE_BELOW)):
                plain = False
            kind = type(item)
            if kind is str or kind is bool or item is None:
                copied[key] = item
            elif kind is int:
                copied[key] = item
                plain = plain and -_MAX_INTEGER <= item <= _MAX_INTEGER
            else:
                copied[key], item_plain = plain_copy(item)
                plain = plain and item_plain
        return copied, plain
    if kind is list:
        plain, copied = True, []
        for item in value:
            kind = type(item)
            if kind is str or kind is bool or item is None:
                copied.append(item)
            elif kind is int:
                copied.append(item)
                plain = plain and -_MAX_INTEGER <= item <= _MAX_INTEGER
            else:
                item, item_plain = plain_copy(item)
                copied.append(item)
                plain = plain and item_plain
        return copied, plain
    if kind in _IMMUTABLE:
        return value, _plain(value)
    return copy.deepcopy(value), _plain(value)
