"""What outside verifiers need: the published keys (JWKS), the log's verifier keys, the trust bundle."""

from __future__ import annotations

import json
from datetime import datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.trust import tlog
from labels.trust.checkpoint import verifier_key
from labels.trust.keyring import list_keys
from labels.trust.keys import public_key_to_jwk
from labels.trust.notary import notary_of, timestamp
from models import SigningKey, StatusList


def _optional(instant: datetime | None) -> str | None:
    return timestamp(instant) if instant else None


def jwk(key: SigningKey) -> dict:
    """An OKP JWK with its id, use and validity window (the ``ecoreg_*`` members are ours)."""
    public = Ed25519PublicKey.from_public_bytes(key.public_key)
    return public_key_to_jwk(public) | {
        "kid": key.kid,
        "use": "sig",
        "alg": "EdDSA",
        "ecoreg_purpose": key.purpose,
        "ecoreg_valid_from": timestamp(key.activated_at),
        "ecoreg_valid_until": _optional(key.deactivated_at),
        "ecoreg_retired": _optional(key.retired_at),
    }


def jwks(session: Session) -> dict:
    return {"keys": [jwk(key) for key in list_keys(session)]}


def log_verifier_keys(session: Session) -> list[str]:
    """C2SP verifier key strings of every log key, newest first; the key name is the log's origin."""
    origin = notary_of(session).origin
    keys = [k for k in list_keys(session) if k.purpose == "log"]
    return [verifier_key(origin, Ed25519PublicKey.from_public_bytes(k.public_key)) for k in reversed(keys)]


def trust_bundle(session: Session, now: datetime) -> dict:
    """Keys, status lists and the latest checkpoint, signed together, for verifiers with no network."""
    notary = notary_of(session)
    lists = session.scalars(select(StatusList).order_by(StatusList.group, StatusList.purpose))
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": notary.url("/api/v1/trust-bundle"),
        "type": ["VerifiableCredential", "EcoregTrustBundle"],
        "issuer": notary.issuer,
        "validFrom": timestamp(now),
        "credentialSubject": {
            "id": notary.url("/api/v1/trust-bundle"),
            "issuedAt": timestamp(now),
            "keys": jwks(session)["keys"],
            "log": {
                "origin": notary.origin,
                "verifierKeys": log_verifier_keys(session),
                "checkpoint": tlog.latest_checkpoint(session).note,
            },
            "statusLists": [json.loads(sl.credential) for sl in lists],
        },
    }
    signed, _ = notary.sign(session, document, now)
    return signed
