"""canonical_json: its fast path (the standard library's encoder) writes exactly what ``rfc8785`` writes.

The conformance vectors (``tests/conformance/test_jcs.py``) pin RFC 8785 itself; here every generated
JSON value, tricky strings and keys included, must come out byte for byte as the reference package
writes it, or be refused by both. The bytes ``labels.trust.signing.secure`` splices together for the log
are held to the same standard.
"""

from __future__ import annotations

import collections
import enum
import math

import pytest
import rfc8785
from hypothesis import example, given, settings
from hypothesis import strategies as st

from labels.trust.canonical import CanonicalizationError, _plain, canonical_json, plain_copy
from labels.trust.keys import generate_private_key
from labels.trust.signing import add_proof, secure
from labels.trust.signing_errors import ProofGenerationError

MAX_INTEGER = 2**53 - 1

# Characters where the two encoders or the two key orders could part: every escaped control
# character, the quote and backslash, DEL, the JavaScript line separators, the edges of the BMP
# blocks on either side of the surrogates, and characters that UTF-16 writes as surrogate pairs.
TRICKY = [chr(c) for c in range(0x20)] + [
    '"',
    "\\",
    "/",
    "\x7f",
    "\x80",
    "\xa0",
    "é",
    "ñ",
    "ệ",
    "\u2028",
    "\u2029",
    "\ud7ff",
    "\ue000",
    "\uf8ff",
    "\ufb01",
    "\ufeff",
    "\uffff",
    "\U00010000",
    "\U0001f600",
    "\U0010ffff",
]
LONE_SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]

tricky_text = st.text(st.sampled_from(TRICKY) | st.characters(exclude_categories=["Cs"]), max_size=12)
# Keys that sort alike by code points and by UTF-16: what the fast path takes.
plain_keys = st.text(
    st.sampled_from([c for c in TRICKY if c < "\ue000"])
    | st.characters(max_codepoint=0xD7FF, exclude_categories=["Cs"]),
    max_size=8,
)
safe_integers = st.integers(min_value=-MAX_INTEGER, max_value=MAX_INTEGER)


def json_values(keys, text, numbers):
    scalars = st.none() | st.booleans() | numbers | text
    return st.recursive(
        scalars,
        lambda children: st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=6),
        max_leaves=25,
    )


# What the fast path takes: no floats, integers in range, keys below U+E000.
plain_values = json_values(plain_keys, tricky_text, safe_integers | st.sampled_from([0, 1, -1]))
# Anything JSON-shaped, floats, huge integers and keys from U+E000 up included.
any_values = json_values(
    tricky_text,
    tricky_text,
    st.integers() | st.floats(allow_nan=False) | st.sampled_from([2**53, -(2**53), 2**64, 1e21, 5e-324]),
)
# ... and lone surrogates, in keys or strings, which neither may encode.
surrogate_text = st.text(st.sampled_from(LONE_SURROGATES + TRICKY), min_size=1, max_size=6).filter(
    lambda text: any(c in text for c in LONE_SURROGATES)
)
with_surrogates = json_values(surrogate_text | tricky_text, surrogate_text | tricky_text, safe_integers)


def reference(value: object) -> bytes | type[Exception]:
    """What ``rfc8785`` writes, or ValueError if it refuses (it also lets UnicodeEncodeError out)."""
    try:
        return rfc8785.dumps(value)
    except ValueError:
        return ValueError


def ours(value: object, plain: bool | None = None) -> bytes | type[Exception]:
    try:
        return canonical_json(value, plain)
    except CanonicalizationError:
        return ValueError


@settings(max_examples=600, deadline=None)
@given(plain_values)
@example({"b": 1, "a": [True, False, None, "\u2028\x00\x1f\x7f"], "": {}})
@example(["\U0001f600", {"\ud7ff": 1, "a": 2, "\x00": 3}])
def test_fast_path_writes_what_rfc8785_writes(value):
    assert _plain(value)
    assert canonical_json(value) == rfc8785.dumps(value)


@settings(max_examples=600, deadline=None)
@given(any_values)
@example({"\ue000": 1, "\U0001f600": 2})
@example({"\uffff": [1.5, 2**53]})
@example([MAX_INTEGER, -MAX_INTEGER, MAX_INTEGER + 1])
def test_any_value_canonicalises_as_rfc8785_does_or_is_refused_by_both(value):
    assert ours(value) == reference(value)


