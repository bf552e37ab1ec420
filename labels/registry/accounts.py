"""Users, passwords and memberships."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.errors import AuthenticationRequired, Conflict, InvalidInput, NotFound
from labels.registry import audit
from labels.registry.permissions import (
    Principal,
    check_role_fits,
    require_admin,
    require_scope,
    require_user_visible,
)
from models import Membership, Organisation, User, utcnow

_hasher = PasswordHasher()
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10

# Verifying against a real hash when the email is unknown keeps the response time the same, so
# timing does not reveal which emails have accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password-at-all")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def normalise_email(email: str) -> str:
    text = email.strip().lower()
    if not _EMAIL.match(text):
        raise InvalidInput.one("email", "format", "not a valid email address")
    return text


def principal_for(user: User, channel: str, scopes: frozenset[str] | None = None) -> Principal:
    return Principal(
        user_id=user.id,
        memberships=tuple((m.organisation_id, m.role) for m in user.memberships),
        scopes=scopes,
        channel=channel,
        email=user.email,
    )


def authenticate(session: Session, email: str, password: str) -> User:
    """The active user with these credentials; raises :class:`AuthenticationRequired` otherwise."""
    try:
        address = normalise_email(email)
    except InvalidInput:
        address = ""
    user = session.scalar(select(User).where(User.email == address)) if address else None
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        user = None
    if user is None or not user.is_active:
        raise AuthenticationRequired("wrong email or password")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def create_user(
    session: Session, actor: Principal, email: str, password: str, display_name: str = "", locale: str = "vi"
) -> User:
    require_admin(actor, "users:write")
    address = normalise_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput.one(
            "password", "min-length", f"a password has at least {MIN_PASSWORD_LENGTH} characters"
        )
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise Conflict(f"a user with email {address} exists already", field="email", rule="unique")
    user = User(
        email=address, password_hash=hash_password(password), display_name=display_name, locale=locale
    )
    session.add(user)
    session.flush()  # the audit entry needs the new user's id
    audit.record(session, actor, "user.create", "user", user.id, email=address)
    return user


def add_membership(
    session: Session, actor: Principal, user: User, organisation: Organisation, role: str
) -> Membership:
    require_admin(actor, "users:write")
    if not check_role_fits(role, organisation.kind):
        raise InvalidInput.one(
            "role", "fits-organisation-kind", f"the role '{role}' cannot be held in a {organisation.kind}"
        )
    if any(m.organisation_id == organisation.id for m in user.memberships):
        raise Conflict(
            "the user is a member of this organisation already", field="organisation", rule="unique"
        )
    membership = Membership(user=user, organisation=organisation, role=role)
    session.add(membership)
    session.flush()  # the audit entry needs the membership's id
    audit.record(
        session,
        actor,
        "membership.create",
        "membership",
        membership.id,
        organisation.id,
        user=user.email,
        role=role,
    )
    return membership


def get_user(session: Session, actor: Principal, user_id: int) -> User:
    user = user_by_id(session, user_id)
    require_user_visible(actor, user.id, {m.organisation_id for m in user.memberships})
    return user


def user_by_id(session: Session, user_id: int) -> User:
    """The user, for callers that have already checked they may act on any user."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("no such user")
    return user


def find_user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(f"no user with email {email}")
    return user


def list_users(session: Session, actor: Principal) -> list[User]:
    """Administrators see every user; others see the people in their own organisations."""
    require_scope(actor, "users:read")
    query = select(User).order_by(User.email)
    if not actor.is_admin:
        query = query.where(
            User.id.in_(
                select(Membership.user_id).where(Membership.organisation_id.in_(actor.organisation_ids()))
            )
            | (User.id == actor.user_id)
        )
    return list(session.scalars(query))
