"""The migrations and the models describe the same schema, and migrate both ways."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from app.database import db
from models import Base
from tests.conftest import ROOT, reset_database


def test_the_migrated_schema_matches_the_models(app, connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, Base.metadata) == []


def test_migrations_downgrade_to_nothing_and_upgrade_again(tmp_path, monkeypatch):
    import os

    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    if url.startswith("postgresql"):
        # A database of its own, so the suite's schema is not disturbed.
        from sqlalchemy import text

        from app.database import make_engine

        admin = make_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP DATABASE IF EXISTS ecoreg_roundtrip"))
            conn.execute(text("CREATE DATABASE ecoreg_roundtrip"))
        url = url.rsplit("/", 1)[0] + "/ecoreg_roundtrip"
    reset_database(url)
    original = db.engine, db._sessions
    other = create_app({"ECOREG_ENV": "testing", "DATABASE_URL": url})
    try:
        with other.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            downgrade(directory=str(ROOT / "migrations"), revision="base")
            upgrade(directory=str(ROOT / "migrations"))
            tables = set(db.engine.dialect.get_table_names(db.engine.connect()))
            assert {"organisations", "users", "products", "audit_entries", "api_tokens"} <= tables
            db.engine.dispose()
    finally:
        db.engine, db._sessions = original
