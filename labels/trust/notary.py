"""The registry's notary: signs documents with the active key and writes them into the log.

A :class:`Notary` holds what signing needs from the configuration (public base URL, log origin, key
passphrase) and caches decrypted keys. The app puts it in ``session.info["notary"]``, so services
that sign take only a session, like every other service.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import insert
from sqlalchemy.orm import Session

from labels.registry.permissions import Principal
from labels.trust import keyring, tlog
from labels.trust.canonical import canonical_json
from labels.trust.keyring import SigningUnavailable, active_key, decrypt_private_key
from labels.trust.keys import encode_public_multikey
from labels.trust.signing import add_proof, secure
from models import LogCheckpoint, SignedRecord, SigningKey, utcnow

#: The record type of a key rotation's announcement in the log (its subject is the new key's id).
KEY_ROTATION = "key-rotation"
ISSUER_NAME = "ecoreg - Sở Công Thương tỉnh Đồng Nai (Đồng Nai Department of Industry and Trade)"


def timestamp(instant: datetime) -> str:
    """An XML Schema dateTimeStamp in UTC, to the second, as credentials carry them."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Notary:
    def __init__(self, base_url: str, passphrase: str | None, origin: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.origin = origin or f"{urlsplit(self.base_url).netloc or 'ecoreg.local'}/log"
        self._passphrase = passphrase
        self._keys: dict[str, Ed25519PrivateKey] = {}

    @property
    def issuer(self) -> dict:
        return {"id": self.base_url, "name": ISSUER_NAME}

    def verification_method(self, kid: str) -> str:
        """The key's id: the JWKS URL with the key id as fragment (docs/signing.md says how to resolve)."""
        return f"{self.base_url}/.well-known/jwks.json#{kid}"

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def signer(self, session: Session, purpose: str) -> tuple[SigningKey, Ed25519PrivateKey]:
        key = active_key(session, purpose)
        if key.kid not in self._keys:
            # Decrypting runs a slow key-derivation function on purpose; do it once per key.
            self._keys[key.kid] = decrypt_private_key(key, self._passphrase)
        return key, self._keys[key.kid]

    def sign(self, session: Session, document: dict, created: datetime) -> tuple[dict, SigningKey]:
        key, private = self.signer(session, "credential")
        signed = add_proof(document, private, self.verification_method(key.kid), timestamp(created))
        return signed, key

    def record(
        self, session: Session, record_type: str, subject: str, document: dict, created: datetime
    ) -> dict:
        """Sign ``document`` and append its canonical bytes to the log; returns the signed document."""
        tlog.lock(session)  # before the key is read: a rotation (which takes the lock too) cannot slip in
        signed, key = self.sign(session, document, created)
        data = canonical_json(signed)
        index, digest = tlog.append(session, data)
        session.add(
            SignedRecord(
                leaf_index=index,
                record_type=record_type,
                subject=subject,
                canonical=data,
                leaf_hash=digest,
                key_id=key.id,
                created_at=created,
            )
        )
        return signed

    def record_many(
        self, session: Session, record_type: str, items: list[tuple[str, dict]], created: datetime
    ) -> list[tuple[dict, int]]:
        """Sign and log many ``(subject, document)`` pairs at once; returns ``(signed, leaf index)`` each.

        The bulk twin of :meth:`record` for captures and imports: one key lookup (the log lock is taken
        before it, so a rotation cannot slip in between), one read of the log, and multi-row inserts.
        """
        if not items:
            return []
        tlog.lock(session)
        key, private = self.signer(session, "credential")
        method, created_at = self.verification_method(key.kid), timestamp(created)
        # secure() hands back the signed document's canonical bytes too: no third serialisation.
        secured = [secure(document, private, method, created_at) for _, document in items]
        signed, datas = [document for document, _ in secured], [data for _, data in secured]
        appended = tlog.append_many(session, datas)
        # Core on the table, as for the log's nodes (the key row it refers to was read, so it is stored).
        session.execute(
            insert(SignedRecord.__table__),
            [
                {
                    "leaf_index": index,
                    "record_type": record_type,
                    "subject": subject,
                    "canonical": data,
                    "leaf_hash": digest,
                    "key_id": key.id,
                    "created_at": created,
                }
                for (subject, _), data, (index, digest) in zip(items, datas, appended, strict=True)
            ],
        )
        return [(document, index) for document, (index, _) in zip(signed, appended, strict=True)]

    def generate_keys(self, session: Session, actor: Principal) -> list[SigningKey]:
        made = keyring.generate_keys(session, actor, self._passphrase)
        if any(key.purpose == "log" for key in made):
            # A first signed checkpoint, of the empty log if need be: verifiers always have one to hold.
            self.checkpoint(session)
        return made

    def rotate_key(self, session: Session, actor: Principal, purpose: str) -> SigningKey:
        """A new active key for ``purpose``, announced in the log by a signed record (signed with the
        active credential key) and followed by a checkpoint signed with the active log key: a key the
        registry starts to use is public history, and after a log key's rotation verifiers who hold only
        the new key (or dropped a compromised old one) have a checkpoint at once, not at the next append.
        """
        try:
            old = active_key(session, purpose).kid
        except SigningUnavailable:
            old = None
        new = keyring.rotate_key(session, actor, purpose, self._passphrase)
        now = utcnow()
        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "EcoregKeyRotation"],
            "issuer": self.issuer,
            "validFrom": timestamp(now),
            "credentialSubject": {
                "id": self.verification_method(new.kid),
                "purpose": purpose,
                "publicKeyMultibase": encode_public_multikey(
                    Ed25519PublicKey.from_public_bytes(new.public_key)
                ),
                "replaces": old and self.verification_method(old),
                "at": timestamp(now),
            },
        }
        self.record(session, KEY_ROTATION, new.kid, document, now)
        self.checkpoint(session)
        return new

    def checkpoint(self, session: Session) -> LogCheckpoint:
        key, private = self.signer(session, "log")
        return tlog.publish_checkpoint(session, self.origin, key, private)


def notary_of(session: Session) -> Notary:
    notary = session.info.get("notary")
    if notary is None:
        raise SigningUnavailable("this session has no notary: the registry is not configured to sign")
    return notary
