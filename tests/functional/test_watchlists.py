"""Watchlists over HTTP: a retailer watches products and labels; each suspension, withdrawal,
reinstatement and expiry gives it a notice and a webhook delivery, written with the change itself (a
rolled-back change gives none); one pass of `ecoreg webhooks deliver --once` sends them, signed, to a
real receiver; other tenants find nothing; the portal shows the notices.

Background threads are exercised in test_webhooks.py, on a database of their own.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from app.database import db
from labels.certification.workflow import transition_label
from labels.errors import IllegalTransition
from labels.notices import watchlists
from models import AuditEntry, Label, Notification, Watch, WebhookDelivery, WebhookEndpoint, utcnow
from tests.functional.test_web_lots import csrf_token, login
from tests.helpers import (
    bearer,
    make_label,
    make_org,
    make_product,
    make_scheme,
    make_token,
    make_user,
    principal,
)
from tests.webhook_receiver import Receiver


@pytest.fixture
def shop(session):
    """A certified product of an enterprise, its certifier, and a supermarket with a buyer."""
    certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
    retailer = make_org(session, "retailer", legal_name="Co.opmart Biên Hòa")
    member = make_user(session, enterprise, "enterprise")
    reviewer = make_user(session, certifier, "certifier")
    scheme = make_scheme(session, certifier)
    product = make_product(session, enterprise, published=True, name_vi="Áo thun cotton hữu cơ")
    label = make_label(session, member, scheme, [product], reviewer)
    buyer = make_user(session, retailer, "retailer")
    session.flush()
    return SimpleNamespace(
        certifier=certifier,
        enterprise=enterprise,
        retailer=retailer,
        member=member,
        reviewer=reviewer,
        scheme=scheme,
        product=product,
        label=label,
        buyer=buyer,
        buyer_token=make_token(session, buyer),
        reviewer_token=make_token(session, reviewer),
    )


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


def post(client, path, token, **json):
    return client.post(path, json=json, headers=bearer(token))


def decide(client, shop, action, reason="kiểm tra thị trường"):
    response = post(
        client,
        f"/api/v1/labels/{shop.label.label_number}/transitions",
        shop.reviewer_token,
        action=action,
        reason=reason,
    )
    assert response.status_code == 200, response.get_json()


def add_endpoint(client, shop, receiver) -> dict:
    response = post(client, "/api/v1/webhooks", shop.buyer_token, url=receiver.url, description="ERP")
    assert response.status_code == 201, response.get_json()
    receiver.secret = response.get_json()["secret"]
    return response.get_json()


def deliver_once(runner) -> str:
    result = runner.invoke(args=["webhooks", "deliver", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_watched_products_label_changes_are_noticed_and_posted_signed(client, runner, shop, receiver):
    watched = post(client, "/api/v1/watchlist", shop.buyer_token, gtin=shop.product.gtin)
    assert watched.status_code == 201, watched.get_json()
    body = watched.get_json()
    assert (body["gtin"], body["label_number"], body["organisation_id"]) == (
        shop.product.gtin,
        None,
        shop.retailer.id,
    )
    assert body["labels"] == [
        {
            "label_number": shop.label.label_number,
            "kind": "green",
            "status": "active",
            "valid_until": body["labels"][0]["valid_until"],
        }
    ]
    endpoint = add_endpoint(client, shop, receiver)
    assert endpoint["secret"].startswith("whsec_") and endpoint["secret_hint"].endswith("…")
    listed = client.get("/api/v1/webhooks", headers=bearer(shop.buyer_token)).get_json()
    assert [e["id"] for e in listed] == [endpoint["id"]] and "secret" not in listed[0]

    decide(client, shop, "suspend", "nghi vấn số liệu phát thải")
    decide(client, shop, "reinstate", "đã xác minh")
    decide(client, shop, "withdraw", "vi phạm tiêu chí G-02")

    notices = client.get("/api/v1/notifications", headers=bearer(shop.buyer_token)).get_json()
    assert notices["total"] == 3
    assert [(n["kind"], n["reason"], n["read_at"]) for n in notices["items"]] == [
        ("withdrawn", "vi phạm tiêu chí G-02", None),
        ("reinstated", "đã xác minh", None),
        ("suspended", "nghi vấn số liệu phát thải", None),
    ]
    assert notices["items"][0]["label_number"] == shop.label.label_number
    assert notices["items"][0]["products"] == [
        {"gtin": shop.product.gtin, "name_vi": "Áo thun cotton hữu cơ", "name_en": ""}
    ]
    log = client.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=bearer(shop.buyer_token))
    pending = log.get_json()["items"]
    assert [(d["event_type"], d["state"], d["attempts"]) for d in pending] == [
        ("label.withdrawn", "pending", 0),
        ("label.reinstated", "pending", 0),
        ("label.suspended", "pending", 0),
    ]
    assert receiver.received == []  # nothing is sent inside a request: the dispatcher sends

    assert "3 delivered" in deliver_once(runner)
    got = receiver.wait_for(3)
    assert all(r.verified for r in got), "every request carries a valid signature"
    assert [r.json["type"] for r in got] == ["label.suspended", "label.reinstated", "label.withdrawn"]
    first = got[0]
    assert first.headers["webhook-id"] == f"dlv_{pending[2]['id']}"
    assert first.headers["ecoreg-event-id"] == f"evt_{notices['items'][2]['id']}"
    assert first.headers["ecoreg-event-type"] == "label.suspended"
    data = first.json["data"]
    assert data["label_number"] == shop.label.label_number and data["status"] == "suspended"
    assert data["reason"] == "nghi vấn số liệu phát thải" and data["renewed_by"] is None
    assert data["products"][0]["gtin"] == shop.product.gtin
    assert data["holder"]["tax_code"] == shop.enterprise.tax_code
    assert data["url"] == f"http://localhost/api/v1/labels/{shop.label.label_number}"
    assert got[1].json["data"]["status"] == "active"

    log = client.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries", headers=bearer(shop.buyer_token))
    done = log.get_json()["items"]
    assert [(d["state"], d["attempts"], d["last_status_code"]) for d in done] == [("delivered", 1, 200)] * 3
    attempt = done[0]["log"][0]
    assert (attempt["number"], attempt["status_code"], attempt["error"]) == (1, 200, "")
    assert attempt["duration_ms"] >= 0 and attempt["response_excerpt"] == '{"ok": true}'
    assert done[0]["payload"] == got[2].json and done[0]["next_attempt_at"] is None
    assert "0 delivered" in deliver_once(runner)  # delivered once, never again
    assert len(receiver.received) == 3


def test_watching_a_product_covers_labels_issued_later(client, session, shop):
    watched = post(client, "/api/v1/watchlist", shop.buyer_token, gtin=shop.product.gtin).get_json()
    carbon = make_scheme(session, shop.certifier, "carbon")
    later = make_label(session, shop.member, carbon, [shop.product], shop.reviewer)
    session.flush()
    transition_label(session, principal(shop.reviewer), later.label_number, "suspend", "tự kiểm tra")
    session.flush()
    notice = session.scalar(select(Notification).where(Notification.organisation_id == shop.retailer.id))
    assert (notice.kind, notice.label.label_number) == ("suspended", later.label_number)
    listed = client.get("/api/v1/watchlist", headers=bearer(shop.buyer_token)).get_json()["items"]
    assert listed[0]["id"] == watched["id"]
    assert [(x["label_number"], x["status"]) for x in listed[0]["labels"]] == [
        (later.label_number, "suspended"),
        (shop.label.label_number, "active"),
    ]


def test_a_label_watch_covers_that_label_and_one_notice_goes_to_each_retailer(client, session, shop):
    other_retailer = make_org(session, "retailer")
    other_token = make_token(session, make_user(session, other_retailer, "retailer"))
    by_label = post(client, "/api/v1/watchlist", shop.buyer_token, label_number=shop.label.label_number)
    assert by_label.status_code == 201 and by_label.get_json()["label_number"] == shop.label.label_number
    # Watching the product as well covers the same label: still one notice for this retailer.
    assert post(client, "/api/v1/watchlist", shop.buyer_token, gtin=shop.product.gtin).status_code == 201
    assert post(client, "/api/v1/watchlist", other_token, gtin=shop.product.gtin).status_code == 201
    again = post(client, "/api/v1/watchlist", shop.buyer_token, label_number=shop.label.label_number)
    assert again.status_code == 409 and again.get_json()["errors"][0]["rule"] == "unique"
    decide(client, shop, "suspend")
    told = session.execute(
        select(Notification.organisation_id, func.count()).group_by(Notification.organisation_id)
    ).all()
    assert dict(told) == {shop.retailer.id: 1, other_retailer.id: 1}


@pytest.mark.parametrize(
    "body, field, rule",
    [
        ({}, "gtin", "one-of"),
        ({"gtin": "8935000000017", "label_number": "DN-GRN-2026-000001"}, "gtin", "one-of"),
        ({"gtin": "8935000000018"}, "gtin", "check-digit"),
    ],
)
def test_a_watch_names_one_product_or_one_label(client, shop, body, field, rule):
    response = post(client, "/api/v1/watchlist", shop.buyer_token, **body)
    assert response.status_code == 422
    assert (field, rule) in [(e["field"], e["rule"]) for e in response.get_json()["errors"]]


def test_unknown_and_unpublished_products_cannot_be_watched(client, session, shop):
    draft = make_product(session, shop.enterprise, name_vi="Bản nháp")
    assert post(client, "/api/v1/watchlist", shop.buyer_token, gtin=draft.gtin).status_code == 404
    missing = post(client, "/api/v1/watchlist", shop.buyer_token, label_number="DN-GRN-1999-000001")
    assert missing.status_code == 404


def test_a_rolled_back_change_leaves_no_notice_and_sends_nothing(session, runner, shop, client, receiver):
    post(client, "/api/v1/watchlist", shop.buyer_token, gtin=shop.product.gtin)
    add_endpoint(client, shop, receiver)
    reviewer = principal(shop.reviewer)
    with db.new_session() as change:  # a request's session, whose work then fails
        transition_label(change, reviewer, shop.label.label_number, "suspend", "sẽ bị hủy")
        change.flush()
        assert change.scalar(select(func.count()).select_from(WebhookDelivery)) == 1  # in the transaction
        change.rollback()
    assert session.scalar(select(func.count()).select_from(Notification)) == 0
    assert session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    # A refused change (an illegal transition) gives nothing either.
    with pytest.raises(IllegalTransition):
        transition_label(session, reviewer, shop.label.label_number, "reinstate", "không hợp lệ")
    refused = post(
        client,
        f"/api/v1/labels/{shop.label.label_number}/transitions",
        shop.reviewer_token,
        action="reinstate",
        reason="không hợp lệ",
    )
    assert refused.status_code == 409
    assert session.scalar(select(func.count()).select_from(Notification)) == 0
    deliver_once(runner)
    assert receiver.received == []


def test_a_committed_change_is_delivered_by_a_later_pass(client, runner, shop, receiver):
    """The outbox: the process that made the change may die before sending; any later pass sends."""
    post(client, "/api/v1/watchlist", shop.buyer_token, gtin=shop.product.gtin)
    add_endpoint(client, shop, receiver)
    decide(client, shop, "suspend")
    # ... the worker that served the request is gone; a cron job runs the dispatcher later:
    assert "1 delivered" in deliver_once(runner)
    assert receiver.wait_for(1)[0].verified


def test_watched_labels_that_expire_are_noticed_once(client, session, runner, shop, receiver):
    watched = post(client, "/api/v1/watchlist", shop.buyer_token, gtin=shop.product.gtin).get_json()
    add_endpoint(client, shop, receiver)
    # Another label of the product expired long before the retailer started watching: old news.
    energy = make_scheme(session, shop.certifier, "energy")
    old = make_label(session, shop.member, energy, [shop.product], shop.reviewer)
    # And one was withdrawn before it would have expired: it never expires.
    recycling = make_scheme(session, shop.certifier, "recycling")
    gone = make_label(session, shop.member, recycling, [shop.product], shop.reviewer)
    transition_label(session, principal(shop.reviewer), gone.label_number, "withdraw", "ngừng sản xuất")
    # The clock, moved: the watch began an hour ago; the label expired a minute ago.
    now = utcnow()
    session.execute(
        update(Watch).where(Watch.id == watched["id"]).values(created_at=now - timedelta(hours=1))
    )
    for label, until in ((shop.label, now - timedelta(minutes=1)), (old, now - timedelta(days=400))):
        session.execute(update(Label).where(Label.id == label.id).values(valid_until=until))
    session.execute(update(Label).where(Label.id == gone.id).values(valid_until=now - timedelta(minutes=5)))
    session.flush()
    session.expire_all()

    output = deliver_once(runner)  # the withdrawal's delivery, and the expiry's
    assert "1 expiries noticed; 2 delivered" in output
    notices = client.get("/api/v1/notifications?unread=true", headers=bearer(shop.buyer_token)).get_json()
    expired = [n for n in notices["items"] if n["kind"] == "expired"]
    assert [n["label_number"] for n in expired] == [shop.label.label_number]
    withdrawal, sent = receiver.wait_for(2)
    assert withdrawal.json["type"] == "label.withdrawn"
    assert sent.verified and sent.json["type"] == "label.expired" and sent.json["data"]["status"] == "expired"
    assert sent.json["data"]["label_number"] == shop.label.label_number
    assert "0 expiries noticed" in deliver_once(runner)  # told once
    assert watchlists.sweep_expiries(session) == []


def test_notices_are_marked_read(client, shop):
    post(client, "/api/v1/watchlist", shop.buyer_token, gtin=shop.product.gtin)
    decide(client, shop, "suspend")
    notice = client.get("/api/v1/notifications", headers=bearer(shop.buyer_token)).get_json()["items"][0]
    read = post(client, f"/api/v1/notifications/{notice['id']}/read", shop.buyer_token)
    assert read.status_code == 200 and read.get_json()["read_at"]
    unread = client.get("/api/v1/notifications?unread=true", headers=bearer(shop.buyer_token)).get_json()
    assert unread["total"] == 0


def test_other_tenants_find_nothing_and_non_retailers_keep_no_watchlist(client, session, shop, receiver):
    watch_id = post(client, "/api/v1/watchlist", shop.buyer_token, gtin=shop.product.gtin).get_json()["id"]
    endpoint_id = add_endpoint(client, shop, receiver)["id"]
    decide(client, shop, "suspend")
    notice_id = session.scalar(
        select(Notification.id).where(Notification.organisation_id == shop.retailer.id)
    )
    rival = make_token(session, make_user(session, make_org(session, "retailer"), "retailer"))
    for method, url in [
        ("DELETE", f"/api/v1/watchlist/{watch_id}"),
        ("POST", f"/api/v1/notifications/{notice_id}/read"),
        ("PATCH", f"/api/v1/webhooks/{endpoint_id}"),
        ("DELETE", f"/api/v1/webhooks/{endpoint_id}"),
        ("GET", f"/api/v1/webhooks/{endpoint_id}/deliveries"),
        ("POST", f"/api/v1/webhooks/{endpoint_id}/test"),
    ]:
        kwargs = {"json": {"active": False}} if method == "PATCH" else {}
        response = client.open(url, method=method, headers=bearer(rival), **kwargs)
        assert response.status_code == 404, (method, url, response.get_json())
    for url in ("/api/v1/watchlist", "/api/v1/notifications", "/api/v1/webhooks"):
        mine = client.get(url, headers=bearer(rival)).get_json()
        assert (mine if isinstance(mine, list) else mine["items"]) == []
    # The certifier (not a retailer) keeps no watchlist: a 403 naming why.
    refused = client.get("/api/v1/watchlist", headers=bearer(shop.reviewer_token))
    assert refused.status_code == 403 and "retailer" in refused.get_json()["detail"]
    # A token without the watchlist scopes is refused too.
    narrow = make_token(session, shop.buyer, scopes=["products:read"])
    assert client.get("/api/v1/watchlist", headers=bearer(narrow)).status_code == 403
    assert post(client, "/api/v1/watchlist", narrow, gtin=shop.product.gtin).status_code == 403


def test_watch_and_webhook_changes_are_audited_without_the_endpoint_path(client, session, shop, receiver):
    watch_id = post(client, "/api/v1/watchlist", shop.buyer_token, gtin=shop.product.gtin).get_json()["id"]
    endpoint_id = add_endpoint(client, shop, receiver)["id"]
    assert client.delete(f"/api/v1/watchlist/{watch_id}", headers=bearer(shop.buyer_token)).status_code == 204
    assert (
        client.delete(f"/api/v1/webhooks/{endpoint_id}", headers=bearer(shop.buyer_token)).status_code == 204
    )
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.organisation_id == shop.retailer.id).order_by(AuditEntry.id)
    ).all()
    ours = [e for e in entries if e.action.startswith(("watch.", "webhook."))]
    assert [e.action for e in ours] == ["watch.create", "webhook.create", "watch.delete", "webhook.delete"]
    assert ours[0].detail == {"gtin": shop.product.gtin} and ours[1].detail == {"host": "127.0.0.1"}


def test_the_portal_shows_notices_and_manages_the_watchlist(csrf_app, client, session, shop, receiver):
    login(client, shop.buyer)
    home = client.get("/portal/retailer").get_data(as_text=True)
    assert 'id="unread-notices"' not in home and 'id="watchlist-link"' in home
    page = client.get("/portal/watchlist").get_data(as_text=True)
    assert "Bạn chưa theo dõi gì." in page and shop.product.gtin in page  # offered with a button
    token = csrf_token(page)
    assert client.post("/portal/watchlist/watch", data={"target": shop.product.gtin}).status_code == 400
    watched = client.post("/portal/watchlist/watch", data={"target": shop.product.gtin, "csrf_token": token})
    assert watched.status_code == 302
    page = client.get("/portal/watchlist").get_data(as_text=True)
    assert f"Đang theo dõi {shop.product.gtin}." in page and shop.label.label_number in page

    decide(client, shop, "suspend", "nghi vấn số liệu")
    home = client.get("/portal/retailer").get_data(as_text=True)
    assert 'id="unread-notices"' in home
    expected = f"Nhãn {shop.label.label_number} của sản phẩm Áo thun cotton hữu cơ đã bị đình chỉ."
    assert expected in home and "nghi vấn số liệu" in home
    page = client.get("/portal/watchlist").get_data(as_text=True)
    assert expected in page
    assert client.post("/portal/watchlist/notices/read", data={"csrf_token": token}).status_code == 302
    assert 'id="unread-notices"' not in client.get("/portal/retailer").get_data(as_text=True)

    added = client.post("/portal/watchlist/webhooks", data={"url": receiver.url, "csrf_token": token})
    assert added.status_code == 201
    html = added.get_data(as_text=True)
    secret = html.split('<code id="secret">')[1].split("</code>")[0]
    assert secret.startswith("whsec_") and "Hãy sao chép khóa bí mật này ngay" in html
    assert secret not in client.get("/portal/watchlist").get_data(as_text=True)  # shown once
    bad = client.post("/portal/watchlist/webhooks", data={"url": "ftp://x", "csrf_token": token})
    assert bad.status_code == 422

    endpoint_id = session.scalar(
        select(WebhookEndpoint.id).where(WebhookEndpoint.organisation_id == shop.retailer.id)
    )
    tested = client.post(f"/portal/watchlist/webhooks/{endpoint_id}/test", data={"csrf_token": token})
    assert tested.headers["Location"] == f"/portal/watchlist/webhooks/{endpoint_id}"
    log = client.get(tested.headers["Location"]).get_data(as_text=True)
    assert "<code>ping</code>" in log and 'data-state="pending"' in log and "đang chờ gửi" in log

    watch_id = session.scalar(select(Watch.id).where(Watch.organisation_id == shop.retailer.id))
    unwatched = client.post(f"/portal/watchlist/{watch_id}/unwatch", data={"csrf_token": token})
    assert unwatched.status_code == 302 and session.get(Watch, watch_id) is None


def test_the_portal_keeps_other_tenants_out(app, client, session, shop):
    rival = make_user(session, make_org(session, "retailer"), "retailer")
    watch = watchlists.watch(session, principal(shop.buyer), gtin=shop.product.gtin)
    session.flush()
    login(client, rival)
    assert client.post(f"/portal/watchlist/{watch.id}/unwatch").status_code == 404
    assert client.get("/portal/watchlist/webhooks/999999").status_code == 404
    enterprise = app.test_client()
    login(enterprise, shop.member)  # an enterprise has no watchlist page
    assert enterprise.get("/portal/watchlist").status_code == 404
