"""The plan's pages: the public dashboard over the demo's story, and an agency filing its report in the
portal while Sở Công Thương reviews it."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from labels.demo.plan import DECLARATIONS, MODELS
from labels.demo.seed import seed
from labels.plan.indicators import current_year
from labels.plan.seed import load_plan
from labels.registry.permissions import SYSTEM
from models import Organisation, PlanReport
from tests.helpers import PASSWORD, evidence_dir, make_org, make_user


def login(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.fixture(autouse=True)
def _evidence(app, tmp_path):
    with evidence_dir(app, tmp_path / "evidence"):
        yield


def test_the_demo_tells_the_plan_s_story(client, session):
    seed(session)
    session.flush()
    last = current_year() - 1
    reporting = client.get(f"/api/v1/plan/reporting?year={last}").json["agencies"]
    by_code = {a["code"]: a for a in reporting}
    assert by_code["bql-cac-kcn"]["late"] and by_code["bql-cac-kcn"]["state"] == "accepted"
    assert by_code["ubnd-xuan-loc"]["state"] == "returned"
    assert by_code["ubnd-tan-phu"]["missing"] and by_code["ubnd-tan-phu"]["state"] is None
    assert sum(a["state"] == "accepted" for a in reporting) == 20
    values = {i["code"]: i for i in client.get(f"/api/v1/plan/indicators?year={last}").json["indicators"]}
    assert values["industrial-zones"]["parts"] == {"part": 51, "whole": 72}  # 24 + 27 of 32 + 40
    assert values["industrial-zones"]["value"] == 70.8
    # Every district but the quiet, the returned and the missing one held a campaign.
    assert values["district-awareness"]["parts"] == {"part": 9, "whole": 11}
    assert values["supermarket-packaging"]["value"] == 73.8  # 31 of 42
    # Eight sectors declared since 2022, each cutting its use per unit of output a little every year.
    assert values["material-use"]["parts"] == {"sectors": 8, "enterprises": 8}
    cuts = [model[3] for model in DECLARATIONS.values()]
    expected = sum((1 - (1 - cut) ** (last - 2022)) * 100 for cut in cuts) / len(cuts)
    assert values["material-use"]["value"] == pytest.approx(expected, abs=0.1)
    assert values["models"]["value"] == sum(1 for model in MODELS if model[3] <= last)

    page = client.get(f"/plan?year={last}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert len(re.findall(r'<section class="card target"', html)) == 6
    assert "70,8 %" in html  # Vietnamese decimal comma
    assert 'data-agency="ubnd-tan-phu" data-state="missing"' in html
    assert html.count('<tr data-sector="') == 8
    assert "Tỷ lệ khu, cụm công nghiệp, làng nghề được phổ biến" in html
    assert html.count("<svg") >= 6 and html.count('role="img"') >= 6
    english = client.get(f"/plan?year={last}&lang=en").get_data(as_text=True)
    assert "70.8 %" in english and "Share of industrial parks, clusters and craft villages reached" in english
    district = client.get(f"/plan?year={last}&district=bien-hoa").get_data(as_text=True)
    assert "Thành phố Biên Hòa" in district
    tasks = client.get(f"/plan/tasks?year={last}").get_data(as_text=True)
    assert tasks.count('class="card task"') == 28 and "Ban Quản lý các Khu công nghiệp" in tasks


def test_an_agency_files_its_report_in_the_portal_and_the_department_accepts_it(client, session):
    load_plan(session, SYSTEM)
    district = session.scalar(select(Organisation).where(Organisation.code == "ubnd-long-khanh"))
    reporter = make_user(session, district, "reporter")
    reviewer = make_user(session, make_org(session, "authority"), "admin")
    session.flush()
    login(client, reporter)
    assert client.get("/portal").headers["Location"].endswith("/portal/plan")
    started = client.post("/portal/plan", data={"organisation_id": district.id, "year": current_year()})
    assert started.status_code == 302
    report_path = started.headers["Location"]
    report_id = int(report_path.rsplit("/", 1)[1])

    # Submitting with nothing filled in shows every problem beside its field, and keeps the draft.
    refused = client.post(report_path, data={"action": "submit", "summary_vi": "", "figure-campaigns": "-2"})
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'id="report-errors"' in body and "a number from 0 to 1,000,000,000" in body
    assert session.get(PlanReport, report_id).state == "draft"

    saved = client.post(
        report_path,
        data={"action": "submit", "summary_vi": "Tổ chức 3 đợt tuyên truyền", "figure-campaigns": "3"},
    )
    assert saved.status_code == 302
    session.expire_all()
    stored = session.get(PlanReport, report_id)
    assert stored.state == "submitted" and {f.code: int(f.value) for f in stored.figures} == {"campaigns": 3}
    page = client.get(report_path).get_data(as_text=True)
    assert 'data-state="submitted"' in page and 'id="save-report"' not in page

    client.post("/logout")
    login(client, reviewer)
    queue = client.get("/portal/plan").get_data(as_text=True)
    assert district.legal_name in queue
    assert client.post(report_path, data={"action": "return", "comment": ""}).status_code == 422
    assert client.post(report_path, data={"action": "accept"}).status_code == 302
    session.expire_all()
    assert session.get(PlanReport, report_id).state == "accepted"


def test_the_portal_is_for_reporters_and_reviewers_only(client, session):
    load_plan(session, SYSTEM)
    login(client, make_user(session, make_org(session, "enterprise"), "enterprise"))
    assert client.get("/portal/plan").status_code == 404


def test_the_console_loads_the_plan_once(runner, session):
    first = runner.invoke(args=["plan", "load"])
    assert first.exit_code == 0 and "6 targets, 28 tasks loaded" in first.output
    again = runner.invoke(args=["plan", "load"])
    assert again.exit_code == 0 and "loaded already" in again.output


def test_an_enterprise_declares_in_the_portal_and_every_problem_shows_at_once(client, session):
    load_plan(session, SYSTEM)
    mill = make_org(session, "enterprise", sector="textiles")
    user = make_user(session, mill, "enterprise")
    session.flush()
    login(client, user)
    page = "/portal/plan/declarations"
    assert 'id="declaration-form"' in client.get(page).get_data(as_text=True)
    form = {"organisation_id": mill.id, "year": 2023, "sector": "textiles", "output_quantity": "0"}
    form |= {"output_unit": "m", "kind-0": "fuel", "name-0": "kerosene", "quantity-0": "3", "unit-0": "t"}
    refused = client.post(page, data=form)
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert 'id="declaration-errors"' in body and "có 3 lỗi" in body
    saved = client.post(page, data=form | {"output_quantity": "1000", "output_unit": "t", "name-0": "coal"})
    assert saved.status_code == 302
    listed = client.get(page).get_data(as_text=True)
    assert "0,08 GJ" in listed  # 3 t of coal at 26.7 GJ/t over 1,000 t of output: 0.0801 GJ a tonne
    header = b"year,sector,output_quantity,output_unit,kind,name,quantity,unit\n"
    bad_file = header + b"2024,textiles,10,t,fuel,coal,-1,t\n"
    imported = client.post(
        page,
        data={"organisation_id": mill.id, "file": (io.BytesIO(bad_file), "d.csv")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 422 and 'id="import-errors"' in imported.get_data(as_text=True)


def test_the_department_closes_a_year_from_the_portal(client, session):
    load_plan(session, SYSTEM)
    admin = make_user(session, make_org(session, "authority"), "admin")
    session.flush()
    login(client, admin)
    last = current_year() - 1
    page = client.get("/portal/plan").get_data(as_text=True)
    assert 'id="close-year"' in page and f'<option value="{last}">' in page
    assert client.post("/portal/plan", data={"close_year": last}).status_code == 302
    dashboard = client.get(f"/plan?year={last}").get_data(as_text=True)
    assert "đã khóa sổ ngày" in dashboard and f"/api/v1/plan/reports/{last}.pdf" in dashboard
    # Closed once: the year is no longer offered (earlier years still are).
    after = client.get("/portal/plan").get_data(as_text=True)
    form = after.split('id="close-year"')[1].split("</form>")[0]
    assert f'<option value="{last}">' not in form and f'<option value="{last - 1}">' in form
