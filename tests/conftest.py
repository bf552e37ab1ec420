"""Fixtures shared by the whole suite.

The database is real: SQLite in a temporary file by default, or the PostgreSQL server named by
``DATABASE_URL`` (``.ci/run`` sets it). The schema is built once per run by the Alembic migrations,
and every test runs inside a transaction that is rolled back afterwards (each request's commit
only releases a savepoint), the pypi/warehouse pattern.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app
from app.database import db, make_engine
from labels.registry.permissions import SYSTEM

ROOT = Path(__file__).resolve().parent.parent
SHARED_TESTDATA = ROOT.parent / "shared" / "testdata"


def database_url(tmp_dir: Path) -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


def reset_database(url: str) -> None:
    """An empty database: PostgreSQL's public schema recreated; a SQLite file is new anyway."""
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("db")
    url = database_url(tmp)
    reset_database(url)
    application = create_app({"ECOREG_ENV": "testing", "DATABASE_URL": url})
    with application.app_context():
        from flask_migrate import upgrade

        upgrade(directory=str(ROOT / "migrations"))
        # Keys are made once for the whole run (decrypting one is slow by design), outside every
        # test's transaction, like the keys an operator generates once at installation.
        with db.new_session() as keys_session:
            application.extensions["notary"].generate_keys(keys_session, SYSTEM)
            keys_session.commit()
    yield application
    db.engine.dispose()


@pytest.fixture
def connection(app):
    with db.engine.connect() as conn:
        transaction = conn.begin()
        db.bind(conn)
        yield conn
        if transaction.is_active:
            transaction.rollback()


@pytest.fixture
def session(app, connection):
    """A session inside the test's transaction (services take it; nothing outlives the test).

    It lives outside any app context, so each request the test client makes gets a fresh one, as
    in production; both meet on the test's connection.
    """
    with db.new_session() as test_session:
        yield test_session


@pytest.fixture
def client(app, connection):
    return app.test_client()


@pytest.fixture
def runner(app, connection):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def shared_testdata() -> Path:
    if not SHARED_TESTDATA.is_dir():
        raise RuntimeError(f"the official test vectors are expected at {SHARED_TESTDATA}")
    return SHARED_TESTDATA


@pytest.fixture
def rate_limits(app):
    """Set rate limits for one test, with counters starting from zero; restored afterwards."""
    from app.extensions import limiter

    saved = {
        key: app.config[key] for key in ("LOGIN_RATE_LIMIT", "API_ANONYMOUS_RATE_LIMIT", "VERIFY_RATE_LIMIT")
    }
    limiter.reset()

    def set_limits(**limits):
        app.config.update(limits)

    yield set_limits
    app.config.update(saved)
    limiter.reset()
