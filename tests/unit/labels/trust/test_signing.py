import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from labels.trust.keys import (
    decode_multibase,
    decode_public_multikey,
    decode_secret_multikey,
    encode_multibase,
    encode_public_multikey,
    encode_secret_multikey,
    generate_private_key,
    private_key_bytes,
    public_key_bytes,
    public_key_from_jwk,
    public_key_to_jwk,
)
from labels.trust.signing import add_proof, is_datetime_stamp, verify_proof
from labels.trust.signing_errors import (
    ContextMismatch,
    InvalidSignature,
    KeyEncodingError,
    MalformedProof,
    ProofGenerationError,
    UnknownKey,
    VerificationError,
    WrongProofPurpose,
)

# RFC 8032 section 7.1, test 1; RFC 8037 appendix A uses the same key for its OKP JWK example.
RFC8032_SECRET = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8037_JWK = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}

METHOD = "https://registry.example/issuers/dong-nai#key-2026"
CREATED = "2026-11-23T08:00:00Z"


@pytest.fixture(scope="module")
def private_key():
    return generate_private_key()


@pytest.fixture(scope="module")
def resolve_key(private_key):
    return {METHOD: private_key.public_key()}.__getitem__


@pytest.fixture
def label():
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://registry.example/ns/labels/v1"],
        "type": ["VerifiableCredential", "EcoLabelCredential"],
        "issuer": "https://registry.example/issuers/dong-nai",
        "validFrom": "2026-11-23T00:00:00Z",
        "credentialSubject": {"gtin": "08935049500018", "label": "green", "labelNumber": "DN-G-2026-0001"},
    }


@pytest.fixture
def secured(label, private_key):
    return add_proof(label, private_key, METHOD, CREATED)


# --- key encodings ----------------------------------------------------------------------------------


def test_rfc8032_key_gives_the_rfc8037_jwk():
    key = Ed25519PrivateKey.from_private_bytes(RFC8032_SECRET)
    assert public_key_bytes(key) == RFC8032_PUBLIC
    assert public_key_to_jwk(key) == RFC8037_JWK
    assert public_key_bytes(public_key_from_jwk(RFC8037_JWK)) == RFC8032_PUBLIC


def test_public_multikey_round_trips(private_key):
    multikey = encode_public_multikey(private_key.public_key())
    assert multikey.startswith("z6Mk")
    assert public_key_bytes(decode_public_multikey(multikey)) == public_key_bytes(private_key)


def test_secret_multikey_round_trips(private_key):
    multikey = encode_secret_multikey(private_key)
    assert multikey.startswith("z3u2")
    assert private_key_bytes(decode_secret_multikey(multikey)) == private_key_bytes(private_key)


def test_jwk_round_trips_and_ignores_other_members(private_key):
    jwk = public_key_to_jwk(private_key)
    assert set(jwk) == {"kty", "crv", "x"} and len(jwk["x"]) == 43
    published = jwk | {"kid": "key-2026", "use": "sig", "alg": "EdDSA"}
    assert public_key_bytes(public_key_from_jwk(published)) == public_key_bytes(private_key)


def test_multibase_round_trips_leading_zero_bytes():
    assert decode_multibase(encode_multibase(b"\x00\x00\x01")) == b"\x00\x00\x01"


@pytest.mark.parametrize(
    "text",
    ["", "z", "u2NEpo7TZRRrLZSi2U", "z2NEpo7TZRRrLZSi2U\n", "z0OIl", "z2NEpo7TZRRrLZSi2é", None],
)
def test_multibase_other_than_plain_base58btc_is_refused(text):
    with pytest.raises(ValueError):
        decode_multibase(text)


def test_secret_multikey_is_not_a_public_key(private_key):
    with pytest.raises(KeyEncodingError, match="public"):
        decode_public_multikey(encode_secret_multikey(private_key))


def test_public_multikey_is_not_a_secret_key(private_key):
    with pytest.raises(KeyEncodingError, match="secret"):
        decode_secret_multikey(encode_public_multikey(private_key))


@pytest.mark.parametrize(
    "body",
    [b"\xed\x01" + bytes(31), b"\xed\x01" + bytes(33), b"\xec\x01" + bytes(32), b"\xed" + bytes(32)],
    ids=["short", "long", "other-codec", "truncated-varint"],
)
def test_public_multikey_of_wrong_shape_is_refused(body):
    with pytest.raises(KeyEncodingError):
        decode_public_multikey(encode_multibase(body))


