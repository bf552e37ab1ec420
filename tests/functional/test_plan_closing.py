"""Closing a year signs its consolidated figures into the log; the audit names a changed figure; the
annual report opens as a workbook and as a PDF with Vietnamese glyphs."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select, text

from labels.errors import Conflict
from labels.integrity.audit import audit
from labels.plan.annual_report import SHEETS
from labels.plan.closing import RECORD_TYPE, close_year
from labels.plan.indicators import current_year
from labels.plan.reports import due_at
from labels.plan.seed import load_plan
from labels.registry.permissions import SYSTEM
from labels.trust.signing import verify_proof
from models import Organisation, PlanYearClosure, SignedRecord
from tests.helpers import bearer, make_org, make_token, make_user


@pytest.fixture
def plan(session):
    loaded = load_plan(session, SYSTEM)
    session.flush()
    return loaded


@pytest.fixture
def reviewer(session):
    return bearer(make_token(session, make_user(session, make_org(session, "authority"), "admin")))


def model(client, session, year):
    holder = make_org(session, "enterprise", sector="paper")
    headers = bearer(make_token(session, make_user(session, holder, "enterprise")))
    body = {"organisation_id": holder.id, "name_vi": "Mô hình tuần hoàn", "model_type": "circular-economy"}
    assert (
        client.post("/api/v1/plan/models", json=body | {"start_year": year}, headers=headers).status_code
        == 201
    )


def test_a_closed_year_is_signed_logged_and_audited(client, session, plan, reviewer):
    year = current_year() - 1
    model(client, session, year)
    anyone = bearer(make_token(session, make_user(session, make_org(session, "enterprise"), "enterprise")))
    assert client.post(f"/api/v1/plan/years/{year}/close", headers=anyone).status_code == 403
    closed = client.post(f"/api/v1/plan/years/{year}/close", headers=reviewer)
    assert closed.status_code == 201, closed.json
    assert closed.json["closed"] and closed.json["figures"]["models"] == 1
    again = client.post(f"/api/v1/plan/years/{year}/close", headers=reviewer)
    assert again.status_code == 409 and again.json["errors"][0]["rule"] == "closed"

    # The record in the log is a signed credential whose figures are the ones published.
    record = session.scalar(select(SignedRecord).where(SignedRecord.record_type == RECORD_TYPE))
    signed = json.loads(record.canonical)
    assert signed["credentialSubject"]["figures"] == client.get(f"/api/v1/plan/years/{year}").json["figures"]
    assert record.leaf_index == closed.json["leaf_index"]
    public_key = record.key.public_key
    verify_proof(signed, lambda method: Ed25519PublicKey.from_public_bytes(public_key))
    # Figures that change later (a new model) do not move the closed year's.
    model(client, session, year)
    assert client.get(f"/api/v1/plan/years/{year}").json["figures"]["models"] == 1

    session.flush()
    assert [f for f in audit(session).findings if f.table == "plan_year_closures"] == []
    # Quietly changing a closed figure in the database is named.
    closure = session.scalar(select(PlanYearClosure))
    figures = dict(closure.figures, models=30)
    session.execute(
        text("UPDATE plan_year_closures SET figures = :figures WHERE id = :id"),
        {"figures": json.dumps(figures), "id": closure.id},
    )
    session.expire_all()
    findings = [str(f) for f in audit(session).findings if f.table == "plan_year_closures"]
    assert findings == [
        f"plan_year_closures {closure.id} ({year}): figures differ from the signed closing record"
    ]


def test_a_year_closes_only_after_its_reports_are_due(session, plan):
    year = current_year() - 1
    with pytest.raises(Conflict) as refused:
        close_year(session, SYSTEM, plan, year, now=due_at(plan, year) - timedelta(seconds=1))
    assert refused.value.rule == "too-early"
    assert close_year(session, SYSTEM, plan, year, now=due_at(plan, year)).year == year


def test_the_annual_report_opens_as_a_workbook_and_a_vietnamese_pdf(client, session, plan, reviewer):
    year = current_year() - 1
    model(client, session, year)
    board = session.scalar(select(Organisation).where(Organisation.code == "bql-cac-kcn"))
    headers = bearer(make_token(session, make_user(session, board, "reporter")))
    report = client.post(
        "/api/v1/plan/reports", json={"organisation_id": board.id, "year": year}, headers=headers
    ).json
    tasks = [
        {"task_id": t["task_id"], "progress": "done", "done_vi": "Đã phổ biến tại 24 KCN"}
        for t in report["tasks"]
    ]
    body = {"summary_vi": "Kết quả", "tasks": tasks, "figures": {"zones-reached": 24, "zones-total": 32}}
    client.patch(f"/api/v1/plan/reports/{report['id']}", json=body, headers=headers)
    client.post(f"/api/v1/plan/reports/{report['id']}/submit", headers=headers)
    client.post(f"/api/v1/plan/reports/{report['id']}/review", json={"action": "accept"}, headers=reviewer)

    workbook = client.get(f"/api/v1/plan/reports/{year}.xlsx")
    assert workbook.status_code == 200
    book = load_workbook(io.BytesIO(workbook.data))
    assert book.sheetnames == list(SHEETS)
    assert "tạm thời" in book["Mục tiêu"]["A1"].value  # not closed yet: provisional
    targets = {row[0]: row for row in book["Mục tiêu"].iter_rows(min_row=3, values_only=True)}
    assert targets["Tỷ lệ khu, cụm công nghiệp, làng nghề được phổ biến"][4] == 75  # 24 of 32
    tasks_sheet = [row for row in book["Nhiệm vụ"].iter_rows(min_row=3, values_only=True)]
    assert len({(row[0], row[1]) for row in tasks_sheet}) == 28
    assert ("Ban Quản lý các Khu công nghiệp", "Hoàn thành", "Đã phổ biến tại 24 KCN") in [
        r[5:] for r in tasks_sheet
    ]
    assert len(list(book["Tiêu hao theo ngành"].iter_rows(min_row=3))) == 9  # eight sectors and the province
    models = list(book["Mô hình"].iter_rows(min_row=3, values_only=True))
    assert models and models[0][2:5] == ("Kinh tế tuần hoàn", "Giấy", "Thành phố Biên Hòa")

    client.post(f"/api/v1/plan/years/{year}/close", headers=reviewer)
    pdf = client.get(f"/api/v1/plan/reports/{year}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    pages = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert f"BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH SỐ 202/KH-UBND NĂM {year}" in pages
    assert "75 " in pages or "75\n" in pages
    assert "khóa sổ, ký số" in pages and "tạm thời" not in pages
