"""Canonical JSON (RFC 8785, the JSON Canonicalization Scheme): the bytes that get hashed and signed.

Framework-free and shared with ``scanner/``. Two parties that agree on a JSON value agree on these bytes,
whatever order or spacing either of them serialised it with.
"""

from __future__ import annotations

import rfc8785

#: Raised for values JCS cannot represent: NaN and infinities, integers beyond +-(2**53 - 1),
#: non-string object keys, lone surrogates, and types that are not JSON. A ``ValueError``.
CanonicalizationError = rfc8785.CanonicalizationError


def canonical_json(value: object) -> bytes:
    """The RFC 8785 serialisation of ``value`` (UTF-8, no trailing newline)."""
    return rfc8785.dumps(value)
