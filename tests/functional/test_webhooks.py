"""Webhook delivery with real parts: the worker's background thread, a real receiver on 127.0.0.1 that
checks every signature and fails on cue, retries with backoff, giving up, a worker that died
mid-attempt, two workers at once, and the failures the log records (redirects, private addresses,
timeouts).

The dispatcher opens sessions of its own and commits, so, as in test_serial_jobs.py, these tests run on
a database of this module's own (a SQLite file, or a fresh PostgreSQL database on the server named by
``DATABASE_URL``), migrated like production, with backoffs of a few hundred milliseconds.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, update

from app import create_app, webhook_dispatcher
from app.database import db
from labels.notices import webhooks
from labels.registry.permissions import SYSTEM
from models import WebhookDelivery, WebhookEndpoint, utcnow
from tests.conftest import ROOT
from tests.helpers import (
    bearer,
    make_label,
    make_org,
    make_product,
    make_scheme,
    make_token,
    make_user,
    scratch_database_url,
)
from tests.webhook_receiver import Receiver

TIMEOUT = 30.0
_DB_STATE = ("engine", "_sessions", "session_info", "read_engine", "_read_sessions")
SETTINGS = {
    "WEBHOOK_BACKOFF_BASE_MS": 200,
    "WEBHOOK_BACKOFF_MAX_MS": 2000,
    "WEBHOOK_MAX_ATTEMPTS": 4,
    "WEBHOOK_TIMEOUT_SECONDS": 1,
    "WEBHOOK_SWEEP_SECONDS": 60,
    "WEBHOOK_ALLOW_PRIVATE_NETWORKS": True,
    "WEBHOOK_DISPATCHER_THREAD": False,
}


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """A new, empty database for this module alone; dropped afterwards on PostgreSQL."""
    with scratch_database_url("webhooks", tmp_path_factory.mktemp("webhooks")) as url:
        yield url


@pytest.fixture(scope="module")
def hooks_app(database_url):
    """An app on the module's database; the suite's database extension is given back afterwards."""
    saved = {name: getattr(db, name, None) for name in _DB_STATE}
    app = create_app({"ECOREG_ENV": "testing", "DATABASE_URL": database_url} | SETTINGS)
    try:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
        with db.new_session() as session:
            app.extensions["notary"].generate_keys(session, SYSTEM)
            session.commit()
        yield app
    finally:
        assert webhook_dispatcher.dispatcher(app).stop(TIMEOUT)
        if db.engine is not None:
            db.engine.dispose()
            db.read_engine.dispose()
        for name, value in saved.items():
            setattr(db, name, value)


@pytest.fixture
def config(hooks_app):
    """The module's settings, changed for one test and put back."""
    hooks_app.config.update(SETTINGS)
    yield hooks_app.config
    hooks_app.config.update(SETTINGS)


@pytest.fixture
def client(hooks_app):
    return hooks_app.test_client()


@pytest.fixture
def thread(hooks_app, config):
    """Worker threads on: the next request starts this process's dispatcher; stopped afterwards."""
    config["WEBHOOK_DISPATCHER_THREAD"] = True
    yield webhook_dispatcher.dispatcher(hooks_app)
    assert webhook_dispatcher.dispatcher(hooks_app).stop(TIMEOUT)


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def shop(hooks_app):
    return _fresh_shop(hooks_app)


def _fresh_shop(hooks_app):
    """A fresh certified product, its certifier, and a fresh supermarket, committed."""
    with db.new_session() as session:
        certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
        member, reviewer = (
            make_user(session, enterprise, "enterprise"),
            make_user(session, certifier, "certifier"),
        )
        product = make_product(session, enterprise, published=True)
        label = make_label(session, member, make_scheme(session, certifier), [product], reviewer)
        buyer = make_user(session, make_org(session, "retailer"), "retailer")
        found = SimpleNamespace(
            gtin=product.gtin,
            label_number=label.label_number,
            buyer_token=make_token(session, buyer),
            reviewer_token=make_token(session, reviewer),
        )
        session.commit()
    return found


def watch_with_endpoint(client, shop, receiver) -> int:
    auth = bearer(shop.buyer_token)
    assert client.post("/api/v1/watchlist", json={"gtin": shop.gtin}, headers=auth).status_code == 201
    created = client.post("/api/v1/webhooks", json={"url": receiver.url}, headers=auth)
    assert created.status_code == 201, created.get_json()
    receiver.secret = created.get_json()["secret"]
    return created.get_json()["id"]


def decide(client, shop, action: str) -> None:
    response = client.post(
        f"/api/v1/labels/{shop.label_number}/transitions",
        json={"action": action, "reason": "kiểm tra thị trường"},
        headers=bearer(shop.reviewer_token),
    )
    assert response.status_code == 200, response.get_json()


