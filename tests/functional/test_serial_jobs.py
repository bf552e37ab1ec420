"""Serial jobs over HTTP with real background threads: accepted, run in chunks with visible progress,
all or nothing, and never left running by a worker that died.

The background thread opens sessions of its own, so these tests cannot share the suite's one
connection-per-test transaction: they run on a database of this module's own, migrated like production
(a SQLite file, or a fresh PostgreSQL database on the server named by ``DATABASE_URL``), with small
chunks and a pause between them so that a job's progress can be watched.
"""

from __future__ import annotations

import secrets
import time
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from app import create_app, serial_jobs
from app.database import db
from labels.codes import lots
from labels.codes.qrclaim import claim_keys, verify_uri
from labels.registry.permissions import SYSTEM
from labels.trust.keyring import active_key, retire_key
from labels.trust.notary import notary_of
from models import AuditEntry, Serial, SerialJob, utcnow
from models.lot import PendingSerial
from tests.conftest import ROOT
from tests.helpers import (
    PASSWORD,
    bearer,
    make_label,
    make_org,
    make_product,
    make_scheme,
    make_token,
    make_user,
    principal,
    scratch_database_url,
)

CHUNK = 10
SYNC_LIMIT = 5
PAUSE_MS = 150
TIMEOUT = 60.0
_DB_STATE = ("engine", "_sessions", "session_info", "read_engine", "_read_sessions")


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A new, empty database for this module alone; dropped afterwards on PostgreSQL."""
    with scratch_database_url("serial_jobs", tmp_path_factory.mktemp("serial_jobs")) as url:
        yield url


@pytest.fixture(scope="module")
def jobs_app(database_url):
    """An app on the module's database; the suite's database extension is given back afterwards."""
    saved = {name: getattr(db, name, None) for name in _DB_STATE}
    app = create_app(
        {
            "ECOREG_ENV": "testing",
            "DATABASE_URL": database_url,
            "SERIAL_SYNC_LIMIT": SYNC_LIMIT,
            "SERIAL_JOB_CHUNK": CHUNK,
            "SERIAL_JOB_PAUSE_MS": PAUSE_MS,
        }
    )
    try:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
        with db.new_session() as session:
            app.extensions["notary"].generate_keys(session, SYSTEM)
            session.commit()
        yield app
    finally:
        serial_jobs.runner(app).wait(TIMEOUT)
        if db.engine is not None:
            db.engine.dispose()
            db.read_engine.dispose()
        for name, value in saved.items():
            setattr(db, name, value)


@pytest.fixture(scope="module")
def world(jobs_app):
    """An enterprise with a labelled product, its member (a token and a login), committed."""
    with db.new_session() as session:
        certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
        member = make_user(session, enterprise, "enterprise")
        product = make_product(session, enterprise, published=True)
        make_label(
            session,
            member,
            make_scheme(session, certifier),
            [product],
            make_user(session, certifier, "certifier"),
        )
        token = make_token(session, member)
        session.commit()
        return {"gtin": product.gtin, "product_id": product.id, "member": member, "token": token}


@pytest.fixture
def client(jobs_app):
    return jobs_app.test_client()


@pytest.fixture
def idle(jobs_app):
    """The runner with nothing to do: no thread of an earlier test takes this test's jobs."""
    assert serial_jobs.runner(jobs_app).wait(TIMEOUT)
    return serial_jobs.runner(jobs_app)


def new_lot(client, world) -> int:
    response = client.post(
        "/api/v1/lots",
        json={"gtin": world["gtin"], "lot_number": f"J{secrets.token_hex(4).upper()}"},
        headers=bearer(world["token"]),
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def request_serials(client, world, lot_id: int, count: int, key: str | None = None):
    return client.post(
        f"/api/v1/lots/{lot_id}/serials",
        json={"count": count},
        headers=bearer(world["token"]) | {"Idempotency-Key": key or secrets.token_hex(8)},
    )


def watch(client, world, url: str, until, on_each=None) -> list[dict]:
    """GET the job every 20 ms until ``until(job)``; every answer seen, in order."""
    seen = []
    deadline = time.monotonic() + TIMEOUT
    while True:
        response = client.get(url, headers=bearer(world["token"]))
        assert response.status_code == 200, response.get_json()
        seen.append(response.get_json())
        if on_each:
            on_each(seen[-1])
        if until(seen[-1]):
            return seen
        assert time.monotonic() < deadline, f"the job did not get there in time: {seen[-1]}"
        time.sleep(0.02)


def finished(job: dict) -> bool:
    return job["state"] in ("succeeded", "failed")


def snapshot(lot_id: int, job_id: int) -> tuple[str, int, int, int]:
    """(state, issued, serials in the lot, pending serials of the job), read in one statement so that
    both databases answer from one consistent snapshot."""
    in_lot = select(func.count()).select_from(Serial).where(Serial.lot_id == lot_id).scalar_subquery()
    pending = (
        select(func.count())
        .select_from(PendingSerial)
        .where(PendingSerial.job_id == job_id)
        .scalar_subquery()
    )
    with db.new_session() as session:
        row = session.execute(
            select(SerialJob.state, SerialJob.issued, in_lot, pending).where(SerialJob.id == job_id)
        ).one()
        session.rollback()
    return tuple(row)


def test_a_big_request_runs_in_the_background_and_its_serials_appear_all_at_once(client, world, idle):
    lot_id = new_lot(client, world)
    accepted = request_serials(client, world, lot_id, 60, key="big-1")
    assert accepted.status_code == 202, accepted.get_json()
    job = accepted.get_json()
    assert job["state"] == "queued" and (job["requested"], job["issued"], job["percent"]) == (60, 0, 0)
    location = accepted.headers["Location"]
    assert location == f"/api/v1/lots/{lot_id}/serial-jobs/{job['id']}" == job["links"]["self"]

    def nothing_shows_before_the_end(seen: dict) -> None:
        state, issued, in_lot, pending = snapshot(lot_id, job["id"])
        if state == "succeeded":
            assert (issued, in_lot, pending) == (60, 60, 0)
        else:
            assert in_lot == 0 and pending == issued <= 60, (state, issued, in_lot, pending)

    seen = watch(client, world, location, finished, nothing_shows_before_the_end)
    assert [j for j in seen if j["state"] == "running" and 0 < j["issued"] < 60], "no progress was seen"
    assert all(
        a["issued"] <= b["issued"] for a, b in zip(seen, seen[1:], strict=False) if b["state"] == "running"
    )
    done = seen[-1]
    assert (done["state"], done["issued"], done["percent"], done["error"]) == ("succeeded", 60, 100, "")
    assert done["finished_at"]

    again = request_serials(client, world, lot_id, 60, key="big-1")
    assert again.status_code == 200 and again.get_json()["id"] == job["id"]
    auth = bearer(world["token"])
    items = client.get(f"/api/v1/lots/{lot_id}/serials?per_page=100", headers=auth).get_json()["items"]
    assert len({item["serial"] for item in items}) == 60
    keys = claim_keys(client.get("/.well-known/jwks.json").get_json())
    for item in items[:5]:
        _, path, _ = verify_uri(item["uri"], keys.__getitem__)
        assert path.endswith(f"/21/{item['serial']}")
    with db.new_session() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(
                AuditEntry.target_type == "lot", AuditEntry.target_id == str(lot_id)
            )
        ).all()
    assert actions.count("serials.request") == 1 and actions.count("serials.issue") == 1


def test_a_small_request_is_issued_within_the_request(client, world, idle):
    lot_id = new_lot(client, world)
    response = request_serials(client, world, lot_id, SYNC_LIMIT)
    assert response.status_code == 201 and response.get_json()["state"] == "succeeded"
    assert snapshot(lot_id, response.get_json()["id"]) == ("succeeded", SYNC_LIMIT, SYNC_LIMIT, 0)


def test_a_key_retired_mid_job_fails_it_and_leaves_nothing_behind(jobs_app, client, world, idle):
    lot_id = new_lot(client, world)
    accepted = request_serials(client, world, lot_id, 100)
    location, job_id = accepted.headers["Location"], accepted.get_json()["id"]
    watch(client, world, location, lambda job: job["issued"] >= CHUNK)
    notary = jobs_app.extensions["notary"]
    try:
        with db.new_session() as session:
            retire_key(session, SYSTEM, active_key(session, "credential").kid)
            session.commit()
        failed = watch(client, world, location, finished)[-1]
        assert failed["state"] == "failed", (
            "the job ended before the key was retired: the test proves nothing"
        )
        assert "retired" in failed["error"] and "nothing was issued" in failed["error"]
        assert (failed["issued"], failed["percent"]) == (0, 0)
        assert snapshot(lot_id, job_id) == ("failed", 0, 0, 0)
    finally:
        with db.new_session() as session:
            notary.rotate_key(session, SYSTEM, "credential")  # signing resumes for the other tests
            session.commit()


def test_a_serial_clash_at_the_end_fails_the_whole_job(client, world, idle):
    lot_id, other_lot = new_lot(client, world), new_lot(client, world)
    earlier = request_serials(client, world, other_lot, 1).get_json()
    accepted = request_serials(client, world, lot_id, 60)
    location, job_id = accepted.headers["Location"], accepted.get_json()["id"]
    watch(client, world, location, lambda job: job["issued"] >= CHUNK)
    with db.new_session() as session:
        # Another issuance that happened to draw one of this job's serials (71 random bits: never in
        # practice, but the unique constraint must still keep the two apart).
        taken = session.scalar(select(PendingSerial.serial).where(PendingSerial.job_id == job_id).limit(1))
        session.add(
            Serial(
                product_id=world["product_id"],
                lot_id=other_lot,
                job_id=earlier["id"],
                serial=taken,
                claim="x",
            )
        )
        session.commit()
    failed = watch(client, world, location, finished)[-1]
    assert failed["state"] == "failed" and "clashed" in failed["error"]
    assert snapshot(lot_id, job_id) == ("failed", 0, 0, 0)
    assert snapshot(other_lot, earlier["id"])[2] == 2  # the other issuance is untouched


def test_a_job_left_running_by_a_dead_worker_is_failed_when_read(jobs_app, client, world, idle):
    lot_id = new_lot(client, world)
    with db.new_session() as session:
        # What a worker had done when it died: the job claimed, one chunk staged, 11 minutes ago.
        job, _ = lots.submit_serials(session, principal(world["member"]), lot_id, 30, "died", at_once=False)
        lots.claim_job(session, utcnow(), job.id)
        plan = lots.job_plan(session, job.id, utcnow())
        key, private = notary_of(session).signer(session, "credential")
        rows = lots.sign_serials(plan, CHUNK, private, set())
        lots.stage_serials(session, job.id, rows, key.id, utcnow() - timedelta(minutes=11))
        session.commit()
        job_id = job.id
    assert snapshot(lot_id, job_id) == ("running", CHUNK, 0, CHUNK)
    url = f"/api/v1/lots/{lot_id}/serial-jobs/{job_id}"
    read = client.get(url, headers=bearer(world["token"])).get_json()
    assert read["state"] == "failed" and "stopped" in read["error"]
    assert snapshot(lot_id, job_id) == ("failed", 0, 0, 0)


def test_a_job_queued_by_a_worker_that_died_runs_when_polled(client, world, idle):
    lot_id = new_lot(client, world)
    with db.new_session() as session:
        # Committed, but the worker that queued it died before waking its runner.
        job, _ = lots.submit_serials(session, principal(world["member"]), lot_id, 20, "orphan", at_once=False)
        session.commit()
        job_id = job.id
    url = f"/api/v1/lots/{lot_id}/serial-jobs/{job_id}"
    assert client.get(url, headers=bearer(world["token"])).get_json()["state"] == "queued"
    done = watch(client, world, url, finished)[-1]
    assert done["state"] == "succeeded" and snapshot(lot_id, job_id) == ("succeeded", 20, 20, 0)


def test_the_portal_follows_a_big_request_to_its_end_and_prints_it(client, world, idle):
    lot_id = new_lot(client, world)
    assert (
        client.post("/login", data={"email": world["member"].email, "password": PASSWORD}).status_code == 302
    )
    form = {"count": "40", "idempotency_key": "portal-1"}
    response = client.post(f"/portal/lots/{lot_id}/serials", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    page_url = response.headers["Location"]
    job_id = int(page_url.rsplit("/", 1)[1])
    assert page_url == f"/portal/lots/{lot_id}/jobs/{job_id}"
    page = client.get(page_url).get_data(as_text=True)
    if 'data-state="succeeded"' not in page:  # still going: the page polls and refreshes itself
        assert f'data-poll="/portal/lots/{lot_id}/jobs/{job_id}.json"' in page
        assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
        assert "/static/serial-job.js" in page and 'id="job-reload"' in page
    deadline = time.monotonic() + TIMEOUT
    while (job := client.get(f"{page_url}.json").get_json())["state"] not in ("succeeded", "failed"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert (job["state"], job["percent"], job["state_name"]) == ("succeeded", 100, "đã xong")
    page = client.get(page_url).get_data(as_text=True)
    assert 'data-state="succeeded"' in page and "http-equiv" not in page and "serial-job.js" not in page
    twice = client.post(f"/portal/lots/{lot_id}/serials", data=form)  # the same form sent again
    assert twice.headers["Location"] == page_url
    lot_page = client.get(f"/portal/lots/{lot_id}").get_data(as_text=True)
    assert 'id="serial-total">40<' in lot_page
    sheet = client.get(f"/portal/lots/{lot_id}/sheet.pdf?start=0")
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf" and sheet.data.startswith(b"%PDF")
