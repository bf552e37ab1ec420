"""Data Integrity proofs with the ``eddsa-jcs-2022`` cryptosuite: sign and verify Verifiable Credentials.

Implements section 3.3 of W3C *Data Integrity EdDSA Cryptosuites v1.0* (Recommendation, 15 May 2025) and
the checks of *Verifiable Credential Data Integrity 1.0* that a single proof needs. Framework-free: the
server signs with it and the offline verifier (``scanner/``) checks with it. In short::

    proof      = {type, cryptosuite, created, verificationMethod, proofPurpose, @context of the document}
    hashData   = SHA-256(JCS(proof)) || SHA-256(JCS(document without its proof))
    proofValue = "z" + base58btc(Ed25519 signature over hashData)

The ``@context`` copied into the proof is what binds a proof to the contexts it was made under: a
verifier hashes the document with the *proof's* ``@context``, after checking that the document's
``@context`` starts with it (spec 3.3.2, step 4). Contexts appended after signing are therefore allowed
by the spec and are not covered by the signature; any other change to ``@context`` is refused.

Not supported, and refused rather than half-checked: proof sets and chains (a ``proof`` array, signing a
document that already carries a proof). Checking ``expires``, ``domain`` or ``challenge``, and whether the
verification method may speak for the issuer, is the caller's (the key resolver's) business.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature as _BadEd25519Signature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from labels.trust.canonical import CanonicalizationError, canonical_json, plain_copy
from labels.trust.keys import decode_multibase, encode_multibase
from labels.trust.signing_errors import (
    ContextMismatch,
    InvalidSignature,
    KeyEncodingError,
    MalformedProof,
    ProofGenerationError,
    SignatureError,
    UnknownKey,
    WrongProofPurpose,
)

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
ASSERTION_METHOD = "assertionMethod"
SIGNATURE_LENGTH = 64

#: The proof fields without which a proof cannot be checked (Data Integrity 4.3 and spec 3.3.2).
REQUIRED_PROOF_FIELDS = ("type", "cryptosuite", "verificationMethod", "proofPurpose", "proofValue")

#: ``resolve_key(verification_method)`` -> the Ed25519 public key, or raise UnknownKey / LookupError.
KeyResolver = Callable[[str], Ed25519PublicKey]

# XML Schema 1.1 dateTimeStamp: a dateTime whose time zone is mandatory (Data Integrity 1.0, "created").
_DATETIME_STAMP = re.compile(
    r"-?(?P<year>[1-9][0-9]{3,}|0[0-9]{3})-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12][0-9]|3[01])"
    r"T(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?|24:00:00(?:\.0+)?)"
    r"(?:Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))"
)


def is_datetime_stamp(value: object) -> bool:
    """Whether ``value`` is an XML Schema dateTimeStamp such as ``2023-02-24T23:36:38Z``."""
    match = _DATETIME_STAMP.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return False
    year, month, day = (int(match[part]) for part in ("year", "month", "day"))
    # XML Schema's year 0000 is 1 BCE, a leap year, which is what calendar.isleap(0) says too.
    days_in_month = 29 if month == 2 and calendar.isleap(year) else calendar.mdays[month]
    return day <= days_in_month


# --- the cryptosuite's building blocks (spec 3.3.3 to 3.3.5) ----------------------------------------


def transform(unsecured_document: dict) -> bytes:
    """3.3.3 Transformation: the JCS bytes of the document without its proof."""
    return canonical_json(unsecured_document)


def proof_configuration(proof_options: dict) -> bytes:
    """3.3.5 Proof Configuration: the JCS bytes of the proof options (``@context`` included, no value).

    Raises :class:`ProofGenerationError` for another type or cryptosuite, or a ``created`` that is not
    a dateTimeStamp.
    """
    if proof_options.get("type") != PROOF_TYPE or proof_options.get("cryptosuite") != CRYPTOSUITE:
        raise ProofGenerationError(f'a proof configuration needs type "{PROOF_TYPE}" and "{CRYPTOSUITE}"')
    if "created" in proof_options and not is_datetime_stamp(proof_options["created"]):
        raise ProofGenerationError('"created" must be a dateTimeStamp such as 2023-02-24T23:36:38Z')
    return canonical_json(proof_options)


def hash_data(transformed_document: bytes, canonical_proof_config: bytes) -> bytes:
    """3.3.4 Hashing: SHA-256 of the proof configuration, then SHA-256 of the document (64 bytes)."""
    return hashlib.sha256(canonical_proof_config).digest() + hashlib.sha256(transformed_document).digest()


# --- Add Proof (spec 3.3.1) -------------------------------------------------------------------------


def add_proof(
    document: dict,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict:
    """A copy of ``document`` secured by an ``eddsa-jcs-2022`` proof; ``document`` is left untouched.

    ``verification_method`` is the URL verifiers resolve to the public key; ``created`` is a
    dateTimeStamp. Raises :class:`ProofGenerationError` for input that cannot be signed.
    """
    return _add_proof(document, private_key, verification_method, created, proof_purpose, split=False)[0]


def secure(
    document: dict,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = ASSERTION_METHOD,
) -> tuple[dict, bytes]:
    """:func:`add_proof`, and the RFC 8785 bytes of the secured document (what the log stores).

    The bytes equal ``canonical_json(secured)``, put together from the pieces signing serialised
    already rather than by serialising the whole document once more.
    """
    secured, members = _add_proof(
        document, private_key, verification_method, created, proof_purpose, split=True
    )
    if members is None:
        return secured, canonical_json(secured)
    before, after = members
    proof = b'"proof":' + canonical_json(secured["proof"])
    return secured, b"{" + b",".join(part for part in (before, proof, after) if part) + b"}"


def _add_proof(
    document: dict,
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str,
    split: bool,
) -> tuple[dict, tuple[bytes, bytes] | None]:
    """The secured document and, if ``split`` and its keys are ASCII, its canonical members before and
    after where ``proof`` sorts (see :func:`secure`)."""
    if not isinstance(document, dict):
        raise ProofGenerationError("only a JSON object can be secured")
    if "proof" in document:
        raise ProofGenerationError("the document already carries a proof; proof sets are not supported")
    for name, value in (("verification_method", verification_method), ("proof_purpose", proof_purpose)):
        if not isinstance(value, str) or not value:
            raise ProofGenerationError(f"{name} must be a non-empty string")
    # A deep copy, so that later changes to the caller's dict cannot alter a document already signed.
    secured, plain = plain_copy(document)

    # 1. The proof options, in the order the spec's examples print them.
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    # 2. Sign the document's @context as part of the proof: the spec strongly advises it, because
    #    without it a proof cannot take part in proof sets or chains, and verifiers rely on it.
    if "@context" in secured:
        proof["@context"] = plain_copy(secured["@context"])[0]
    try:
        # 3. Proof configuration (checks type, cryptosuite and created).
        canonical_proof_config = proof_configuration(proof)
        # 4. Transformation of the document as it is, without a proof. For secure(), if the keys are
        #    ASCII (code point order is then RFC 8785's UTF-16 order), in two halves split where
        #    "proof" will sort, so that the proof can go in between without serialising all again.
        members = None
        if split and all(type(key) is str and key.isascii() for key in secured):
            halves = (
                {key: value for key, value in secured.items() if key < "proof"},
                {key: value for key, value in secured.items() if key > "proof"},
            )
            before, after = (canonical_json(half, plain)[1:-1] for half in halves)
            members = before, after
            transformed_document = b"{" + b",".join(part for part in members if part) + b"}"
        else:
            transformed_document = transform(secured)
    except CanonicalizationError as exc:
        raise ProofGenerationError(f"the document is not representable in canonical JSON: {exc}") from exc
    # 5-7. Hash, sign with pure Ed25519, attach the signature as base58btc multibase.
    signature = private_key.sign(hash_data(transformed_document, canonical_proof_config))
    proof["proofValue"] = encode_multibase(signature)
    secured["proof"] = proof
    return secured, members


# --- Verify Proof (spec 3.3.2) ----------------------------------------------------------------------


def verify_proof(document: dict, resolve_key: KeyResolver, *, proof_purpose: str = ASSERTION_METHOD) -> None:
    """Check the ``eddsa-jcs-2022`` proof of ``document``; return nothing, or raise why not.

    ``resolve_key(verification_method)`` returns the Ed25519 public key the method names. It is where
    the caller decides which keys it trusts for which issuer; it raises :class:`UnknownKey` (or a
    ``LookupError``, so that a dict's ``__getitem__`` will do) for a method it does not know.

    Raises a :class:`~labels.trust.signing_errors.VerificationError` subclass: :class:`MalformedProof`,
    :class:`WrongProofPurpose`, :class:`ContextMismatch`, :class:`UnknownKey` or
    :class:`InvalidSignature`.
    """
    # 1. A secured document is a JSON object with exactly one proof, itself an object.
    if not isinstance(document, dict):
        raise MalformedProof("a secured document is a JSON object")
    proof = document.get("proof")
    signature = _proof_signature(proof, proof_purpose)

    # 5. Split what was signed: the document without its proof, the proof without its value.
    unsecured_document = {name: value for name, value in document.items() if name != "proof"}
    proof_options = {name: value for name, value in proof.items() if name != "proofValue"}

    # 6. When the proof carries an @context, the document's must start with it, and the document is
    #    hashed under the proof's @context (spec 3.3.2, step 4).
    if "@context" in proof_options:
        if not _starts_with(unsecured_document.get("@context"), proof_options["@context"]):
            raise ContextMismatch("the document's @context does not begin with the proof's @context")
        unsecured_document["@context"] = proof_options["@context"]

    # 7. Transformation, proof configuration and hashing, exactly as when signing.
    try:
        signed_data = hash_data(transform(unsecured_document), proof_configuration(proof_options))
    except (CanonicalizationError, ProofGenerationError) as exc:
        raise MalformedProof(f"cannot canonicalise the document or proof: {exc}") from exc

    # 8. The key the verification method names, as the caller's resolver knows it.
    public_key = _resolve(resolve_key, proof["verificationMethod"])

    # 9. The signature covers exactly these bytes under this key.
    try:
        public_key.verify(signature, signed_data)
    except _BadEd25519Signature:
        raise InvalidSignature(
            f"the signature does not match the document and proof options under {proof['verificationMethod']}"
        ) from None


def _proof_signature(proof: object, proof_purpose: str) -> bytes:
    """Steps 1 to 4 of :func:`verify_proof` on the document's ``proof`` value: its signature, or raise."""
    if isinstance(proof, list):
        raise MalformedProof("proof sets (a list of proofs) are not supported")
    if not isinstance(proof, dict):
        raise MalformedProof('the document has no "proof" object')

    # 2. The proof names every field verification needs, and is of this type and cryptosuite.
    for field in REQUIRED_PROOF_FIELDS:
        if not isinstance(proof.get(field), str) or not proof[field]:
            raise MalformedProof(f"proof.{field} is missing or is not a non-empty string")
    if proof["type"] != PROOF_TYPE or proof["cryptosuite"] != CRYPTOSUITE:
        raise MalformedProof(
            f'expected a {PROOF_TYPE} with cryptosuite "{CRYPTOSUITE}", '
            f'got {proof["type"]} with "{proof["cryptosuite"]}"'
        )
    if "created" in proof and not is_datetime_stamp(proof["created"]):
        raise MalformedProof("proof.created is not a dateTimeStamp")

    # 3. The proof was made for what the verifier needs it for (Data Integrity: expectedProofPurpose).
    if proof["proofPurpose"] != proof_purpose:
        raise WrongProofPurpose(f'the proof is for "{proof["proofPurpose"]}", not "{proof_purpose}"')

    # 4. The proof value decodes to one Ed25519 signature.
    try:
        signature = decode_multibase(proof["proofValue"])
    except ValueError as exc:
        raise MalformedProof(f"proof.proofValue: {exc}") from None
    if len(signature) != SIGNATURE_LENGTH:
        raise MalformedProof(f"proof.proofValue holds {len(signature)} bytes, not an Ed25519 signature")
    return signature


def _starts_with(document_context: object, proof_context: object) -> bool:
    """Whether the document's @context begins with every value of the proof's, in the same order."""
    if document_context is None:
        return False
    document_values = document_context if isinstance(document_context, list) else [document_context]
    proof_values = proof_context if isinstance(proof_context, list) else [proof_context]
    return document_values[: len(proof_values)] == proof_values


def _resolve(resolve_key: KeyResolver, verification_method: str) -> Ed25519PublicKey:
    try:
        public_key = resolve_key(verification_method)
    except UnknownKey:
        raise
    except (LookupError, KeyEncodingError) as exc:
        raise UnknownKey(f"no key is known for {verification_method}") from exc
    if not isinstance(public_key, Ed25519PublicKey):
        raise UnknownKey(f"{verification_method} does not name an Ed25519 public key")
    return public_key


# --- Verifying stored bytes (what ``ecoreg audit`` does a million times) ----------------------------

_scan_value = json.JSONDecoder().scan_once
_ABSENT = object()


def verify_stored(secured: bytes, resolve_key: KeyResolver, *, proof_purpose: str = ASSERTION_METHOD) -> None:
    """:func:`verify_proof` of ``json.loads(secured)``, with the same verdict and the same errors, for
    the RFC 8785 bytes of a secured document as the log stores them.

    Usually the signed document is cut out of ``secured`` (all of it but the top-level ``proof``
    member) instead of being parsed and serialised again, which costs more than the Ed25519
    verification itself. That needs no check that ``secured`` is canonical: nobody signed the hash of
    bytes that are not, so such bytes fail here and go the long way, :func:`verify_proof`, which
    decides (a document re-spaced after signing verifies there, as it always did). Every other
    failure takes the long way too, so that its error is the one :func:`verify_proof` raises.
    """
    if not _verifies_as_stored(secured, resolve_key, proof_purpose):
        verify_proof(json.loads(secured), resolve_key, proof_purpose=proof_purpose)


def _verifies_as_stored(secured: bytes, resolve_key: KeyResolver, proof_purpose: str) -> bool:
    try:
        proof, context, unsecured = _cut_proof(secured.decode())
        signature = _proof_signature(proof, proof_purpose)
        options = {name: value for name, value in proof.items() if name != "proofValue"}
        # Hashed under the proof's @context (verify_proof step 6): the same bytes only if it is the same.
        if "@context" in options and options["@context"] != context:
            return False
        signed_data = hash_data(unsecured.encode(), proof_configuration(options))
        _resolve(resolve_key, proof["verificationMethod"]).verify(signature, signed_data)
    except Exception:  # whatever it is, verify_proof meets it too and decides what to raise
        return False
    return True


def _cut_proof(text: str) -> tuple[object, object, str]:
    """The top-level ``proof`` and ``@context`` values of the JSON object ``text``, and ``text`` without
    its ``proof`` member. Raises ``ValueError`` unless ``text`` is an object written without spaces
    between its members, whose keys are distinct and in increasing order (as RFC 8785 writes them)."""
    if text[:1] != "{":
        raise ValueError("not an object")
    at, last, previous = 1, len(text) - 1, None
    proof, context, cut = _ABSENT, _ABSENT, None
    while True:
        start = at
        key, at = _scan_value(text, at)
        if type(key) is not str or text[at] != ":":
            raise ValueError("not an object written without spaces")
        if previous is not None and key <= previous:  # a key twice would make the parsed document another
            raise ValueError("keys out of order")
        value, at = _scan_value(text, at + 1)
        if key == "proof":
            proof, cut = value, (start, at)
        elif key == "@context":
            context = value
        previous = key
        if text[at] == ",":
            at += 1
        elif at == last and text[at] == "}":
            break
        else:
            raise ValueError("not an object written without spaces")
    if cut is None:
        raise ValueError("no proof")
    start, end = cut
    if text[start - 1] == ",":
        start -= 1
    elif text[end] == ",":
        end += 1
    return proof, context, text[:start] + text[end:]


def raw_key_resolver(public_keys: dict[str, bytes]) -> KeyResolver:
    """A resolver over raw Ed25519 public keys by verification method, each key loaded once."""
    loaded: dict[str, Ed25519PublicKey] = {}

    def resolve(method: str) -> Ed25519PublicKey:
        key = loaded.get(method)
        if key is None:
            key = loaded[method] = Ed25519PublicKey.from_public_bytes(public_keys[method])
        return key

    return resolve


def failed_verifications(items: list[tuple[object, bytes]], public_keys: dict[str, bytes]) -> list:
    """``(id, error)`` for each ``(id, secured bytes)`` of ``items`` that :func:`verify_stored` refuses.

    Plain data in and out, so that it can run in another process, with no database: the keys are the
    raw public keys by verification method. The errors are those a caller of
    ``verify_proof(json.loads(...))`` sees: a :class:`SignatureError`, or a ``ValueError`` (not JSON),
    or a ``KeyError``.
    """
    resolve = raw_key_resolver(public_keys)
    failures = []
    for ident, secured in items:
        try:
            verify_stored(secured, resolve)
        except (SignatureError, KeyError, ValueError) as exc:
            failures.append((ident, exc))
    return failures
