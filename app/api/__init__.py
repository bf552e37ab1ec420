"""The JSON API under /api/v1: one flask-smorest blueprint per resource group."""

from __future__ import annotations

from flask import Flask, current_app, request

from app.api import (
    applications,
    audit,
    epcis,
    events_import,
    labels,
    lots,
    organisations,
    plan,
    plan_enterprises,
    products,
    schemes,
    signals,
    tokens,
    trace,
    trust,
    users,
    verify,
    watchlists,
)
from app.auth import api_principal
from app.extensions import Api, _has_valid_token, csrf, limiter
from labels.errors import FieldIssue, InvalidInput
from labels.registry.permissions import require_authenticated

BLUEPRINTS = (
    organisations.blp,
    users.blp,
    tokens.blp,
    products.blp,
    schemes.blp,
    applications.blp,
    labels.blp,
    lots.blp,
    epcis.blp,
    events_import.blp,
    trace.blp,
    signals.blp,
    verify.blp,
    trust.blp,
    audit.blp,
    watchlists.blp,
    plan.blp,
    plan_enterprises.blp,
)


#: POSTs anyone may make: they change nothing (checking codes), and are rate-limited instead.
ANONYMOUS_POSTS = {"verify.Verify"}


def _authenticate_first() -> None:
    """Who is calling is settled before the body is read: a bad token, or a write with no token,
    is a 401 even when the body is also wrong."""
    principal = api_principal()
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.endpoint not in ANONYMOUS_POSTS:
        require_authenticated(principal)


def _refuse_nul_characters() -> None:
    """Text with NUL characters is refused up front: PostgreSQL cannot store it, and no real name,
    address or search term contains one."""
    suspects = [(f"query.{k}", v) for k, v in request.args.items(multi=True)]
    suspects += [(f"form.{k}", v) for k, v in request.form.items(multi=True)]
    if request.is_json:
        suspects += list(_strings(request.get_json(silent=True), "json"))
    for field, value in suspects:
        if "\x00" in value:
            location, _, name = field.partition(".")
            raise InvalidInput(FieldIssue(name or location, "no-nul", "text may not contain NUL characters"))


def _strings(value, path):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, path)
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}.{index}")


# Blueprint set-up happens once, at import: an app may be created many times (tests, workers).
_anonymous_limit = limiter.shared_limit(
    lambda: current_app.config["API_ANONYMOUS_RATE_LIMIT"],
    scope="api-anonymous",
    exempt_when=_has_valid_token,
)
for _blueprint in BLUEPRINTS:
    _blueprint.before_request(_authenticate_first)
    _blueprint.before_request(_refuse_nul_characters)
    # Token-authenticated calls carry no cookies, so no CSRF token is needed or possible.
    csrf.exempt(_blueprint)
    _anonymous_limit(_blueprint)


def init_app(app: Flask) -> None:
    api = Api(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "an ecoreg API token"}
    )
    api.spec.options["security"] = [{}, {"bearerAuth": []}]
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    app.register_blueprint(trust.public)
