"""The database as a Flask extension: one engine, one session per request, one commit at the edge.

Written here rather than taken from Flask-SQLAlchemy because ``models/`` must stay plain SQLAlchemy
(``labels/`` and the CLI use the same models without Flask). Flask-Migrate needs only ``engine``
and ``metadata`` from it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, Response, g
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from models import Base


def make_engine(url: str, read_only: bool = False, **kwargs) -> Engine:
    """An engine with the pragmas ecoreg relies on: SQLite in WAL mode with foreign keys on.

    ``read_only`` engines serve the pages that only read (the resolver): on SQLite their transactions
    begin DEFERRED and the connection refuses writes, so readers never queue for the write lock.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_read_only_pragmas if read_only else _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; take over, as the
        # SQLAlchemy docs recommend. IMMEDIATE takes the write lock up front: a transaction that read
        # first and wrote later could otherwise fail when another writer got in between (the log,
        # label numbers), and the busy timeout makes the second writer wait instead.
        begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"
        # Straight to the driver: through exec_driver_sql the BEGIN cost a sixth of a scan.
        event.listen(engine, "begin", lambda conn: conn.connection.driver_connection.execute(begin))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_read_only_pragmas(dbapi_connection, record) -> None:
    _sqlite_pragmas(dbapi_connection, record)
    dbapi_connection.execute("PRAGMA query_only=ON")
    # The resolver's indexes stay in this connection's page cache (32 MB, not the default 2 MB)
    # instead of being read again from the OS on every scan.
    dbapi_connection.execute("PRAGMA cache_size=-32768")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Database:
    metadata = Base.metadata

    def __init__(self, app: Flask | None = None):
        self.engine: Engine | None = None
        self._bound: Connection | None = None
        self._held = threading.local()
        self._sessions: sessionmaker[Session] | None = None
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        engine = app.config.get("DATABASE_ENGINE") or make_engine(app.config["DATABASE_URL"])
        self.engine = engine
        # Given to every session: services that sign find the notary in session.info.
        self.session_info = {"notary": app.extensions["notary"]}
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False, info=self.session_info)
        # Read-only pages (the resolver) may use a replica (READ_DATABASE_URL) or, on SQLite, deferred
        # transactions that never wait for writers.
        reader = make_engine(
            app.config.get("READ_DATABASE_URL") or app.config["DATABASE_URL"], read_only=True
        )
        self.read_engine = reader
        self._read_sessions = sessionmaker(bind=reader, expire_on_commit=False, info=self.session_info)
        app.extensions["database"] = self
        app.after_request(self._commit_at_the_edge)
        app.teardown_appcontext(self._close)

    def bind(self, connection) -> None:
        """Open sessions on ``connection`` instead (the tests run each test inside one transaction)."""
        self._bound = connection
        self._sessions = sessionmaker(
            bind=connection,
            expire_on_commit=False,
            join_transaction_mode="create_savepoint",
            info=self.session_info,
        )
        self._read_sessions = self._sessions

    @property
    def session(self) -> Session:
        """This app context's session, opened on first use."""
        if "db_session" not in g:
            g.db_session = self._sessions()
        return g.db_session

    @property
    def read_session(self) -> Session:
        """This app context's read-only session, for pages that never write; never committed."""
        if "db_read_session" not in g:
            if self._bound is not None:
                # Bound to one connection (tests), the reader's savepoint must nest inside the writer's,
                # which _commit_at_the_edge releases after closing the reader: open the writer first.
                self.session.connection()
            g.db_read_session = self._read_sessions()
        return g.db_read_session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """A read-only Core connection outside any request context (the scan lane), in a transaction of
        its own that is rolled back after.

        The connection stays with its thread between uses: taking it from the pool and giving it back
        cost a tenth of a scan. So each thread that scans holds one of the pool's connections (sync
        workers have one thread); a use that fails drops it, and the next use connects afresh.
        """
        if self._bound is not None:
            yield self._bound
            return
        connection = getattr(self._held, "connection", None)
        if connection is None or connection.closed or connection.invalidated:
            connection = self._held.connection = self.read_engine.connect()
        try:
            yield connection
        except BaseException:
            self._held.connection = None
            connection.close()
            raise
        connection.rollback()

    def new_session(self) -> Session:
        """A session of its own, for work outside a request (CLI, jobs)."""
        return self._sessions()

    def _commit_at_the_edge(self, response: Response) -> Response:
        """One commit per request: a request that failed, or whose commit fails, leaves nothing behind."""
        # The read session ends first: it never writes, and where both share one connection (tests bind
        # them to one) its savepoint nests inside the writer's, which the commit below releases.
        reader = g.pop("db_read_session", None)
        if reader is not None:
            reader.close()
        session = g.get("db_session")
        if session is None:
            return response
        if response.status_code >= 400:
            session.rollback()
            return response
        try:
            session.commit()
        except IntegrityError:
            # Two requests raced past the same uniqueness check; the loser is told so, not a 500.
            session.rollback()
            from app.errors import problem

            return problem("conflict", "a concurrent change conflicted with this one; try again")
        return response

    def _close(self, _exc) -> None:
        for name in ("db_session", "db_read_session"):
            session = g.pop(name, None)
            if session is not None:
                session.close()


db = Database()
