"""The agencies' yearly reports over HTTP: draft, submit, return, a new version, accept, corrections;
lateness against the 1 December deadline; what each caller sees; what the indicators count."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from labels.plan.indicators import current_year
from labels.plan.reports import due_at, submit_report
from labels.plan.seed import load_plan
from labels.registry.permissions import SYSTEM
from models import Organisation
from tests.helpers import bearer, evidence_dir, make_org, make_token, make_user, principal

PDF = b"%PDF-1.7\nplan evidence"


@pytest.fixture
def plan(session):
    loaded = load_plan(session, SYSTEM)
    session.flush()
    return loaded


def agency(session, code: str) -> Organisation:
    return session.scalar(select(Organisation).where(Organisation.code == code))


@pytest.fixture
def board(session, plan):
    """The industrial-parks board and its reporter's token."""
    org = agency(session, "bql-cac-kcn")
    user = make_user(session, org, "reporter")
    return org, user, bearer(make_token(session, user))


@pytest.fixture
def reviewer(session):
    authority = make_org(session, "authority")
    return bearer(make_token(session, make_user(session, authority, "admin")))


@pytest.fixture(autouse=True)
def _evidence(app, tmp_path):
    with evidence_dir(app, tmp_path / "evidence"):
        yield


def fill(client, report: dict, headers, reached=20, total=32) -> dict:
    tasks = [
        {"task_id": t["task_id"], "progress": "done", "done_vi": "Đã tổ chức 4 hội nghị"}
        for t in report["tasks"]
    ]
    body = {
        "summary_vi": "Kết quả năm",
        "tasks": tasks,
        "figures": {"zones-reached": reached, "zones-total": total},
    }
    response = client.patch(f"/api/v1/plan/reports/{report['id']}", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def test_a_report_goes_from_draft_through_a_return_to_acceptance(client, session, board, reviewer):
    org, _, headers = board
    year = current_year() - 1
    started = client.post(
        "/api/v1/plan/reports", json={"organisation_id": org.id, "year": year}, headers=headers
    )
    assert started.status_code == 201, started.json
    report = started.json
    assert (report["version"], report["state"]) == (1, "draft")
    # The board leads dissemination in the industrial parks (5.4) and, with the planning department,
    # attracting renewable-energy and ash-treatment projects (8.2).
    assert [(t["section"], t["number"]) for t in report["tasks"]] == [(5, 4), (8, 2)]

    # Submitting an empty draft names every missing answer at once.
    refused = client.post(f"/api/v1/plan/reports/{report['id']}/submit", headers=headers)
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json["errors"]}
    assert fields == {
        "figures.zones-total",
        "figures.zones-reached",
        "tasks[0].done_vi",
        "tasks[1].done_vi",
        "summary_vi",
    }

    fill(client, report, headers)
    upload = client.post(
        f"/api/v1/plan/reports/{report['id']}/evidence",
        data={"file": (io.BytesIO(PDF), "hoi-nghi.pdf")},
        headers=headers,
    )
    assert upload.status_code == 201 and upload.json["media_type"] == "application/pdf"
    submitted = client.post(f"/api/v1/plan/reports/{report['id']}/submit", headers=headers)
    assert submitted.status_code == 200 and submitted.json["state"] == "submitted"

    # Frozen: no edits, no second open version while it waits.
    assert (
        client.patch(
            f"/api/v1/plan/reports/{report['id']}", json={"summary_vi": "x"}, headers=headers
        ).status_code
        == 409
    )
    again = client.post(
        "/api/v1/plan/reports", json={"organisation_id": org.id, "year": year}, headers=headers
    )
    assert again.status_code == 409 and again.json["errors"][0]["rule"] == "one-open-version"

    # Returning needs a comment; the agency answers with version 2, which needs a reason.
    no_comment = client.post(
        f"/api/v1/plan/reports/{report['id']}/review", json={"action": "return"}, headers=reviewer
    )
    assert no_comment.status_code == 422 and no_comment.json["errors"][0]["field"] == "comment"
    returned = client.post(
        f"/api/v1/plan/reports/{report['id']}/review",
        json={"action": "return", "comment": "Bổ sung danh sách KCN"},
        headers=reviewer,
    )
    assert returned.json["state"] == "returned" and returned.json["review_comment"] == "Bổ sung danh sách KCN"
    no_reason = client.post(
        "/api/v1/plan/reports", json={"organisation_id": org.id, "year": year}, headers=headers
    )
    assert no_reason.status_code == 422 and no_reason.json["errors"][0]["field"] == "reason"
    second = client.post(
        "/api/v1/plan/reports",
        json={"organisation_id": org.id, "year": year, "reason": "Bổ sung theo ý kiến của Sở"},
        headers=headers,
    ).json
    assert (second["version"], second["state"]) == (2, "draft")
    assert second["summary_vi"] == "Kết quả năm" and second["figures"] == {
        "zones-reached": 20.0,
        "zones-total": 32.0,
    }
    fill(client, second, headers, reached=24)
    assert client.post(f"/api/v1/plan/reports/{second['id']}/submit", headers=headers).status_code == 200
    accepted = client.post(
        f"/api/v1/plan/reports/{second['id']}/review", json={"action": "accept"}, headers=reviewer
    )
    assert accepted.status_code == 200 and accepted.json["state"] == "accepted"

    # The accepted version counts: 24 of the board's 32 parks (the department has not reported).
    indicators = client.get(f"/api/v1/plan/indicators?year={year}").json["indicators"]
    zones = next(i for i in indicators if i["code"] == "industrial-zones")
    assert zones["value"] == 75.0 and zones["parts"] == {"part": 24, "whole": 32}
    assert [r["version"] for r in zones["reported_by"]] == [2]

    # A correction of an accepted report is version 3, and the figures move only when it is accepted.
    third = client.post(
        "/api/v1/plan/reports",
        json={"organisation_id": org.id, "year": year, "reason": "Sai số liệu KCN Nhơn Trạch"},
        headers=headers,
    ).json
    fill(client, third, headers, reached=26)
    client.post(f"/api/v1/plan/reports/{third['id']}/submit", headers=headers)
    pending = client.get(f"/api/v1/plan/indicators?year={year}").json["indicators"]
    assert next(i for i in pending if i["code"] == "industrial-zones")["value"] == 75.0
    client.post(f"/api/v1/plan/reports/{third['id']}/review", json={"action": "accept"}, headers=reviewer)
    final = client.get(f"/api/v1/plan/indicators?year={year}").json["indicators"]
    # 26 / 32 = 81.25 %, rounded half up to one decimal
    assert next(i for i in final if i["code"] == "industrial-zones")["value"] == 81.3


