"""Server-rendered pages: home, login, the language switch, the role portals, API docs assets."""

from __future__ import annotations

from flask import Flask, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from app.web import pages, portal
from labels.reference import DISTRICTS, SECTORS, name_of


def init_app(app: Flask) -> None:
    app.register_blueprint(pages.bp)

    @app.context_processor
    def _reference_names():
        from app import _select_locale

        locale = _select_locale()
        return {
            "sector_name": lambda code: name_of(SECTORS, code, locale),
            "district_name": lambda code: name_of(DISTRICTS, code, locale),
        }

    app.register_blueprint(portal.bp)

    @app.get("/api/docs/static/<path:filename>")
    def swagger_ui_asset(filename: str):
        """Swagger UI's files, shipped in the swagger-ui-bundle wheel: the API docs need no CDN."""
        return send_from_directory(str(swagger_ui_path), filename, max_age=86400)
