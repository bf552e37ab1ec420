"""W3C Bitstring Status List v1.0: the compressed bitstring and its credential.

Framework-free; the offline verifier decodes the same lists. Bit 0 is the left-most (most
significant) bit of the first byte, as the specification's "Bitstring Expansion Algorithm" says.
"""

from __future__ import annotations

import base64
import gzip

#: 16 KiB: the specification's minimum list length, which hides which labels a list is about.
LIST_BITS = 131_072


def empty_bits(size: int = LIST_BITS) -> bytes:
    return bytes(size // 8)


def get_bit(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def set_bit(bits: bytes, index: int, value: bool) -> bytes:
    changed = bytearray(bits)
    mask = 0x80 >> (index % 8)
    if value:
        changed[index // 8] |= mask
    else:
        changed[index // 8] &= ~mask & 0xFF
    return bytes(changed)


def encode_list(bits: bytes) -> str:
    """GZIP, then multibase base64url without padding (the ``u`` prefix)."""
    # mtime=0 keeps the encoding a pure function of the bits, so a re-signed list is reproducible.
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_list(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("encodedList is multibase base64url: it starts with 'u'")
    body = encoded[1:]
    compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    return gzip.decompress(compressed)


def status_list_credential(list_url: str, purpose: str, bits: bytes, issuer: dict, valid_from: str) -> dict:
    """The unsigned BitstringStatusListCredential for one list."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_list(bits),
        },
    }


def status_entry(list_url: str, purpose: str, index: int) -> dict:
    """A credential's ``credentialStatus`` entry pointing at its bit in one list."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }
