"""API bearer tokens: issued once, stored as a hash, scoped, expiring, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.errors import AuthenticationRequired, InvalidInput, NotFound
from labels.registry import audit
from labels.registry.permissions import SCOPES, Principal, require_scope
from models import ApiToken, User, utcnow

TOKEN_PREFIX = "ecoreg_"
MAX_DAYS = 366
# Writing last_used_at on every request would turn every read into a write; a minute's
# resolution is plenty to tell a live token from a dead one.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    # The secret has 256 bits of entropy, so a plain SHA-256 cannot be brute-forced; a slow
    # password hash would only slow every API request down.
    return hashlib.sha256(secret.encode()).hexdigest()


def validate_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise InvalidInput.one("scopes", "one-of", f"unknown scope(s): {', '.join(unknown)}")
    if not scopes:
        raise InvalidInput.one("scopes", "min-length", "a token needs at least one scope")
    return sorted(set(scopes))


def issue_token(
    session: Session, actor: Principal, user: User, name: str, scopes: list[str], days: int = 90
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns it and the secret, which is never available again."""
    require_scope(actor, "tokens:write")
    if actor.user_id != user.id and not actor.is_admin:
        raise NotFound("no such user")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput.one("days", "range", f"a token lives between 1 and {MAX_DAYS} days")
    granted = validate_scopes(scopes)
    if actor.scopes is not None and not set(granted) <= actor.scopes:
        raise InvalidInput.one("scopes", "subset", "a token cannot grant scopes its creator's token lacks")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip() or "token",
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        secret_hash=_digest(secret),
        scopes=granted,
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(token)
    session.flush()  # the audit entry needs the token's id
    audit.record(session, actor, "token.create", "api_token", token.id, name=token.name, scopes=granted)
    return token, secret


def issue_own_token(
    session: Session, actor: Principal, name: str, scopes: list[str], days: int = 90
) -> tuple[ApiToken, str]:
    """A new token for the caller themselves."""
    require_scope(actor, "tokens:write")
    return issue_token(session, actor, session.get(User, actor.user_id), name, scopes, days)


def resolve_token(session: Session, secret: str, now: datetime | None = None) -> ApiToken:
    """The live token behind ``secret``; raises :class:`AuthenticationRequired` otherwise."""
    now = now or utcnow()
    token = session.scalar(select(ApiToken).where(ApiToken.secret_hash == _digest(secret)))
    if token is None or token.revoked_at is not None:
        raise AuthenticationRequired("the API token is not valid or was revoked")
    if token.expires_at <= now:
        raise AuthenticationRequired("the API token has expired; create a new one")
    if not token.user.is_active:
        raise AuthenticationRequired("the token's user is deactivated")
    if token.last_used_at is None or now - token.last_used_at >= _LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token


def list_tokens(session: Session, actor: Principal) -> list[ApiToken]:
    require_scope(actor, "tokens:write")
    return list(
        session.scalars(select(ApiToken).where(ApiToken.user_id == actor.user_id).order_by(ApiToken.id))
    )


def revoke_token(session: Session, actor: Principal, token_id: int) -> ApiToken:
    require_scope(actor, "tokens:write")
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.user_id and not actor.is_admin):
        raise NotFound("no such token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, actor, "token.revoke", "api_token", token.id)
    return token
