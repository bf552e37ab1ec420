"""Two OS processes appending to the transparency log at once: the log neither forks nor skips.

Each process is a real worker (its own interpreter, engine and notary) on a database of this test's
own, migrated like production: a SQLite file, or a fresh PostgreSQL database on the server named by
``DATABASE_URL``. Every append is its own transaction, as in a request that issues a label.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from app import create_app
from app.database import db
from labels.integrity.audit import audit
from labels.registry.permissions import SYSTEM
from labels.trust import merkle, tlog
from models import LogCheckpoint, LogNode, SignedRecord
from tests.conftest import ROOT
from tests.helpers import scratch_database_url

WORKERS = 2
APPENDS = 30
TIMEOUT = 120.0

#: One worker: warm up (the key passphrase's KDF is slow by design), say it is ready, wait for the
#: go, then append, each append and its checkpoint in a transaction of its own, with a pause between
#: transactions as a request has work of its own to do (otherwise, on SQLite, the worker holding the
#: write lock would take every turn and the other would only ever append after it).
WORKER = """
import os, random, sys, time
from pathlib import Path

from app import create_app
from app.database import db
from models import utcnow

ready, go, appends = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
app = create_app()
notary = app.extensions["notary"]
with db.new_session() as session:
    notary.signer(session, "credential")
    notary.signer(session, "log")
ready.touch()
while not go.exists():
    time.sleep(0.01)
for i in range(appends):
    subject = f"p{os.getpid()}-{i}"
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "http://localhost",
        "credentialSubject": {"id": f"urn:ecoreg:test:{subject}", "n": i},
    }
    with db.new_session() as session:
        notary.record(session, "test", subject, document, utcnow())
        time.sleep(0.002)  # hold the appended-to log a moment: a missing lock would show as a fork
        notary.checkpoint(session)
        session.commit()
    # Work between appends, as a request has: without it one worker could take every turn.
    time.sleep(random.uniform(0.01, 0.04))
"""


@pytest.fixture
def fresh_database_url(tmp_path) -> Iterator[str]:
    """A new, empty database for this test alone; dropped afterwards on PostgreSQL."""
    with scratch_database_url("concurrency", tmp_path) as url:
        yield url


def run_workers(url: str, tmp_path) -> list[str]:
    """Start the workers, release them together once all are warm, and wait; returns their pids."""
    env = dict(os.environ, DATABASE_URL=url, ECOREG_ENV="testing", ECOREG_INSTANCE=str(tmp_path))
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in range(WORKERS)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(flag), str(go), str(APPENDS)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for flag in ready
    ]
    try:
        deadline = time.monotonic() + TIMEOUT
        while not all(flag.exists() for flag in ready):
            failed = [p for p in processes if p.poll() not in (None, 0)]
            assert not failed, failed[0].communicate()[1].decode()
            assert time.monotonic() < deadline, "the workers did not start in time"
            time.sleep(0.02)
        go.touch()
        for process in processes:
            _, stderr = process.communicate(timeout=max(1.0, deadline - time.monotonic()))
            assert process.returncode == 0, stderr.decode()
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    return [str(process.pid) for process in processes]


def test_two_processes_appending_at_once_neither_fork_nor_skip_the_log(fresh_database_url, tmp_path):
    saved = db.engine, db._sessions, getattr(db, "session_info", None)
    other = create_app({"ECOREG_ENV": "testing", "DATABASE_URL": fresh_database_url})
    try:
        with other.app_context():
            upgrade(directory=str(ROOT / "migrations"))
        with db.new_session() as session:
            other.extensions["notary"].generate_keys(session, SYSTEM)
            session.commit()

        pids = run_workers(fresh_database_url, tmp_path)

        with db.new_session() as session:
            assert tlog.size(session) == WORKERS * APPENDS
            records = session.scalars(select(SignedRecord).order_by(SignedRecord.leaf_index)).all()
            assert [r.leaf_index for r in records] == list(range(WORKERS * APPENDS))
            # Each worker's appends are in the log once each, in the order it made them.
            for pid in pids:
                mine = [int(r.subject.split("-")[1]) for r in records if r.subject.startswith(f"p{pid}-")]
                assert mine == list(range(APPENDS)), pid
            # The appends really overlapped: the workers took turns, not one after the other.
            workers = [r.subject.split("-")[0] for r in records]
            turns = 1 + sum(a != b for a, b in itertools.pairwise(workers))
            assert turns >= 4, f"the workers did not interleave ({turns} runs); the test proves nothing"
            leaves = [merkle.leaf_hash(r.canonical) for r in records]
            assert leaves == [r.leaf_hash for r in records]
            level_zero = session.scalar(select(func.count()).select_from(LogNode).where(LogNode.level == 0))
            assert level_zero == WORKERS * APPENDS
            assert tlog.root(session, WORKERS * APPENDS) == merkle.root_of(leaves)
            # A checkpoint of every size in between: each was signed under the same lock as its append.
            checkpoints = session.scalars(select(LogCheckpoint).order_by(LogCheckpoint.tree_size)).all()
            assert [c.tree_size for c in checkpoints] == list(range(WORKERS * APPENDS + 1))
            for checkpoint in checkpoints:
                assert checkpoint.root_hash == merkle.root_of(leaves[: checkpoint.tree_size])
            report = audit(session)
            assert report.findings == []
            assert (report.records, report.checkpoints) == (WORKERS * APPENDS, WORKERS * APPENDS + 1)
    finally:
        if db.engine is not None:
            db.engine.dispose()
        db.engine, db._sessions = saved[0], saved[1]
        if saved[2] is not None:
            db.session_info = saved[2]