def test_public_multikey_in_another_base_is_refused(private_key):
    with pytest.raises(KeyEncodingError):
        decode_public_multikey("u" + encode_public_multikey(private_key)[1:])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kty": "EC"}, "Ed25519"),
        ({"crv": "X25519"}, "Ed25519"),
        ({"d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}, "private"),
        ({"x": RFC8037_JWK["x"] + "="}, "base64url"),
        ({"x": RFC8037_JWK["x"][:-1]}, "base64url"),
        ({"x": RFC8037_JWK["x"].replace("_", "/")}, "base64url"),
        ({"x": RFC8037_JWK["x"][:-1] + "p"}, "canonical"),  # same bytes, non-zero padding bits
        ({"x": None}, "base64url"),
    ],
)
def test_bad_jwks_are_refused(change, message):
    with pytest.raises(KeyEncodingError, match=message):
        public_key_from_jwk(RFC8037_JWK | change)


def test_jwk_must_be_an_object():
    with pytest.raises(KeyEncodingError):
        public_key_from_jwk('{"kty": "OKP"}')


# --- created -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["2023-02-24T23:36:38Z", "2023-02-24T23:36:38.123+07:00", "2024-02-29T00:00:00-14:00"]
)
def test_datetime_stamps_are_accepted(value):
    assert is_datetime_stamp(value)


@pytest.mark.parametrize(
    "value",
    [
        "2023-02-24T23:36:38",
        "2023-02-24 23:36:38Z",
        "2023-02-30T00:00:00Z",
        "2023-02-24",
        "2023-13-01T00:00:00Z",
    ],
)
def test_other_times_are_not_datetime_stamps(value):
    assert not is_datetime_stamp(value)


# --- add_proof ---------------------------------------------------------------------------------------


def test_add_proof_signs_a_copy_and_verifies(label, private_key, resolve_key):
    before = repr(label)
    secured = add_proof(label, private_key, METHOD, CREATED)
    assert repr(label) == before
    assert secured["proof"]["@context"] == label["@context"]
    assert verify_proof(secured, resolve_key) is None


def test_signed_document_does_not_share_state_with_the_callers(label, private_key, resolve_key):
    secured = add_proof(label, private_key, METHOD, CREATED)
    label["credentialSubject"]["label"] = "carbon"
    label["@context"].append("https://vc.example/later/v1")
    verify_proof(secured, resolve_key)


def test_document_without_context_is_signed_without_one(label, private_key, resolve_key):
    del label["@context"]
    secured = add_proof(label, private_key, METHOD, CREATED)
    assert "@context" not in secured["proof"]
    verify_proof(secured, resolve_key)


def test_context_given_as_one_string_round_trips(label, private_key, resolve_key):
    label["@context"] = "https://www.w3.org/ns/credentials/v2"
    verify_proof(add_proof(label, private_key, METHOD, CREATED), resolve_key)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"created": "2026-11-23T08:00:00"}, "dateTimeStamp"),
        ({"created": None}, "dateTimeStamp"),
        ({"verification_method": ""}, "verification_method"),
        ({"proof_purpose": None}, "proof_purpose"),
    ],
)
def test_add_proof_refuses_bad_options(label, private_key, arguments, message):
    options = {"verification_method": METHOD, "created": CREATED} | arguments
    with pytest.raises(ProofGenerationError, match=message):
        add_proof(label, private_key, **options)


def test_add_proof_refuses_a_document_that_already_has_a_proof(secured, private_key):
    with pytest.raises(ProofGenerationError, match="already carries a proof"):
        add_proof(secured, private_key, METHOD, CREATED)


def test_add_proof_refuses_values_canonical_json_cannot_hold(label, private_key):
    label["credentialSubject"]["serials"] = 2**60  # beyond the I-JSON integer range
    with pytest.raises(ProofGenerationError, match="canonical JSON"):
        add_proof(label, private_key, METHOD, CREATED)


# --- verify_proof ------------------------------------------------------------------------------------


def test_every_refusal_is_a_verification_error():
    for refusal in (MalformedProof, WrongProofPurpose, ContextMismatch, UnknownKey, InvalidSignature):
        assert issubclass(refusal, VerificationError)


