"""Importing traceability events from a spreadsheet over HTTP: the templates, a CSV and an XLSX round trip
through the EPCIS query interface, and all-or-nothing refusals that name the row and column at fault."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from labels.gs1.identifiers import make_gln, make_gtin, make_sscc
from labels.traceability.event_columns import COLUMN_NAMES
from models import AuditEntry, CaptureJob, EpcisEvent
from tests.epcis_samples import document, item, object_event
from tests.helpers import bearer, make_label, make_org, make_product, make_scheme, make_token, make_user

TEMPLATE = "/api/v1/events/template"
IMPORT = "/api/v1/events/import"
DL = "https://id.gs1.org"


@pytest.fixture
def mill(session):
    """A textile enterprise in Biên Hòa, one of its staff with an API token, its GTINs and places."""
    org = make_org(session, "enterprise")
    user = make_user(session, org, "enterprise")
    prefix = org.gs1_company_prefix
    return {
        "org": org,
        "user": user,
        "auth": bearer(make_token(session, user)),
        "yarn": make_gtin(prefix, 1),
        "fabric": make_gtin(prefix, 2),
        "spinning": make_gln(prefix, 1),
        "weaving": make_gln(prefix, 2),
        "pallet": make_sscc(prefix, 1),
    }


def filled_rows(mill) -> list[dict[str, str]]:
    """A week at the mill: yarn spun, woven into fabric, palletised and shipped."""
    yarn_lot, fabric_lot = f"{mill['yarn']}:SC-01", f"{mill['fabric']}:VT-01"
    return [
        {
            "event_type": "object",
            "event_time": "2026-10-02 07:30",
            "biz_step": "commissioning",
            "location_gln": mill["spinning"],
            "lots": f"{yarn_lot}=1200 KGM",
        },
        {
            "event_type": "transformation",
            "event_time": "05/10/2026 08:00",
            "biz_step": "commissioning",
            "location_gln": mill["weaving"],
            "inputs": f"{yarn_lot}=1150 KGM",
            "outputs": f"{fabric_lot}=5400 MTR",
        },
        {
            "event_type": "aggregation",
            "event_time": "2026-10-06 16:00",
            "biz_step": "packing",
            "location_gln": mill["weaving"],
            "parent": mill["pallet"],
            "lots": f"{fabric_lot}=5400 MTR",
        },
        {
            "event_type": "object",
            "event_time": "2026-10-07T09:30:00+07:00",
            "biz_step": "shipping",
            "disposition": "in_transit",
            "location_gln": mill["weaving"],
            "items": mill["pallet"],
        },
    ]


def csv_file(header, rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue().encode()


def post_file(client, content: bytes, filename: str, auth, **params):
    return client.post(
        IMPORT, data={"file": (io.BytesIO(content), filename)}, headers=auth, query_string=params
    )


def query(client, auth, **params) -> list[dict]:
    response = client.get("/epcis/events", query_string=params, headers=auth)
    assert response.status_code == 200, response.get_json()
    return json.loads(response.data)["epcisBody"]["queryResults"]["resultsBody"]["eventList"]


def stored(session) -> int:
    return session.scalar(select(func.count()).select_from(EpcisEvent))


def jobs(session) -> int:
    return session.scalar(select(func.count()).select_from(CaptureJob))


def test_the_templates_are_downloads_for_anyone(client):
    as_csv = client.get(f"{TEMPLATE}.csv")
    assert as_csv.status_code == 200
    assert as_csv.mimetype == "text/csv"
    assert "attachment" in as_csv.headers["Content-Disposition"]
    header = next(csv.reader(io.StringIO(as_csv.data.decode("utf-8-sig"))))
    assert tuple(header) == COLUMN_NAMES
    as_xlsx = client.get(f"{TEMPLATE}.xlsx")
    assert as_xlsx.status_code == 200
    assert as_xlsx.headers["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(as_xlsx.data)).worksheets[0]
    assert tuple(cell.value for cell in sheet[1]) == COLUMN_NAMES


def test_the_template_examples_import_as_they_are(client, session, mill):
    response = post_file(client, client.get(f"{TEMPLATE}.csv").data, "template.csv", mill["auth"])
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["capturedCount"] == 4


def test_a_csv_round_trip_captures_every_row_as_an_epcis_event(client, session, mill):
    header = next(csv.reader(io.StringIO(client.get(f"{TEMPLATE}.csv").data.decode("utf-8-sig"))))
    content = csv_file(header, filled_rows(mill))
    response = post_file(client, content, "tuan-41.csv", mill["auth"], organisation=mill["org"].tax_code)

    assert response.status_code == 201, response.get_json()
    job = response.get_json()
    assert job["success"] is True and job["eventCount"] == 4 and job["capturedCount"] == 4
    assert (
        client.get(response.headers["Location"], headers=mill["auth"]).get_json()["captureID"]
        == job["captureID"]
    )
    weaving = query(client, mill["auth"], EQ_bizLocation=f"{DL}/414/{mill['weaving']}", orderBy="eventTime")
    assert [e["type"] for e in weaving] == ["TransformationEvent", "AggregationEvent", "ObjectEvent"]
    made, packed, shipped = weaving
    assert made["eventTime"] == "2026-10-05T08:00:00.000+07:00"  # typed day first, in Vietnam time
    assert made["inputQuantityList"] == [
        {"epcClass": f"{DL}/01/{mill['yarn']}/10/SC-01", "quantity": 1150, "uom": "KGM"}
    ]
    assert packed["parentID"] == f"{DL}/00/{mill['pallet']}" and packed["action"] == "ADD"
    assert shipped["epcList"] == [f"{DL}/00/{mill['pallet']}"] and shipped["action"] == "OBSERVE"
    [spun] = query(
        client, mill["auth"], MATCH_epcClass=f"{DL}/01/{mill['yarn']}/10/SC-01", eventType="ObjectEvent"
    )
    assert spun["bizStep"] == "commissioning" and spun["action"] == "ADD"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "epcis.import"))
    assert entry is not None and entry.organisation_id == mill["org"].id


def test_an_xlsx_round_trip_reads_excel_dates_and_numbers(client, session, mill):
    workbook = load_workbook(io.BytesIO(client.get(f"{TEMPLATE}.xlsx").data))
    sheet = workbook.worksheets[0]
    sheet.delete_rows(2, sheet.max_row)
    for row in filled_rows(mill)[:2]:
        sheet.append([row.get(name, "") for name in COLUMN_NAMES])
    # What Excel stores when a person types a date and a GLN into cells formatted as General.
    sheet["B2"] = datetime(2026, 10, 2, 7, 30)
    sheet["F2"] = int(mill["spinning"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = post_file(client, buffer.getvalue(), "tuan-41.xlsx", mill["auth"])

    assert response.status_code == 201, response.get_json()
    [spun] = query(client, mill["auth"], EQ_bizLocation=f"{DL}/414/{mill['spinning']}")
    assert spun["eventTime"] == "2026-10-02T07:30:00.000+07:00"
    assert spun["quantityList"][0]["quantity"] == 1200
    [woven] = query(client, mill["auth"], MATCH_outputEPCClass=f"{DL}/01/{mill['fabric']}/10/VT-01")
    assert woven["eventTime"] == "2026-10-05T08:00:00.000+07:00"


def test_a_label_number_links_the_event_to_the_label_on_the_registry(client, session, mill):
    certifier = make_org(session, "certifier")
    scheme = make_scheme(session, certifier, "green")
    shirt = make_product(session, mill["org"], number=3)
    label = make_label(session, mill["user"], scheme, [shirt], make_user(session, certifier, "certifier"))
    row = filled_rows(mill)[0] | {"lots": f"{shirt.gtin}:AO-01=300 H87", "certification": label.label_number}
    response = post_file(client, csv_file(COLUMN_NAMES, [row]), "e.csv", mill["auth"])

    assert response.status_code == 201, response.get_json()
    [made] = query(client, mill["auth"], MATCH_epcClass=f"{DL}/01/{shirt.gtin}/10/AO-01")
    assert made["certificationInfo"].endswith(f"/catalogue/{label.label_number}")
    unknown = row | {"certification": "DN-XYZ-1999-000001", "lots": f"{shirt.gtin}:AO-02"}
    refused = post_file(client, csv_file(COLUMN_NAMES, [unknown]), "e.csv", mill["auth"])
    assert [(e["row"], e["field"], e["rule"]) for e in refused.get_json()["errors"]] == [
        (2, "certification", "exists")
    ]


def test_a_bad_row_in_the_middle_keeps_nothing_and_names_that_row(client, session, mill):
    rows = filled_rows(mill)
    rows[1]["location_gln"] = mill["weaving"][:-1] + str((int(mill["weaving"][-1]) + 1) % 10)
    rows[2]["event_time"] = "06/10/2026"
    response = post_file(client, csv_file(COLUMN_NAMES, rows), "e.csv", mill["auth"])

    assert response.status_code == 422
    problem = response.get_json()
    assert problem["type"] == "/problems/import-refused"
    assert problem["rows"] == 4
    assert [(e["row"], e["field"], e["rule"]) for e in problem["errors"]] == [
        (3, "location_gln", "check-digit"),
        (4, "event_time", "format"),
    ]
    assert all(e["location"] == "file" for e in problem["errors"])
    assert stored(session) == 0 and jobs(session) == 0


def test_a_duplicate_of_an_already_captured_event_names_its_row(client, session, mill):
    serial = item(mill["yarn"], "D1")
    earlier = object_event([serial], location=mill["spinning"], time="2026-10-02T07:30:00.000+07:00")
    captured = client.post(
        "/epcis/capture",
        data=json.dumps(document(earlier)),
        content_type="application/ld+json",
        headers=mill["auth"],
    )
    assert captured.status_code == 202, captured.get_json()
    same = {
        "event_type": "object",
        "event_time": "2026-10-02 07:30",
        "biz_step": "commissioning",
        "location_gln": mill["spinning"],
        "items": f"{mill['yarn']}:D1",
    }
    rows = [filled_rows(mill)[0], same, filled_rows(mill)[3], filled_rows(mill)[0]]
    response = post_file(client, csv_file(COLUMN_NAMES, rows), "e.csv", mill["auth"])

    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [(e["row"], e["field"], e["rule"]) for e in errors] == [
        (3, "row", "duplicate"),
        (5, "row", "duplicate"),
    ]
    assert "captured before" in errors[0]["message"]
    assert errors[1]["message"] == "the same event as row 2"
    assert stored(session) == 1


def test_a_schema_problem_found_by_capture_is_told_by_row_and_column(client, session, mill):
    rows = filled_rows(mill)
    rows[2]["biz_step"] = "urn:example:not a uri"
    response = post_file(client, csv_file(COLUMN_NAMES, rows), "e.csv", mill["auth"])

    assert response.status_code == 422
    [error] = response.get_json()["errors"]
    assert (error["row"], error["field"]) == (4, "biz_step")
    assert not error["message"].startswith("Event ")
    assert stored(session) == 0


def test_another_tenant_cannot_import_for_you(client, session, mill):
    other = make_org(session, "enterprise")
    outsider = bearer(make_token(session, make_user(session, other, "enterprise")))
    content = csv_file(COLUMN_NAMES, filled_rows(mill))
    response = post_file(client, content, "e.csv", outsider, organisation=mill["org"].tax_code)
    assert response.status_code == 403
    assert stored(session) == 0


def test_a_token_without_events_write_may_not_import(client, session, mill):
    user = make_user(session, mill["org"], "enterprise")
    reader = bearer(make_token(session, user, scopes=["events:read", "products:read"]))
    response = post_file(client, csv_file(COLUMN_NAMES, filled_rows(mill)), "e.csv", reader)
    assert response.status_code == 403
    assert stored(session) == 0


def test_a_file_that_is_no_spreadsheet_is_refused(client, mill):
    response = post_file(client, b"%PDF-1.7", "events.pdf", mill["auth"])
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["rule"] == "file-type"
