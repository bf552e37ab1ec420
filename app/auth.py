"""Who is calling: a web session (Flask-Login) for pages, a bearer token for the API."""

from __future__ import annotations

from flask import g, request
from flask_login import UserMixin, current_user

from app.database import db
from app.extensions import login_manager
from labels.errors import AuthenticationRequired
from labels.registry.accounts import principal_for
from labels.registry.permissions import ANONYMOUS, Principal
from labels.registry.tokens import resolve_token
from models import User

login_manager.login_view = "web.login"
login_manager.session_protection = "strong"


class SessionUser(UserMixin):
    """Flask-Login's view of a :class:`~models.User`; the model itself stays free of Flask."""

    def __init__(self, user: User):
        self.user = user
        self.id = user.id

    @property
    def is_active(self) -> bool:
        return self.user.is_active


@login_manager.user_loader
def _load_user(user_id: str) -> SessionUser | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return SessionUser(user) if user is not None and user.is_active else None


def api_principal() -> Principal:
    """The API caller. The API reads bearer tokens only, never the session cookie, so a page in
    another tab cannot make a logged-in browser call it (no CSRF through the API)."""
    if "api_principal" not in g:
        header = request.headers.get("Authorization", "")
        if not header:
            g.api_principal = ANONYMOUS
        else:
            scheme, _, secret = header.partition(" ")
            if scheme.lower() != "bearer" or not secret.strip():
                raise AuthenticationRequired("send the token as 'Authorization: Bearer <token>'")
            token = resolve_token(db.session, secret.strip())
            g.api_principal = principal_for(token.user, "api", frozenset(token.scopes))
    return g.api_principal


def web_principal() -> Principal:
    """The person behind the browser session, or the anonymous visitor."""
    if current_user.is_authenticated:
        return principal_for(current_user.user, "web")
    return Principal(user_id=None, channel="web")
