"""Reminders 30, 7 and 1 days before the reports are due: once per agency and threshold, none for an
agency that has reported, and a signed webhook delivery to an agency that keeps an endpoint."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from labels.notices.webhooks import create_endpoint
from labels.plan.indicators import current_year
from labels.plan.reminders import EVENT_TYPE, send_due, threshold
from labels.plan.reports import due_at, start_report, submit_report, update_report
from labels.plan.seed import load_plan
from labels.registry.permissions import SYSTEM
from models import Organisation, PlanReminder, WebhookDelivery
from tests.helpers import PASSWORD, bearer, make_token, make_user, principal


@pytest.fixture
def plan(session):
    loaded = load_plan(session, SYSTEM)
    session.flush()
    return loaded


def agency(session, code):
    return session.scalar(select(Organisation).where(Organisation.code == code))


def test_the_nearest_threshold_applies_until_the_deadline(plan):
    deadline = due_at(plan, 2026)
    assert threshold(plan, 2026, deadline - timedelta(days=31)) is None
    assert threshold(plan, 2026, deadline - timedelta(days=30)) == 30
    assert threshold(plan, 2026, deadline - timedelta(days=8)) == 30
    assert threshold(plan, 2026, deadline - timedelta(days=5)) == 7
    assert threshold(plan, 2026, deadline - timedelta(hours=12)) == 1
    assert threshold(plan, 2026, deadline) is None


def test_each_agency_yet_to_report_is_reminded_once_per_threshold(client, session, plan):
    year = current_year()
    deadline = due_at(plan, year)
    board = agency(session, "bql-cac-kcn")
    reporter = make_user(session, board, "reporter")
    endpoint = create_endpoint(
        session, principal(reporter), "http://127.0.0.1:9/hooks/plan", "báo cáo", allow_private=True
    )
    # The board's endpoint is its own: listed for its reporter through the same API retailers use.
    listed = client.get("/api/v1/webhooks", headers=bearer(make_token(session, reporter))).json
    assert [e["id"] for e in listed] == [endpoint.id]

    first = send_due(session, plan, deadline - timedelta(days=29))
    assert len(first) == 22 and {r.days_before for r in first} == {30}
    assert send_due(session, plan, deadline - timedelta(days=20)) == []  # the 30-day one is sent

    deliveries = session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
    ).all()
    assert [d.event_type for d in deliveries] == [EVENT_TYPE]
    body = json.loads(deliveries[0].payload)
    assert body["data"]["days_before"] == 30 and body["data"]["year"] == year
    assert body["data"]["due_at"] == deadline.isoformat().replace("+00:00", "Z")

    # An agency that has submitted is not reminded again.
    environment = agency(session, "so-tai-nguyen-moi-truong")
    filer = make_user(session, environment, "reporter")
    report = start_report(session, principal(filer), plan, environment.id, year)
    session.flush()
    tasks = [{"task_id": row.task_id, "progress": "done", "done_vi": "Đã làm"} for row in report.tasks]
    update_report(session, principal(filer), report.id, "Kết quả", tasks, {"supermarkets-inspected": 3})
    submit_report(session, principal(filer), report.id, now=deadline - timedelta(days=10))
    session.flush()
    second = send_due(session, plan, deadline - timedelta(days=6))
    assert len(second) == 21 and {r.days_before for r in second} == {7}
    assert environment.id not in {r.organisation_id for r in second}
    reminded = session.scalars(
        select(PlanReminder.days_before).where(PlanReminder.organisation_id == board.id)
    )
    assert sorted(reminded) == [7, 30]
    assert send_due(session, plan, deadline + timedelta(hours=1)) == []  # after the deadline: missing


def test_the_portal_shows_an_agency_its_reminders(client, session, plan):
    deadline = due_at(plan, current_year())
    send_due(session, plan, deadline - timedelta(days=3))
    reporter = make_user(session, agency(session, "ubnd-dinh-quan"), "reporter")
    session.flush()
    client.post("/login", data={"email": reporter.email, "password": PASSWORD})
    page = client.get("/portal/plan").get_data(as_text=True)
    assert 'id="reminders"' in page and "7" in page.split('id="reminders"')[1].split("</ul>")[0]


def test_the_console_sends_the_reminders_due(runner, session, plan):
    result = runner.invoke(args=["plan", "remind"])
    assert result.exit_code == 0 and "reminders sent" in result.output
