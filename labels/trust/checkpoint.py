"""Signed checkpoints of the transparency log: C2SP tlog-checkpoint in a C2SP signed note.

Framework-free and shared with ``scanner/``. A checkpoint body is three lines::

    <origin>
    <tree size, decimal, no leading zeroes>
    <root hash, standard base64>

and a signed note is that text, a blank line, then one line per signature::

    — <key name> <base64(4-byte key ID || 64-byte Ed25519 signature)>

The key ID is SHA-256(key name || 0x0A || 0x01 || public key)[:4], 0x01 being the Ed25519
signature type. A verifier key is written ``<name>+<key ID, 8 hex digits>+<base64(0x01 ||
public key)>``, the form Go's ``golang.org/x/mod/sumdb/note`` and the transparency-dev witnesses
read, so outside tools can check our checkpoints.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from labels.trust.merkle import HASH_SIZE

SIGNATURE_PREFIX = "\u2014 "  # em dash, space
ED25519 = 0x01
#: signed-note asks verifiers to cap signatures and to accept at least 16; Go's note package uses 100.
MAX_SIGNATURES = 100


class NoteError(Exception):
    """A note, checkpoint or verifier key was refused."""


class MalformedNote(NoteError):
    """The text does not follow the signed-note or tlog-checkpoint format."""


class InvalidVerifierKey(NoteError):
    """A verifier key string is malformed, of an unsupported type, or its key ID does not match."""


class UnverifiedNote(NoteError):
    """No signature from a known key: the text must be ignored."""


class InvalidNoteSignature(NoteError):
    """A known key's signature does not verify, so the whole note is rejected."""


class Checkpoint(NamedTuple):
    origin: str
    size: int
    root: bytes


@dataclass(frozen=True)
class NoteVerifier:
    """A trusted log key: its name and key ID pick out its signature line."""

    name: str
    key_id: bytes
    public_key: Ed25519PublicKey

    def verifies(self, text: bytes, signature: bytes) -> bool:
        try:
            self.public_key.verify(signature, text)
        except InvalidSignature:
            return False
        return True


def key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4] (signed-note)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


def _b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode(text: str, error: type[NoteError], what: str) -> bytes:
    """Standard base64 in its one canonical spelling, so a signed text has one meaning."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise error(f"{what} is not standard base64") from None
    if _b64encode(data) != text:
        raise error(f"{what} is not canonical base64")
    return data


def _check_text(text: str, what: str) -> None:
    """Valid UTF-8 with no ASCII control characters but newline (signed-note, Format)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedNote(f"{what} is not valid UTF-8") from None
    if any(char < " " and char != "\n" for char in text):
        raise MalformedNote(f"{what} contains a control character")


def _is_key_name(name: str) -> bool:
    """Non-empty, with no Unicode space and no plus (which separates the parts of a verifier key)."""
    return bool(name) and "+" not in name and not any(char.isspace() or char < " " for char in name)


# -- checkpoints ----------------------------------------------------------------------------------


def checkpoint_body(origin: str, size: int, root: bytes) -> str:
    """The note text of the checkpoint for a tree of ``size`` leaves with head ``root``."""
    if not origin or "\n" in origin:
        raise MalformedNote("the origin is one non-empty line")
    _check_text(origin, "the origin")
    if size < 0:
        raise MalformedNote("the tree size cannot be negative")
    if len(root) != HASH_SIZE:
        raise MalformedNote(f"the root hash is {HASH_SIZE} bytes")
    return f"{origin}\n{size}\n{_b64encode(root)}\n"


def parse_checkpoint(body: str) -> Checkpoint:
    """Origin, tree size and root hash of a checkpoint body (taken from an opened note).

    Extension lines are allowed and ignored, as tlog-checkpoint makes them opaque.
    """
    _check_text(body, "the checkpoint")
    if not body.endswith("\n"):
        raise MalformedNote("the checkpoint does not end with a newline")
    lines = body[:-1].split("\n")
    if len(lines) < 3 or not all(lines):
        raise MalformedNote("a checkpoint has at least three lines, none of them empty")
    origin, size_text, root_text = lines[:3]
    # int() would also take "+7", " 7", "1_0" and non-ASCII digits: the format allows none.
    if not (size_text.isascii() and size_text.isdigit()) or (size_text != "0" and size_text[0] == "0"):
        raise MalformedNote("the tree size is a decimal number without leading zeroes")
    root = _b64decode(root_text, MalformedNote, "the root hash")
    if len(root) != HASH_SIZE:
        raise MalformedNote(f"the root hash is {HASH_SIZE} bytes")
    return Checkpoint(origin, int(size_text), root)


