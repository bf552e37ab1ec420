"""A registry-shaped trust bundle built from the framework-free signing helpers, for fast unit tests.

The functional tests (``tests/functional/test_scanner_*.py``) fetch real bundles from the real app;
this builds the same document, member for member (``labels/trust/bundle.py``), without a database, so that
the scanner's rules can be tested one by one: keys rotated or retired, lists missing, bits set.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from labels.codes.qrclaim import ClaimFields, build_uri, digital_link_path, short_kid
from labels.trust.checkpoint import checkpoint_body, sign_note, verifier_key
from labels.trust.keys import public_key_bytes, public_key_to_jwk
from labels.trust.merkle import EMPTY_ROOT
from labels.trust.signing import add_proof
from labels.trust.statuslist import LIST_BITS, empty_bits, set_bit, status_list_credential

ISSUER = "https://id.ecoreg.example"
HOST = "id.ecoreg.example"
ORIGIN = f"{HOST}/log"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
GTIN = "09506000134352"


def stamp(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def key_with_kid(wanted: str | None = None, avoid: str | None = None) -> Ed25519PrivateKey:
    """A fresh key whose one-character claim id is ``wanted`` (or anything but ``avoid``)."""
    while True:
        key = Ed25519PrivateKey.generate()
        kid = short_kid(key)
        if (wanted is None or kid == wanted) and kid != avoid:
            return key


@dataclass
class RegistryKey:
    private: Ed25519PrivateKey
    purpose: str = "credential"
    valid_from: datetime = T0 - timedelta(days=30)
    valid_until: datetime | None = None
    retired: datetime | None = None

    @property
    def kid(self) -> str:
        digest = hashlib.sha256(public_key_bytes(self.private)).hexdigest()
        return f"{self.purpose}-20261024-{digest[:8]}"

    def jwk(self) -> dict:
        return public_key_to_jwk(self.private) | {
            "kid": self.kid,
            "use": "sig",
            "alg": "EdDSA",
            "ecoreg_purpose": self.purpose,
            "ecoreg_valid_from": stamp(self.valid_from),
            "ecoreg_valid_until": stamp(self.valid_until) if self.valid_until else None,
            "ecoreg_retired": stamp(self.retired) if self.retired else None,
        }


@dataclass
class Registry:
    """Keys, label statuses and a bundle maker: ``registry.bundle()`` is the served document."""

    credential: RegistryKey = field(default_factory=lambda: RegistryKey(Ed25519PrivateKey.generate()))
    log: RegistryKey = field(default_factory=lambda: RegistryKey(Ed25519PrivateKey.generate(), "log"))
    older: list[RegistryKey] = field(default_factory=list)
    #: status index -> "suspended" or "withdrawn"
    statuses: dict[int, str] = field(default_factory=dict)
    groups: int = 1
    issuer: str = ISSUER

    def jwks(self) -> dict:
        return {"keys": [k.jwk() for k in (*self.older, self.credential, self.log)]}

    def rotate(self, wanted_kid: str | None = None) -> RegistryKey:
        """A new active credential key; the old one stays published (validity closed)."""
        now = self.credential.valid_from + timedelta(days=1)
        old = self.credential
        old.valid_until = now
        self.older.append(old)
        self.credential = RegistryKey(
            key_with_kid(wanted_kid, avoid=None if wanted_kid else old_kid(old)), valid_from=now
        )
        return self.credential

    def status_lists(self, signer: RegistryKey, at: datetime) -> list[dict]:
        lists = []
        for group in range(1, self.groups + 1):
            for purpose, status in (("revocation", "withdrawn"), ("suspension", "suspended")):
                bits = empty_bits()
                for index, label_status in self.statuses.items():
                    if label_status == status and index // LIST_BITS + 1 == group:
                        bits = set_bit(bits, index % LIST_BITS, True)
                url = f"{self.issuer}/status/{purpose}-{group}"
                document = status_list_credential(url, purpose, bits, self.issuer_object(), stamp(at))
                lists.append(self.sign(document, signer, at))
        return lists

    def issuer_object(self) -> dict:
        return {"id": self.issuer, "name": "ecoreg - test registry"}

    def sign(self, document: dict, signer: RegistryKey, at: datetime) -> dict:
        method = f"{self.issuer}/.well-known/jwks.json#{signer.kid}"
        return add_proof(document, signer.private, method, stamp(at))

    def checkpoint(self, size: int = 0, root: bytes = EMPTY_ROOT) -> str:
        return sign_note(checkpoint_body(ORIGIN, size, root), ORIGIN, self.log.private)

    def bundle(self, at: datetime = T0, signer: RegistryKey | None = None, **changes) -> dict:
        signer = signer or self.credential
        subject = {
            "id": f"{self.issuer}/api/v1/trust-bundle",
            "issuedAt": stamp(at),
            "keys": self.jwks()["keys"],
            "log": {
                "origin": ORIGIN,
                "verifierKeys": [verifier_key(ORIGIN, self.log.private.public_key())],
                "checkpoint": self.checkpoint(),
            },
            "statusLists": self.status_lists(signer, at),
        } | changes
        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": f"{self.issuer}/api/v1/trust-bundle",
            "type": ["VerifiableCredential", "EcoregTrustBundle"],
            "issuer": self.issuer_object(),
            "validFrom": stamp(at),
            "credentialSubject": subject,
        }
        return self.sign(document, signer, at)

    def code(
        self,
        labels=("DN-GRN-2026-000123",),
        indexes=(5,),
        expires: date = date(2029, 11, 23),
        lot: str | None = "2611A",
        serial: str | None = "k7Qz3R9xWm2P",
        key: RegistryKey | None = None,
        host: str = HOST,
        gtin: str = GTIN,
    ) -> str:
        """A claim URI as the registry prints it."""
        fields = ClaimFields(tuple(labels), expires, tuple(indexes))
        return build_uri(host, digital_link_path(gtin, lot, serial), fields, (key or self.credential).private)


def old_kid(key: RegistryKey) -> str:
    return short_kid(key.private)


def seeded_key(name: str) -> Ed25519PrivateKey:
    """The same key on every run: pictures of codes signed with it are the same pictures."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())
