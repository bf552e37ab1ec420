"""Why signing or verifying refused: one small hierarchy, in the manner of sigstore-python.

Framework-free, like the signing core itself, so that ``scanner/`` can catch these without loading the
server. Verification never answers ``False``: it returns nothing or raises a :class:`VerificationError`
subclass that says what was wrong, so that a caller cannot forget to look at the answer.

::

    SignatureError
    +-- KeyEncodingError        a Multikey or JWK is not an Ed25519 key of the expected kind
    +-- ProofGenerationError    add_proof refused its input (PROOF_GENERATION_ERROR)
    +-- VerificationError       verify_proof refused a secured document (PROOF_VERIFICATION_ERROR)
        +-- MalformedProof      the document or its proof cannot be read as an eddsa-jcs-2022 proof
        +-- WrongProofPurpose   well formed, but made for another purpose than the one expected
        +-- ContextMismatch     the proof's @context does not begin the document's @context
        +-- UnknownKey          no Ed25519 key could be found for the verification method
        +-- InvalidSignature    the signature does not cover this document and these proof options
"""

from __future__ import annotations


class SignatureError(Exception):
    """Base of every refusal made by the signing core."""


class KeyEncodingError(SignatureError, ValueError):
    """A key encoding (Multikey, JWK) is malformed or holds another kind of key."""


class ProofGenerationError(SignatureError, ValueError):
    """``add_proof`` was given something it cannot sign."""


class VerificationError(SignatureError):
    """The secured document is not genuine, or cannot be shown to be."""


class MalformedProof(VerificationError):
    """A required proof field is missing or ill-typed, the proof is of another type or cryptosuite,
    the proof value is not a base58btc Ed25519 signature, or the document is not canonicalisable."""


class WrongProofPurpose(VerificationError):
    """The proof was made for another purpose (``authentication``, say) than the one the verifier needs."""


class ContextMismatch(VerificationError):
    """The proof's ``@context`` is not a prefix of the document's ``@context`` (spec 3.3.2, step 4.1)."""


class UnknownKey(VerificationError):
    """The verification method resolved to no key, or to one that is not Ed25519."""


class InvalidSignature(VerificationError):
    """The signature does not match: the document or a signed proof option was changed, or the
    signature was made with another key."""