def containers(value: object) -> list[int]:
    if isinstance(value, dict):
        return [id(value), *(i for item in value.values() for i in containers(item))]
    if isinstance(value, list):
        return [id(value), *(i for item in value for i in containers(item))]
    return []


@settings(max_examples=600, deadline=None)
@given(any_values)
@example({"a": [1, {"b": 2**53}], "c": (1, 2)})
@example([{"\ue000": 1}, 1.5])
def test_plain_copy_is_an_equal_unshared_copy_and_the_plain_check_in_one_walk(value):
    copied, plain = plain_copy(value)
    assert copied == value and plain is _plain(value)
    assert not set(containers(copied)) & set(containers(value))
    assert ours(copied, plain) == ours(value)


@settings(max_examples=300, deadline=None)
@given(with_surrogates)
def test_lone_surrogates_are_refused_wherever_they_are(value):
    assert ours(value) == reference(value)
    if has_lone_surrogate(value):
        with pytest.raises(CanonicalizationError):
            canonical_json(value)


def has_lone_surrogate(value: object) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= c <= "\udfff" for c in value)
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    return isinstance(value, list) and any(has_lone_surrogate(item) for item in value)


def test_keys_sort_by_utf16_code_units_not_code_points():
    # U+1F600 is D83D DE00 in UTF-16, so it sorts before U+E000; by code point it would come after.
    value = {"\ue000": 1, "\U0001f600": 2, "a": 3}
    assert not _plain(value)
    assert canonical_json(value) == '{"a":3,"\U0001f600":2,"\ue000":1}'.encode()
    assert canonical_json(value) == rfc8785.dumps(value)


@pytest.mark.parametrize(
    "value",
    [2**53, -(2**53), 10**30, {"n": 2**53}, [MAX_INTEGER + 1], math.nan, math.inf, [-math.inf]],
)
def test_numbers_jcs_cannot_hold_are_refused(value):
    with pytest.raises(CanonicalizationError):
        canonical_json(value)


@pytest.mark.parametrize(
    "value",
    ["\ud800", ["a\udfffb"], {"\udc00": 1}, {"k": {"\ud800x": "y"}}, {"\ud83d": 1, "a": 2}],
)
def test_lone_surrogates_are_refused(value):
    with pytest.raises(CanonicalizationError):
        canonical_json(value)


class Colour(enum.IntEnum):
    RED = 1


class Text(str):
    pass


@pytest.mark.parametrize(
    "value",
    [
        Colour.RED,
        [Colour.RED],
        collections.OrderedDict([("b", 1), ("a", 2)]),
        {"a": Text("x")},
        (1, "two", None),
        {"x": 0.1, "y": 1e21, "z": 1e-7, "w": -0.0, "v": 5.0},
    ],
)
def test_values_outside_the_fast_path_match_rfc8785(value):
    assert canonical_json(value) == rfc8785.dumps(value)


@pytest.mark.parametrize("value", [{1: "a"}, {None: 1}, {b"k": 1}, b"bytes", {1, 2}, object()])
def test_what_is_not_json_is_refused(value):
    assert not _plain(value)
    with pytest.raises(CanonicalizationError):
        canonical_json(value)


def test_a_credential_shaped_value_takes_the_fast_path():
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "EPCISEventReceipt"],
        "issuer": {"id": "https://ecoreg.example", "name": "Sở Công Thương tỉnh Đồng Nai"},
        "credentialSubject": {"id": "ni:///sha-256;00?ver=CBV2.0", "version": 1, "passed": True},
    }
    assert _plain(credential)
    assert canonical_json(credential) == rfc8785.dumps(credential)


@pytest.fixture(scope="module")
def private_key():
    return generate_private_key()


# Top-level keys on both sides of "proof" (where secure() splices), and right next to it.
document_keys = st.sampled_from(
    ["@context", "id", "pro", "proof0", "proofs", "prooe", "type", "zz", "é", "\U0001f600"]
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(document_keys | plain_keys, any_values, max_size=6))
@example({})
@example({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"]})
def test_secure_gives_the_canonical_bytes_of_what_add_proof_gives(private_key, document):
    method, created = "https://ecoreg.example/.well-known/jwks.json#k1", "2026-11-23T08:00:00Z"
    try:
        expected = add_proof(document, private_key, method, created)
    except ProofGenerationError:  # refused alike by both
        with pytest.raises(ProofGenerationError):
            secure(document, private_key, method, created)
        return
    signed, data = secure(document, private_key, method, created)
    assert signed == expected  # Ed25519 signatures are deterministic
    assert data == rfc8785.dumps(signed) == canonical_json(signed)