def delivery_log(client, shop, endpoint_id: int) -> list[dict]:
    response = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=bearer(shop.buyer_token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def until(probe, what: str):
    deadline = time.monotonic() + TIMEOUT
    while not (found := probe()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return found


def one_pass(hooks_app) -> webhook_dispatcher.PassReport:
    return webhook_dispatcher.run_pass(db.new_session, webhook_dispatcher.DispatchSettings(hooks_app.config))


def test_the_workers_thread_retries_with_backoff_until_the_receiver_answers(client, shop, thread, receiver):
    receiver.script = [500, 503]
    endpoint_id = watch_with_endpoint(client, shop, receiver)  # the first request starts the thread
    decide(client, shop, "suspend")  # its commit wakes the thread

    first, second, third = receiver.wait_for(3)
    assert all(r.verified for r in (first, second, third))
    assert {r.headers["webhook-id"] for r in (first, second, third)} == {first.headers["webhook-id"]}
    assert [r.headers["ecoreg-delivery-attempt"] for r in (first, second, third)] == ["1", "2", "3"]
    assert first.body == second.body == third.body  # the same event, byte for byte
    # Backoff: 200 ms then 400 ms, less at most half for jitter.
    assert second.at - first.at >= 0.1 and third.at - second.at >= 0.2

    delivered = until(
        lambda: [d for d in delivery_log(client, shop, endpoint_id) if d["state"] == "delivered"], ""
    )
    (delivery,) = delivered
    assert (delivery["attempts"], delivery["last_status_code"], delivery["delivered_at"] is not None) == (
        3,
        200,
        True,
    )
    assert [(a["number"], a["status_code"]) for a in delivery["log"]] == [(1, 500), (2, 503), (3, 200)]
    assert delivery["log"][0]["response_excerpt"] == "receiver is down for maintenance"
    assert all(a["duration_ms"] is not None for a in delivery["log"])


def test_a_receiver_that_keeps_failing_is_given_up_and_the_log_shows_why(
    client, config, shop, thread, receiver
):
    config["WEBHOOK_MAX_ATTEMPTS"] = 3
    config["WEBHOOK_BACKOFF_BASE_MS"] = 50
    receiver.then = 500
    endpoint_id = watch_with_endpoint(client, shop, receiver)
    decide(client, shop, "withdraw")

    failed = until(lambda: [d for d in delivery_log(client, shop, endpoint_id) if d["state"] == "failed"], "")
    (delivery,) = failed
    assert delivery["attempts"] == 3 and delivery["next_attempt_at"] is None
    assert [(a["number"], a["status_code"]) for a in delivery["log"]] == [(1, 500), (2, 500), (3, 500)]
    time.sleep(0.3)
    assert len(receiver.received) == 3  # given up means no more tries


def test_a_paused_endpoint_keeps_what_was_due_until_resumed_and_gets_nothing_new(
    hooks_app, client, shop, config, receiver
):
    endpoint_id = watch_with_endpoint(client, shop, receiver)
    auth = bearer(shop.buyer_token)
    decide(client, shop, "suspend")  # due before the pause
    paused = client.patch(f"/api/v1/webhooks/{endpoint_id}", json={"active": False}, headers=auth)
    assert paused.status_code == 200 and paused.get_json()["active"] is False
    decide(client, shop, "reinstate")  # during the pause: a notice, but no delivery
    assert one_pass(hooks_app).delivered == 0 and receiver.received == []
    resumed = client.patch(f"/api/v1/webhooks/{endpoint_id}", json={"active": True}, headers=auth)
    assert resumed.status_code == 200
    assert one_pass(hooks_app).delivered == 1
    (sent,) = receiver.wait_for(1)
    assert sent.verified and sent.json["type"] == "label.suspended"
    notices = client.get("/api/v1/notifications", headers=auth).get_json()["items"]
    assert [n["kind"] for n in notices] == ["reinstated", "suspended"]


def test_an_attempt_whose_worker_died_is_made_again_after_its_lease(
    hooks_app, client, shop, config, receiver
):
    endpoint_id = watch_with_endpoint(client, shop, receiver)
    decide(client, shop, "suspend")
    (pending,) = delivery_log(client, shop, endpoint_id)
    settings = webhook_dispatcher.DispatchSettings(config)
    then = utcnow() - timedelta(minutes=10)
    with db.new_session() as session:
        # What a worker did before it died: it claimed the attempt ten minutes ago, and never came back.
        session.execute(
            update(WebhookDelivery).where(WebhookDelivery.id == pending["id"]).values(next_attempt_at=then)
        )
        claimed = webhooks.claim(session, pending["id"], then, settings.lease, 4)
        session.commit()
    assert claimed is not None and claimed.attempt == 1
    with db.new_session() as session:
        assert webhooks.claim(session, pending["id"], utcnow(), settings.lease, 4) is not None
        session.rollback()  # (only checking: the lease has run out, so it is due again)

    assert one_pass(hooks_app).delivered == 1
    (request,) = receiver.wait_for(1)
    assert request.verified and request.headers["ecoreg-delivery-attempt"] == "2"
    (delivery,) = delivery_log(client, shop, endpoint_id)
    assert delivery["state"] == "delivered" and delivery["attempts"] == 2
    assert [(a["number"], a["status_code"], a["error"]) for a in delivery["log"]] == [
        (1, None, webhooks.LOST),
        (2, 200, ""),
    ]


def test_two_workers_at_once_make_each_attempt_once(hooks_app, client, shop, config, receiver):
    receiver.delay = 0.02  # so that the two workers overlap
    auth = bearer(shop.buyer_token)
    watch_with_endpoint(client, shop, receiver)
    for _ in range(2):  # three endpoints of the same retailer, all on the same receiver
        assert client.post("/api/v1/webhooks", json={"url": receiver.url}, headers=auth).status_code == 201
    # The secrets differ; the receiver checks them all.
    with db.new_session() as session:
        secrets_of = session.scalars(
            select(WebhookEndpoint.secret).where(WebhookEndpoint.url == receiver.url)
        ).all()
    for action in ("suspend", "reinstate", "suspend"):
        decide(client, shop, action)

    settings = webhook_dispatcher.DispatchSettings(config)
    reports, errors = [], []

    def worker():
        try:
            reports.append(webhook_dispatcher.deliver_due(db.new_session, settings))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)

    workers = [threading.Thread(target=worker) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(TIMEOUT)
    assert not errors
    got = receiver.wait_for(9)
    time.sleep(0.1)
    assert len(receiver.received) == 9
    assert len({r.headers["webhook-id"] for r in got}) == 9
    assert all(any(webhooks.verify_signature(s, r.headers, r.body) for s in secrets_of) for r in got)
    assert sum(r.delivered for r in reports) == 9
    with db.new_session() as session:
        rows = session.execute(
            select(WebhookDelivery.state, WebhookDelivery.attempts).where(
                WebhookDelivery.id.in_([int(r.headers["webhook-id"][4:]) for r in got])
            )
        ).all()
    assert sorted(rows) == [("delivered", 1)] * 9


def test_redirects_private_addresses_and_timeouts_are_recorded_failures(hooks_app, client, config):
    redirecting, slow, private = Receiver(script=[302]), Receiver(delay=2.5), Receiver()
    config["WEBHOOK_BACKOFF_BASE_MS"] = 60_000  # no retry within this test

    def event_for(target: Receiver):
        shop_for = _fresh_shop(hooks_app)
        endpoint_id = watch_with_endpoint(client, shop_for, target)
        decide(client, shop_for, "suspend")
        return lambda: delivery_log(client, shop_for, endpoint_id)

    def failed_once(log) -> tuple[int | None, str]:
        (delivery,) = log()
        assert delivery["state"] == "pending" and delivery["attempts"] == 1 and delivery["next_attempt_at"]
        return delivery["last_status_code"], delivery["last_error"]

    try:
        redirected, timed_out = event_for(redirecting), event_for(slow)
        assert one_pass(hooks_app).retrying == 2
        assert failed_once(redirected) == (302, "redirects are not followed: give the final URL")
        assert failed_once(timed_out) == (None, "no answer within 1 s")
        assert len(redirecting.received) == 1

        refused = event_for(private)
        config["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] = False  # as in production: 127.0.0.1 is off limits
        assert one_pass(hooks_app).retrying == 1
        status, error = failed_once(refused)
        assert status is None and error == "127.0.0.1 resolves to 127.0.0.1, not a public address"
        assert private.received == []
    finally:
        for r in (redirecting, slow, private):
            r.close()


def test_a_test_ping_is_sent_by_the_console_command(hooks_app, client, shop, config, receiver):
    endpoint_id = watch_with_endpoint(client, shop, receiver)
    queued = client.post(f"/api/v1/webhooks/{endpoint_id}/test", headers=bearer(shop.buyer_token))
    assert queued.status_code == 202 and queued.get_json()["event_type"] == "ping"
    result = hooks_app.test_cli_runner().invoke(args=["webhooks", "deliver", "--once"])
    assert result.exit_code == 0 and "1 delivered" in result.output, result.output
    (ping,) = receiver.wait_for(1)
    assert ping.verified and ping.json["type"] == "ping" and "ecoreg-event-id" not in ping.headers
    assert ping.json["data"]["endpoint_id"] == endpoint_id