def test_figures_are_checked_all_at_once(client, board):
    org, _, headers = board
    report = client.post(
        "/api/v1/plan/reports", json={"organisation_id": org.id, "year": current_year()}, headers=headers
    ).json
    body = {
        "figures": {"zones-reached": 40, "zones-total": 32, "campaigns": 3},
        "tasks": [{"task_id": report["tasks"][0]["task_id"], "progress": "halfway"}],
    }
    refused = client.patch(f"/api/v1/plan/reports/{report['id']}", json=body, headers=headers)
    assert refused.status_code == 422
    found = {(e["field"], e["rule"]) for e in refused.json["errors"]}
    assert ("figures.campaigns", "owned") in found  # a district's figure, not the board's
    assert ("tasks[0].progress", "one-of") in found
    # Nothing was half-written.
    assert client.get(f"/api/v1/plan/reports/{report['id']}", headers=headers).json["figures"] == {}
    too_many = client.patch(
        f"/api/v1/plan/reports/{report['id']}",
        json={"figures": {"zones-reached": 40, "zones-total": 32.5}},
        headers=headers,
    )
    assert {(e["field"], e["rule"]) for e in too_many.json["errors"]} == {("figures.zones-total", "integer")}
    over = client.patch(
        f"/api/v1/plan/reports/{report['id']}",
        json={"figures": {"zones-reached": 40, "zones-total": 32}},
        headers=headers,
    )
    assert {(e["field"], e["rule"]) for e in over.json["errors"]} == {
        ("figures.zones-reached", "at-most-total")
    }


def test_a_report_submitted_on_or_after_1_december_is_late(client, session, plan, board):
    org, user, headers = board
    year = current_year() - 1
    reports = []
    for delta, name in ((timedelta(seconds=-1), "on time"), (timedelta(0), "late")):
        report = client.post(
            "/api/v1/plan/reports",
            json={"organisation_id": org.id, "year": year, "reason": "" if not reports else "Bản sửa"},
            headers=headers,
        ).json
        fill(client, report, headers)
        submit_report(session, principal(user), report["id"], now=due_at(plan, year) + delta)
        session.flush()
        reports.append(client.get(f"/api/v1/plan/reports/{report['id']}", headers=headers).json)
        if name == "on time":
            client.post(
                f"/api/v1/plan/reports/{report['id']}/review",
                json={"action": "return", "comment": "Sửa"},
                headers=bearer(
                    make_token(session, make_user(session, make_org(session, "authority"), "admin"))
                ),
            )
    assert [r["late"] for r in reports] == [False, True]
    # 1 December, midnight in Vietnam, is 30 November 17:00 UTC.
    assert due_at(plan, 2025).isoformat() == "2025-11-30T17:00:00+00:00"
    # The agency's standing keeps its first submission: it was on time.
    status = client.get(f"/api/v1/plan/reporting?year={year}").json
    board_status = next(a for a in status["agencies"] if a["code"] == "bql-cac-kcn")
    assert (board_status["late"], board_status["missing"], board_status["version"]) == (False, False, 2)


