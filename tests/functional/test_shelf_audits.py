"""Green-shelf audits in the retailer portal: a list or photos of real codes, the report with its
compliance, the history per store, the export, and only the retailer's own staff."""

import io
import re

import pytest
from PIL import Image

from labels.codes.qr import render_png
from labels.gs1.identifiers import make_gtin
from tests.functional.test_api_lots import labelled  # noqa: F401 - the fixture
from tests.functional.test_verify_api import forge, issued  # noqa: F401 - the fixture
from tests.functional.test_web_lots import login
from tests.helpers import make_org, make_user
from tests.unit.scanner.scanner_pictures import Placement, jpeg_bytes, photo

PAGE = "/portal/shelf-audits"
UNKNOWN_GTIN = make_gtin("8936999", 1)  # well-formed, never registered


@pytest.fixture
def shop(session):
    user = make_user(session, make_org(session, "retailer"), "retailer")
    session.flush()
    return user


def upload(client, store, files):
    data = {"store": store, "files": [(io.BytesIO(content), name) for name, content in files]}
    return client.post(PAGE, data=data, content_type="multipart/form-data")


def test_a_shelf_list_gives_a_report_with_its_compliance_and_reasons(client, issued, shop):  # noqa: F811
    login(client, shop)
    rows = ["code", issued["uris"][0], issued["uris"][1], forge(issued["uris"][2]), UNKNOWN_GTIN, "xyz"]
    response = upload(client, "Co.opmart Biên Hòa", [("shelf.csv", "\n".join(rows).encode())])
    assert response.status_code == 302
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-compliance="40.0"' in report
    failing = re.findall(r'<tr data-verdict="([a-z-]+)"><td>row', report)
    assert failing == ["forged", "not-registered", "not-an-ecoreg-code"]
    export = client.get(response.headers["Location"] + ".csv")
    assert export.status_code == 200 and "forged" in export.get_data().decode("utf-8-sig")


def test_photos_of_codes_are_decoded_and_the_history_is_kept_per_store(client, issued, shop):  # noqa: F811
    login(client, shop)
    codes = [Image.open(io.BytesIO(render_png(uri, module_px=4))) for uri in issued["uris"][:2]]
    picture = photo(
        [(codes[0], Placement((360, 360), 260, 8, 0.1)), (codes[1], Placement((900, 380), 260, -6, 0.1))]
    )
    blank = io.BytesIO()
    Image.new("L", (320, 240), 210).save(blank, "PNG")
    response = upload(
        client, "WinMart Long Khánh", [("shelf.jpg", jpeg_bytes(picture)), ("empty.png", blank.getvalue())]
    )
    assert response.status_code == 302 and "unreadable=1" in response.headers["Location"]
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-compliance="100.0"' in report and report.count('<tr data-verdict="valid">') == 2
    upload(client, "Co.opmart Biên Hòa", [("shelf.csv", f"gtin\n{issued['uris'][0]}\n".encode())])
    history = client.get(PAGE, query_string={"store": "WinMart Long Khánh"}).get_data(as_text=True)
    assert history.count("WinMart Long Khánh</td>") == 1 and "Co.opmart Biên Hòa</td>" not in history


def test_an_empty_list_or_no_store_is_told(client, shop):
    login(client, shop)
    empty = upload(client, "Shop", [("shelf.csv", b"code\n")])
    assert empty.status_code == 422 and "no code was found" in empty.get_data(as_text=True)
    assert upload(client, "", [("shelf.csv", b"code\n1\n")]).status_code == 422


def test_only_the_retailers_staff_see_its_audits(client, session, issued, shop):  # noqa: F811
    login(client, shop)
    location = upload(client, "Shop", [("s.csv", f"code\n{issued['uris'][0]}\n".encode())]).headers[
        "Location"
    ]
    other = make_user(session, make_org(session, "retailer"), "retailer")
    session.flush()
    client.post("/logout")
    login(client, other)
    assert client.get(location).status_code == 404
    assert client.get(location + ".csv").status_code == 404
    client.post("/logout")
    login(client, make_user(session, make_org(session, "enterprise"), "enterprise"))
    assert client.get(PAGE).status_code == 404