# -- signed notes ---------------------------------------------------------------------------------


def sign_note(body: str, name: str, private_key: Ed25519PrivateKey) -> str:
    """The signed note: ``body``, a blank line and the Ed25519 signature line of key ``name``."""
    if not _is_key_name(name):
        raise MalformedNote("a key name is non-empty, without spaces or '+'")
    _check_text(body, "the note text")
    if not body.endswith("\n"):
        raise MalformedNote("the note text ends with a newline")
    identifier = key_id(name, private_key.public_key().public_bytes_raw())
    signature = private_key.sign(body.encode("utf-8"))
    return f"{body}\n{SIGNATURE_PREFIX}{name} {_b64encode(identifier + signature)}\n"


def verifier_key(name: str, public_key: Ed25519PublicKey) -> str:
    """``<name>+<key ID hex>+<base64(0x01 || public key)>``, the form trust bundles publish."""
    if not _is_key_name(name):
        raise InvalidVerifierKey("a key name is non-empty, without spaces or '+'")
    raw = public_key.public_bytes_raw()
    return f"{name}+{key_id(name, raw).hex()}+{_b64encode(bytes([ED25519]) + raw)}"


def parse_verifier_key(text: str) -> NoteVerifier:
    """The verifier a verifier key string describes; its key ID must match its name and key."""
    # The name holds no '+' and the ID is hex, but base64 may contain '+': split twice only.
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise InvalidVerifierKey("a verifier key is <name>+<key ID>+<key>")
    name, id_text, key_text = parts
    if not _is_key_name(name):
        raise InvalidVerifierKey("a key name is non-empty, without spaces or '+'")
    if len(id_text) != 8 or not all(char in "0123456789abcdefABCDEF" for char in id_text):
        raise InvalidVerifierKey("the key ID is 8 hexadecimal digits")
    key = _b64decode(key_text, InvalidVerifierKey, "the key")
    if len(key) != 1 + 32 or key[0] != ED25519:
        raise InvalidVerifierKey("only Ed25519 keys (type 0x01, 32 bytes) are supported")
    identifier = bytes.fromhex(id_text)
    if key_id(name, key[1:]) != identifier:
        raise InvalidVerifierKey("the key ID does not match the name and key")
    return NoteVerifier(name, identifier, Ed25519PublicKey.from_public_bytes(key[1:]))


def open_note(note_text: str | bytes, verifiers: Iterable[NoteVerifier]) -> str:
    """The text of a signed note, once a signature of one of ``verifiers`` has verified.

    Signatures of unknown keys are ignored (a known name with another key ID is another key);
    any known key's failing signature rejects the note (signed-note, Signatures).
    """
    if isinstance(note_text, bytes):
        try:
            note_text = note_text.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedNote("a signed note is valid UTF-8") from None
    _check_text(note_text, "the signed note")
    # 1. The text runs to the last blank line, its final newline included.
    split = note_text.rfind("\n\n")
    if split < 0:
        raise MalformedNote("a signed note has a blank line before its signatures")
    text, signature_block = note_text[: split + 1], note_text[split + 2 :]
    if not signature_block.endswith("\n"):
        raise MalformedNote("a signed note ends with signature lines")
    lines = signature_block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNote(f"more than {MAX_SIGNATURES} signatures")
    known = {(verifier.name, verifier.key_id): verifier for verifier in verifiers}
    message = text.encode("utf-8")
    checked = set()
    # 2. Every line must be well formed; only lines of known keys are verified.
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise MalformedNote("a signature line starts with an em dash and a space")
        name, _, signature_text = line[len(SIGNATURE_PREFIX) :].partition(" ")
        if not _is_key_name(name):
            raise MalformedNote("a signature line names its key")
        signature = _b64decode(signature_text, MalformedNote, "a signature")
        if len(signature) < 5:
            raise MalformedNote("a signature holds a 4-byte key ID and the signature bytes")
        key = (name, signature[:4])
        verifier = known.get(key)
        if verifier is None or key in checked:
            continue
        checked.add(key)
        # 3. A known key that does not verify means the note is forged or damaged.
        if not verifier.verifies(message, signature[4:]):
            raise InvalidNoteSignature(f"the signature of {name} does not verify")
    # 4. Without one verified known signature the text must be ignored.
    if not checked:
        raise UnverifiedNote("the note carries no signature from a trusted key")
    return text
