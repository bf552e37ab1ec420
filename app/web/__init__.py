"""Server-rendered pages: home, login, the language switch, the role portals, API docs assets."""

from __future__ import annotations

from flask import Flask, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from app.auth import web_principal
from app.web import (
    catalogue,
    certification,
    journey,
    pages,
    plan,
    portal,
    resolver,
    scan,
    shelf,
    signals,
    traceability,
    watchlist,
)
from labels.registry.reference import DISTRICTS, SECTORS, name_of


def init_app(app: Flask) -> None:
    app.register_blueprint(pages.bp)

    @app.context_processor
    def _reference_names():
        from app import _select_locale

        locale = _select_locale()
        return {
            "sector_name": lambda code: name_of(SECTORS, code, locale),
            "district_name": lambda code: name_of(DISTRICTS, code, locale),
            "localised": lambda vi, en: en if locale == "en" and en else vi,
        }

    app.register_blueprint(portal.bp)
    app.register_blueprint(catalogue.bp)
    app.register_blueprint(certification.bp)
    app.register_blueprint(resolver.bp)
    app.register_blueprint(journey.bp)
    app.register_blueprint(traceability.bp)
    app.register_blueprint(scan.bp)
    app.register_blueprint(shelf.bp)
    app.register_blueprint(signals.bp)
    app.register_blueprint(watchlist.bp)
    app.register_blueprint(plan.bp)

    app.jinja_env.globals["web_principal"] = web_principal
    app.jinja_env.filters["combine_page"] = lambda query, page: {**query, "page": page}

    @app.get("/api/docs/static/<path:filename>")
    def swagger_ui_asset(filename: str):
        """Swagger UI's files, shipped in the swagger-ui-bundle wheel: the API docs need no CDN."""
        return send_from_directory(str(swagger_ui_path), filename, max_age=86400)
