"""The ecoreg web application: ``create_app()`` builds it (gunicorn: ``app:create_app()``)."""

from __future__ import annotations

from flask import Flask, session

import config as ecoreg_config

#: On every response (the scan lane, which answers before Flask, sends them too).
SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ecoreg_config.INSTANCE), instance_relative_config=False)
    settings = ecoreg_config.load(test_config.get("ECOREG_ENV") if test_config else None)
    app.config.update(settings)
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    from app import api, cli, errors, scan_log, web, webhook_dispatcher
    from app.database import db
    from app.extensions import babel, csrf, limiter, login_manager, migrate
    from labels.trust.notary import Notary

    app.extensions["notary"] = Notary(
        app.config["PUBLIC_BASE_URL"],
        ecoreg_config.key_passphrase(app.config),
        app.config["LOG_ORIGIN"] or None,
    )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ecoreg_config.ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    errors.init_app(app)
    api.init_app(app)
    web.init_app(app)
    cli.init_app(app)
    webhook_dispatcher.init_app(app)
    scan_log.init_app(app)

    @app.after_request
    def _security_headers(response):
        for name, value in SECURITY_HEADERS:
            response.headers.setdefault(name, value)
        if response.mimetype == "text/html":
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    app.jinja_env.globals["current_locale"] = lambda: _select_locale()
    from app.scan_lane import ScanLane

    app.wsgi_app = ScanLane(app, app.wsgi_app)
    return app


def _select_locale() -> str:
    """The visitor's explicit choice (``?lang=`` or the session), else Vietnamese."""
    from flask import current_app, request

    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") if request else None
    if chosen in languages:
        return chosen
    stored = session.get("lang")
    return stored if stored in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