@pytest.mark.parametrize("field", ["type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue"])
def test_proof_missing_a_required_field_is_malformed(secured, resolve_key, field):
    del secured["proof"][field]
    with pytest.raises(MalformedProof, match=field):
        verify_proof(secured, resolve_key)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("type", "Ed25519Signature2020"),
        ("cryptosuite", "eddsa-rdfc-2022"),
        ("cryptosuite", "ecdsa-jcs-2019"),
        ("created", "yesterday"),
        ("verificationMethod", ["did:example:1#k"]),
        ("proofValue", "u" + "A" * 86),
        ("proofValue", "z" + "1" * 20),
    ],
)
def test_proof_of_wrong_kind_or_shape_is_malformed(secured, resolve_key, field, value):
    secured["proof"][field] = value
    with pytest.raises(MalformedProof):
        verify_proof(secured, resolve_key)


@pytest.mark.parametrize(
    "proof", [None, "z3abc", [{"type": "DataIntegrityProof"}]], ids=["none", "str", "set"]
)
def test_document_without_a_single_proof_object_is_malformed(secured, resolve_key, proof):
    secured["proof"] = proof
    with pytest.raises(MalformedProof):
        verify_proof(secured, resolve_key)


def test_document_that_is_not_an_object_is_malformed(resolve_key):
    with pytest.raises(MalformedProof):
        verify_proof([], resolve_key)


def test_proof_for_another_purpose_is_refused(label, private_key, resolve_key):
    secured = add_proof(label, private_key, METHOD, CREATED, proof_purpose="authentication")
    with pytest.raises(WrongProofPurpose):
        verify_proof(secured, resolve_key)
    verify_proof(secured, resolve_key, proof_purpose="authentication")


def test_changed_proof_purpose_with_matching_expectation_fails_the_signature(secured, resolve_key):
    secured["proof"]["proofPurpose"] = "authentication"
    with pytest.raises(InvalidSignature):
        verify_proof(secured, resolve_key, proof_purpose="authentication")


def test_signature_by_another_key_is_invalid(label, resolve_key):
    forged = add_proof(label, generate_private_key(), METHOD, CREATED)
    with pytest.raises(InvalidSignature):
        verify_proof(forged, resolve_key)


def test_document_missing_its_context_does_not_match_the_proofs(secured, resolve_key):
    del secured["@context"]
    with pytest.raises(ContextMismatch):
        verify_proof(secured, resolve_key)


def test_unknown_verification_method_is_unknown_key(secured):
    with pytest.raises(UnknownKey):
        verify_proof(secured, {}.__getitem__)


def test_resolver_that_cannot_decode_its_key_gives_unknown_key(secured):
    with pytest.raises(UnknownKey):
        verify_proof(secured, lambda method: decode_public_multikey("z6MkNotAKey"))


@pytest.mark.parametrize(
    "wrong_key",
    [lambda: X25519PrivateKey.generate().public_key(), generate_private_key, lambda: b"\x00" * 32],
    ids=["x25519", "private-key", "raw-bytes"],
)
def test_resolver_returning_no_ed25519_public_key_gives_unknown_key(secured, wrong_key):
    key = wrong_key()
    with pytest.raises(UnknownKey):
        verify_proof(secured, lambda method: key)


def test_document_canonical_json_cannot_hold_is_malformed(secured, resolve_key):
    secured["credentialSubject"]["weight"] = float("nan")
    with pytest.raises(MalformedProof):
        verify_proof(secured, resolve_key)


def test_signing_core_loads_no_framework():
    # A fresh interpreter: this one has Flask and SQLAlchemy loaded already by the suite's conftest.
    code = (
        "import sys, labels.trust.canonical, labels.trust.keys, labels.trust.signing, "
        "labels.trust.signing_errors; "
        "print(sorted(m for m in ('sqlalchemy', 'flask', 'models', 'app') if m in sys.modules))"
    )
    project_root = Path(__file__).resolve().parents[4]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=project_root
    )
    assert result.stdout.strip() == "[]"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=80), st.integers(min_value=0, max_value=4))
def test_base58_by_hand_is_the_base58_package_both_ways(data, zeros):
    import base58

    from labels.trust.keys import b58decode, b58encode

    data = bytes(zeros) + data
    text = base58.b58encode(data).decode("ascii")
    assert b58encode(data) == text
    assert b58decode(text) == data
    if text:
        assert decode_multibase("z" + text) == data
