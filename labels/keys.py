"""Ed25519 keys and how they are written down: Multikey, JWK, base58btc multibase.

Framework-free and shared with ``scanner/``.

- **Multikey** (W3C Controlled Identifiers v1.0, section 2.2.2) is what ``did:key`` identifiers and
  Data Integrity verification methods carry: the multibase base58btc form (``z`` prefix) of a multicodec
  varint followed by the raw key. An Ed25519 public key (``ed25519-pub``, 0xed) starts ``z6Mk``; a secret
  key (``ed25519-priv``, 0x1300) starts ``z3u2``.
- **JWK** (RFC 8037): ``{"kty": "OKP", "crv": "Ed25519", "x": base64url(raw public key)}``, the form the
  registry publishes at ``/.well-known/jwks.json``.

Every decoder is strict, because a key that decodes "nearly" is a key someone tampered with.
"""

from __future__ import annotations

import base64
import re

import base58
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from labels.signing_errors import KeyEncodingError

#: Multibase prefix of base58btc, the only multibase that Data Integrity proofs and Multikeys use.
BASE58BTC = "z"
#: Multicodec ``ed25519-pub`` (0xed) as an unsigned varint.
ED25519_PUBLIC_PREFIX = b"\xed\x01"
#: Multicodec ``ed25519-priv`` (0x1300) as an unsigned varint.
ED25519_SECRET_PREFIX = b"\x80\x26"
KEY_LENGTH = 32

_BASE64URL_KEY = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 bytes, unpadded
_BASE58BTC_DIGITS = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_key_bytes(key: Ed25519PublicKey | Ed25519PrivateKey) -> bytes:
    """The 32 raw bytes of the public key (of a private key's public half)."""
    if isinstance(key, Ed25519PrivateKey):
        key = key.public_key()
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_key_bytes(key: Ed25519PrivateKey) -> bytes:
    """The 32-byte seed of the private key (RFC 8032 calls it the private key)."""
    return key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


# --- multibase (base58btc) -------------------------------------------------------------------------


def encode_multibase(data: bytes) -> str:
    """``z`` followed by the base58btc encoding of ``data``."""
    return BASE58BTC + base58.b58encode(data).decode("ascii")


def decode_multibase(text: str) -> bytes:
    """The bytes of a base58btc multibase string; ``ValueError`` for any other base or a bad digit."""
    if not isinstance(text, str) or not text.startswith(BASE58BTC):
        raise ValueError("expected a base58btc multibase string (starting with 'z')")
    # Checked here because the library forgives trailing whitespace, and one value has one spelling.
    if not _BASE58BTC_DIGITS.fullmatch(text[1:]):
        raise ValueError("not base58btc: empty, or a character outside the Bitcoin alphabet")
    return base58.b58decode(text[1:])


# --- Multikey --------------------------------------------------------------------------------------


def encode_public_multikey(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The ``z6Mk...`` Multikey of an Ed25519 public key."""
    return encode_multibase(ED25519_PUBLIC_PREFIX + public_key_bytes(key))


def decode_public_multikey(multikey: str) -> Ed25519PublicKey:
    """The Ed25519 public key of a ``z6Mk...`` Multikey; :class:`KeyEncodingError` otherwise."""
    raw = _multikey_body(multikey, ED25519_PUBLIC_PREFIX, "an Ed25519 public")
    return Ed25519PublicKey.from_public_bytes(raw)


def encode_secret_multikey(key: Ed25519PrivateKey) -> str:
    """The ``z3u2...`` Multikey of an Ed25519 secret key (its 32-byte seed). Keep it secret."""
    return encode_multibase(ED25519_SECRET_PREFIX + private_key_bytes(key))


def decode_secret_multikey(multikey: str) -> Ed25519PrivateKey:
    """The Ed25519 private key of a ``z3u2...`` Multikey; :class:`KeyEncodingError` otherwise."""
    raw = _multikey_body(multikey, ED25519_SECRET_PREFIX, "an Ed25519 secret")
    return Ed25519PrivateKey.from_private_bytes(raw)


def _multikey_body(multikey: str, prefix: bytes, kind: str) -> bytes:
    try:
        data = decode_multibase(multikey)
    except ValueError as exc:
        raise KeyEncodingError(f"not a Multikey: {exc}") from None
    if not data.startswith(prefix) or len(data) != len(prefix) + KEY_LENGTH:
        raise KeyEncodingError(f"not {kind} key Multikey (multicodec 0x{prefix.hex()} + {KEY_LENGTH} bytes)")
    return data[len(prefix) :]


# --- JWK -------------------------------------------------------------------------------------------


def public_key_to_jwk(key: Ed25519PublicKey | Ed25519PrivateKey) -> dict[str, str]:
    """The RFC 8037 OKP JWK of the public key; callers add ``kid``, ``use`` and validity themselves."""
    x = base64.urlsafe_b64encode(public_key_bytes(key)).rstrip(b"=").decode("ascii")
    return {"kty": "OKP", "crv": "Ed25519", "x": x}


def public_key_from_jwk(jwk: dict) -> Ed25519PublicKey:
    """The Ed25519 public key of an OKP JWK; other members (``kid``, ``alg``, ...) are ignored.

    A JWK that carries a private part (``d``) is refused: where a public key is expected, a private one
    means a secret was published by mistake, and quietly using it would hide that.
    """
    if not isinstance(jwk, dict):
        raise KeyEncodingError("a JWK is a JSON object")
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise KeyEncodingError('not an Ed25519 JWK (expected "kty": "OKP", "crv": "Ed25519")')
    if "d" in jwk:
        raise KeyEncodingError("the JWK holds a private key where a public key was expected")
    x = jwk.get("x")
    if not isinstance(x, str) or not _BASE64URL_KEY.fullmatch(x):
        raise KeyEncodingError('"x" must be the 32-byte key in unpadded base64url (43 characters)')
    raw = base64.urlsafe_b64decode(x + "=")
    # 43 characters carry 258 bits; the last 2 must be zero or two spellings would name one key.
    if base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii") != x:
        raise KeyEncodingError('"x" is not in canonical base64url')
    return Ed25519PublicKey.from_public_bytes(raw)
