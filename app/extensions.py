"""Flask extensions, created unbound here and wired to the app in ``create_app``."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest import Api as SmorestApi
from flask_wtf.csrf import CSRFProtect

from app.database import db
from app.errors import PROBLEM_JSON, handle_http_exception


class Api(SmorestApi):
    """flask-smorest, with RFC 9457 problem documents instead of its own error bodies."""

    def handle_http_exception(self, error):
        return handle_http_exception(error)

    def _register_responses(self):
        from app.api.schemas import ProblemSchema

        self.ERROR_SCHEMA = ProblemSchema
        original = self.DEFAULT_RESPONSE_CONTENT_TYPE
        # Error responses are documented as problem documents, which is what they are.
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_JSON
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = original


def _has_valid_token() -> bool:
    """Token holders are not rate-limited as anonymous callers; a bad token is (it earns a 401)."""
    from app.auth import api_principal
    from labels.errors import AuthenticationRequired

    if not request.headers.get("Authorization"):
        return False
    try:
        return api_principal().is_authenticated
    except AuthenticationRequired:
        return False


babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
migrate = Migrate()
limiter = Limiter(key_func=get_remote_address)

__all__ = ["Api", "babel", "csrf", "db", "limiter", "login_manager", "migrate", "_has_valid_token"]
