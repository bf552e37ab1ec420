"""The registry's signing keys: generate, rotate, retire, list; private halves encrypted at rest.

Two purposes: ``credential`` keys sign label records, status changes, status lists and the trust
bundle; ``log`` keys sign the transparency log's checkpoints. Exactly one key per purpose is
active. Rotation deactivates the old key but keeps it published, so old signatures still verify;
a retired key signs nothing new.
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.errors import Conflict, LabelsError, NotFound
from labels.registry import audit
from labels.registry.permissions import Principal, require_admin
from labels.trust import tlog
from labels.trust.keys import generate_private_key, private_key_bytes, public_key_bytes
from models import KEY_PURPOSES, SigningKey, utcnow


class SigningUnavailable(LabelsError):
    """The registry cannot sign right now (no active key, no or wrong passphrase); it says why."""

    problem = "signing-unavailable"


def _require_passphrase(passphrase: str | None) -> bytes:
    if not passphrase:
        raise SigningUnavailable(
            "no key passphrase is configured: set ECOREG_KEY_PASSPHRASE or ECOREG_KEY_PASSPHRASE_FILE; "
            "private signing keys are stored encrypted with it"
        )
    return passphrase.encode()


# scrypt (n=2^15, r=8, p=1: about 32 MiB and 0.1 s a try) then AES-256-GCM over the raw 32-byte key.
# cryptography's PKCS#8 "best available encryption" uses PBKDF2 with only 2048 rounds, too few for a
# key that signs the registry's history; this format is small enough to keep in one text column.
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}
_FORMAT = "ecoreg-scrypt-aesgcm-v1"


def _derive(passphrase: str | None, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, **_SCRYPT).derive(_require_passphrase(passphrase))


def encrypt_private_key(key: Ed25519PrivateKey, passphrase: str | None) -> str:
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_derive(passphrase, salt)).encrypt(nonce, private_key_bytes(key), _FORMAT.encode())
    return "$".join([_FORMAT, *(base64.b64encode(part).decode("ascii") for part in (salt, nonce, sealed))])


def decrypt_private_key(key: SigningKey, passphrase: str | None) -> Ed25519PrivateKey:
    try:
        name, salt, nonce, sealed = key.private_key_sealed.split("$")
        if name != _FORMAT:
            raise ValueError(name)
        raw = AESGCM(_derive(passphrase, base64.b64decode(salt))).decrypt(
            base64.b64decode(nonce), base64.b64decode(sealed), _FORMAT.encode()
        )
    except (ValueError, InvalidTag):
        raise SigningUnavailable(f"the key passphrase does not open key {key.kid}") from None
    private = Ed25519PrivateKey.from_private_bytes(raw)
    if public_key_bytes(private) != key.public_key:
        raise SigningUnavailable(f"stored key {key.kid} is damaged")
    return private


def _kid(purpose: str, public: bytes, now: datetime) -> str:
    return f"{purpose}-{now:%Y%m%d}-{hashlib.sha256(public).hexdigest()[:8]}"


def _new_key(session: Session, purpose: str, passphrase: str | None) -> SigningKey:
    if purpose not in KEY_PURPOSES:
        raise NotFound(f"no key purpose {purpose}; use one of {', '.join(KEY_PURPOSES)}")
    private = generate_private_key()
    public = public_key_bytes(private)
    now = utcnow()
    key = SigningKey(
        kid=_kid(purpose, public, now),
        purpose=purpose,
        public_key=public,
        private_key_sealed=encrypt_private_key(private, passphrase),
        created_at=now,
        activated_at=now,
    )
    session.add(key)
    session.flush()  # the audit entry needs the id; a second active key must not slip in meanwhile
    return key


def active_key(session: Session, purpose: str) -> SigningKey:
    key = session.scalar(
        select(SigningKey).where(
            SigningKey.purpose == purpose,
            SigningKey.deactivated_at.is_(None),
            SigningKey.retired_at.is_(None),
        )
    )
    if key is None:
        raise SigningUnavailable(f"there is no active {purpose} signing key: run `ecoreg keys generate`")
    return key


def generate_keys(session: Session, actor: Principal, passphrase: str | None) -> list[SigningKey]:
    """An active key for each purpose that has none (idempotent)."""
    require_admin(actor, "keys:write")
    made = []
    for purpose in KEY_PURPOSES:
        try:
            active_key(session, purpose)
        except SigningUnavailable:
            made.append(_new_key(session, purpose, passphrase))
            audit.record(session, actor, "key.generate", "signing_key", made[-1].kid)
    return made


def rotate_key(session: Session, actor: Principal, purpose: str, passphrase: str | None) -> SigningKey:
    require_admin(actor, "keys:write")
    # Signers read the active key under the log lock; taking it here too means a signature in flight
    # finishes with the old key before it stops being active, never after.
    tlog.lock(session)
    try:
        old = active_key(session, purpose)
    except SigningUnavailable:
        old = None  # the active key was retired: rotating is how signing resumes
    if old is not None:
        old.deactivated_at = utcnow()
        session.flush()  # the old key stops being active before the new one starts
    new = _new_key(session, purpose, passphrase)
    audit.record(session, actor, "key.rotate", "signing_key", new.kid, replaces=old.kid if old else None)
    return new


def retire_key(session: Session, actor: Principal, kid: str) -> SigningKey:
    require_admin(actor, "keys:write")
    tlog.lock(session)  # as in rotate_key: no signature is in flight with the key being retired
    key = session.scalar(select(SigningKey).where(SigningKey.kid == kid))
    if key is None:
        raise NotFound(f"no key {kid}")
    if key.retired_at is not None:
        raise Conflict(f"key {kid} is retired already", field="kid", rule="transition")
    now = utcnow()
    key.retired_at = now
    key.deactivated_at = key.deactivated_at or now
    audit.record(session, actor, "key.retire", "signing_key", kid)
    return key


def list_keys(session: Session) -> list[SigningKey]:
    return list(session.scalars(select(SigningKey).order_by(SigningKey.purpose, SigningKey.id)))
