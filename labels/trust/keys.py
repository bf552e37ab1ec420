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

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from labels.trust.signing_errors import KeyEncodingError

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


# Base58 by hand, not with the ``base58`` package: its loop divides a big integer once per digit, which
# was a tenth of signing a record and of verifying one; two digits at a time halves the divisions.
# tests/unit/labels/trust/test_signing.py checks both directions against the package.
_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_PAIRS = tuple(high + low for high in _ALPHABET for low in _ALPHABET)
_VALUES = {digit: value for value, digit in enumerate(_ALPHABET)}


def b58encode(data: bytes) -> str:
    """The base58 (Bitcoin alphabet) text of ``data``; each leading zero byte is a ``1``."""
    number = int.from_bytes(data, "big")
    pairs = []
    while number:
        number, pair = divmod(number, 3364)  # 58 * 58
        pairs.append(_PAIRS[pair])
    digits = "".join(reversed(pairs)).lstrip("1")  # the top pair's zero digit, if any
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


def b58decode(text: str) -> bytes:
    """The bytes of base58 ``text`` whose digits are all in the Bitcoin alphabet (checked by callers)."""
    number = 0
    for digit in text:
        number = number * 58 + _VALUES[digit]
    zeros = len(text) - len(text.lstrip("1"))
    return bytes(zeros) + number.to_bytes((number.bit_length() + 7) // 8, "big")


def encode_multibase(data: bytes) -> str:
    """``z`` followed by the base58btc encoding of ``data``."""
    return BASE58BTC + b58encode(data)


def decode_multibase(text: str) -> bytes:
    """The bytes of a base58btc multibase string; ``ValueError`` for any other base or a bad digit."""
    if not isinstance(text, str) or not text.startswith(BASE58BTC):
        raise ValueError("expected a base58btc multibase string (starting with 'z')")
    # One value has one spelling: no whitespace, nothing outside the alphabet.
    if not _BASE58BTC_DIGITS.fullmatch(text[1:]):
        raise ValueError("not base58btc: empty, or a character outside the Bitcoin alphabet")
    return b58decode(text[1:])


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