def test_missing_reports_show_once_the_deadline_has_passed(client, plan):
    last_year = client.get(f"/api/v1/plan/reporting?year={current_year() - 1}").json
    assert last_year["agencies"] and all(a["missing"] for a in last_year["agencies"])
    assert len(last_year["agencies"]) == 22  # 11 departments and boards that lead tasks, 11 districts


def test_drafts_are_the_agency_s_own_and_accepted_reports_are_public(client, session, board, reviewer):
    org, _, headers = board
    report = client.post(
        "/api/v1/plan/reports", json={"organisation_id": org.id, "year": current_year()}, headers=headers
    ).json
    other = agency(session, "so-tai-nguyen-moi-truong")
    other_reporter = bearer(make_token(session, make_user(session, other, "reporter")))
    path = f"/api/v1/plan/reports/{report['id']}"
    assert client.get(path, headers=headers).status_code == 200
    assert client.get(path, headers=other_reporter).status_code == 404
    assert client.get(path, headers=reviewer).status_code == 404  # not even Sở Công Thương sees a draft
    assert client.get(path).status_code == 404
    # Another agency's reporter cannot start or write the board's report.
    start = client.post(
        "/api/v1/plan/reports",
        json={"organisation_id": org.id, "year": current_year() - 1},
        headers=other_reporter,
    )
    assert start.status_code == 403
    enterprise = bearer(
        make_token(session, make_user(session, make_org(session, "enterprise"), "enterprise"))
    )
    assert client.post(f"{path}/submit", headers=enterprise).status_code == 404
    assert client.get("/api/v1/plan/reports").json["items"] == []


def test_the_plan_and_its_annex_are_public(client, plan):
    body = client.get("/api/v1/plan").json
    assert body["code"] == "202/KH-UBND" and body["report_due"] == "12-01"
    assert [t["code"] for t in body["targets"]] == [
        "material-use",
        "industrial-zones",
        "models",
        "district-awareness",
        "supermarket-packaging",
        "training",
    ]
    assert len(body["tasks"]) == 28
    labels_task = next(
        t for t in body["tasks"] if t["content_vi"].startswith("Vận động, hướng dẫn các cơ sở lưu trú")
    )
    assert labels_task["leads"] == ["so-van-hoa-the-thao-du-lich"]
    csv = client.get("/api/v1/plan/indicators.csv?year=2025")
    assert csv.status_code == 200 and csv.data.startswith("\ufeffyear,code,".encode())
    assert csv.data.decode("utf-8").count("\r\n") == 7


def test_model_projects_count_towards_the_models_target(client, session, plan):
    holder = make_org(session, "enterprise", sector="paper")
    headers = bearer(make_token(session, make_user(session, holder, "enterprise")))
    year = current_year()
    for start in (year - 1, year):
        created = client.post(
            "/api/v1/plan/models",
            json={
                "organisation_id": holder.id,
                "name_vi": "Thu hồi bột giấy",
                "model_type": "circular-economy",
                "start_year": start,
                "results": {"material_t": 120.5},
            },
            headers=headers,
        )
        assert created.status_code == 201, created.json
    assert created.json["sector"] == "paper" and created.json["results"] == {"material_t": 120.5}
    counts = {
        y: next(
            i
            for i in client.get(f"/api/v1/plan/indicators?year={y}").json["indicators"]
            if i["code"] == "models"
        )
        for y in (year - 1, year)
    }
    assert (counts[year - 1]["value"], counts[year]["value"]) == (1, 2)
    other = bearer(make_token(session, make_user(session, make_org(session, "enterprise"), "enterprise")))
    refused = client.post(
        "/api/v1/plan/models",
        json={"organisation_id": holder.id, "name_vi": "X", "model_type": "other", "start_year": year},
        headers=other,
    )
    assert refused.status_code == 403
    model_id = created.json["id"]
    evidence = client.post(
        f"/api/v1/plan/models/{model_id}/evidence",
        data={"file": (io.BytesIO(PDF), "kiem-toan.pdf")},
        headers=headers,
    )
    assert evidence.status_code == 201 and evidence.json["media_type"] == "application/pdf"
    listed = client.get("/api/v1/plan/models").json["items"]
    assert [e["filename"] for e in next(m for m in listed if m["id"] == model_id)["evidence"]] == [
        "kiem-toan.pdf"
    ]
    stranger = client.post(
        f"/api/v1/plan/models/{model_id}/evidence", data={"file": (io.BytesIO(PDF), "x.pdf")}, headers=other
    )
    assert stranger.status_code == 403
    bad = client.post(
        "/api/v1/plan/models",
        json={"organisation_id": holder.id, "name_vi": "X", "model_type": "other", "start_year": 2019},
        headers=headers,
    )
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "start_year"
