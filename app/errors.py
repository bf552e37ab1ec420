"""Every refusal, mapped once: RFC 9457 problem documents for the API, HTML pages for browsers.

A problem's ``type`` is the relative URI ``/problems/{name}``; the registry serves a page there
explaining it, and the names never change. Validation problems list each broken rule as
``{"field", "rule", "message", "location"}``.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, json, render_template, request
from flask_limiter.errors import RateLimitExceeded
from werkzeug.exceptions import HTTPException, InternalServerError

from labels.common.validation import flatten_messages, rule_and_message
from labels.errors import (
    AuthenticationRequired,
    Conflict,
    InvalidInput,
    InvalidQuery,
    LabelsError,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
)
from labels.registry.product_import import ImportRefused
from labels.trust.keyring import SigningUnavailable

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"

#: name -> (status, title)
PROBLEMS: dict[str, tuple[int, str]] = {
    "bad-request": (400, "The request is malformed"),
    "invalid-query": (400, "The query has unknown or malformed parameters"),
    "invalid-epcis-document": (400, "The EPCIS document is not valid"),
    "unauthenticated": (401, "Authentication required"),
    "forbidden": (403, "You may not do this"),
    "not-found": (404, "Not found"),
    "method-not-allowed": (405, "Method not allowed"),
    "not-acceptable": (406, "Not acceptable"),
    "conflict": (409, "Conflict with the current state"),
    "payload-too-large": (413, "The request body is too large"),
    "unsupported-media-type": (415, "Unsupported media type"),
    "invalid-input": (422, "The request has invalid fields"),
    "import-refused": (422, "The file has errors; nothing was imported"),
    "rate-limited": (429, "Too many requests"),
    "internal-error": (500, "Internal error"),
    "signing-unavailable": (503, "The registry cannot sign right now"),
}
_BY_STATUS = {status: name for name, (status, _) in reversed(PROBLEMS.items())}


def problem(name: str, detail: str, status: int | None = None, **extra) -> Response:
    code, title = PROBLEMS.get(name, (status or 500, name))
    body = {"type": f"/problems/{name}", "title": title, "status": status or code, "detail": detail}
    body["instance"] = request.path
    body.update(extra)
    response = Response(json.dumps(body, ensure_ascii=False), status=body["status"], mimetype=PROBLEM_JSON)
    return response


def wants_problem() -> bool:
    """API clients and non-browser callers get problem JSON; browsers get a page."""
    if request.path.startswith(("/api/", "/epcis", "/.well-known/")):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json", PROBLEM_JSON])
    return best != "text/html"


def _http_problem(exc: HTTPException) -> Response:
    status = exc.code or 500
    name = _BY_STATUS.get(status, "bad-request" if status < 500 else "internal-error")
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    extra = {}
    detail = exc.description or PROBLEMS.get(name, (status, ""))[1]
    if messages:
        errors = []
        for location, fields in messages.items():
            for field, text in flatten_messages(fields):
                rule, message = rule_and_message(text)
                errors.append(
                    {"field": field or "body", "location": location, "rule": rule, "message": message}
                )
        extra["errors"] = errors
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        if status == 422:
            name = "invalid-input"
    elif status == 413:
        limit = request.max_content_length
        extra["errors"] = [
            {
                "field": "body",
                "location": "body",
                "rule": "max-size",
                "message": f"the body may have at most {limit} bytes",
            }
        ]
    response = problem(name, detail, status, **extra)
    if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ecoreg"'
    for key, value in exc.get_headers() if status == 429 else []:
        if key.lower() != "content-type":
            response.headers[key] = value
    return response


def _body_location() -> str:
    if request.is_json:
        return "json"
    forms = ("multipart/form-data", "application/x-www-form-urlencoded")
    return "form" if request.mimetype in forms else "body"


def _domain_problem(exc: LabelsError) -> Response:
    if isinstance(exc, ImportRefused):
        return problem(
            "import-refused",
            exc.detail,
            errors=[e.as_dict() | {"location": "file"} for e in exc.report.errors],
            rows=exc.report.rows,
        )
    if isinstance(exc, InvalidInput):
        location = "query" if isinstance(exc, InvalidQuery) else _body_location()
        return problem(
            exc.problem, exc.detail, errors=[i.as_dict() | {"location": location} for i in exc.issues]
        )
    if isinstance(exc, Conflict):
        extra = {}
        if exc.field:
            extra["errors"] = [
                {
                    "field": exc.field,
                    "rule": exc.rule or "conflict",
                    "message": exc.detail,
                    "location": _body_location(),
                }
            ]
        return problem("conflict", exc.detail, **extra)
    if isinstance(exc, PayloadTooLarge):
        issue = {"field": exc.field, "rule": "max-size", "message": exc.detail, "location": _body_location()}
        return problem("payload-too-large", exc.detail, errors=[issue])
    if isinstance(exc, AuthenticationRequired):
        response = problem("unauthenticated", exc.detail)
        response.headers["WWW-Authenticate"] = 'Bearer realm="ecoreg"'
        return response
    if isinstance(exc, NotFound | PermissionDenied | SigningUnavailable):
        return problem(exc.problem, exc.detail)
    return problem("bad-request", exc.detail, 400)


def _html(status: int, title: str, detail: str) -> tuple[str, int]:
    return render_template("errors/error.html", status=status, title=title, detail=detail), status


def handle_http_exception(exc: HTTPException):
    if wants_problem():
        return _http_problem(exc)
    response = _html(exc.code or 500, exc.name, exc.description or "")
    return response


def handle_domain_error(exc: LabelsError):
    if wants_problem():
        return _domain_problem(exc)
    status = _domain_problem(exc).status_code
    return _html(status, PROBLEMS.get(exc.problem, (status, exc.problem))[1], exc.detail)


def handle_unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    if wants_problem():
        return problem("internal-error", "an unexpected error occurred; it has been logged")
    return _html(500, InternalServerError.name, "An unexpected error occurred; it has been logged.")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(RateLimitExceeded, handle_http_exception)
    app.register_error_handler(LabelsError, handle_domain_error)
    app.register_error_handler(Exception, handle_unexpected)

    @app.get("/problems/<name>")
    def problem_type(name: str):
        """Explain one problem type."""
        if name not in PROBLEMS:
            return _html(404, "Not found", "There is no such problem type.")
        status, title = PROBLEMS[name]
        return render_template("errors/problem_type.html", name=name, status=status, title=title)
