"""Printing over HTTP: a label's artwork for a product, and a lot's PDF sheet of codes."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image

from labels.certification.workflow import transition_label
from labels.codes.lots import create_lot, issue_serials
from labels.codes.sheet import PER_PAGE
from tests.helpers import (
    bearer,
    good_claims,
    make_label,
    make_org,
    make_product,
    make_scheme,
    make_token,
    make_user,
    principal,
)

PAGE = re.compile(rb"/Type\s*/Page\b")


@pytest.fixture
def labelled(session):
    certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
    applicant = make_user(session, enterprise, "enterprise")
    reviewer = make_user(session, certifier, "certifier")
    products = [make_product(session, enterprise, published=True) for _ in range(2)]
    scheme = make_scheme(session, certifier, "energy")
    label = make_label(session, applicant, scheme, products, reviewer, good_claims("energy"))
    session.flush()
    return {
        "products": products,
        "label": label,
        "applicant": applicant,
        "reviewer": reviewer,
        "token": make_token(session, applicant),
        "outsider": make_token(session, make_user(session, make_org(session, "enterprise"), "enterprise")),
    }


def test_the_artwork_is_a_300_dpi_png_whose_code_is_the_products_digital_link(app, client, labelled):
    product, label = labelled["products"][1], labelled["label"]
    response = client.get(f"/api/v1/labels/{label.label_number}/artwork.png?gtin={product.gtin}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert [round(d) for d in image.info["dpi"]] == [300, 300]
    host = app.config["PUBLIC_BASE_URL"].split("://", 1)[1]
    assert [c.text for c in zxingcpp.read_barcodes(image)] == [f"https://{host}/01/{product.gtin}"]
    # A GTIN-13 spelling names the same product; the DPI is the caller's.
    response = client.get(f"/api/v1/labels/{label.label_number}/artwork.png?gtin={product.gtin[1:]}&dpi=600")
    assert [round(d) for d in Image.open(io.BytesIO(response.data)).info["dpi"]] == [600, 600]


def test_the_artwork_needs_a_product_of_the_label_and_an_active_label(client, session, labelled):
    label = labelled["label"]
    url = f"/api/v1/labels/{label.label_number}/artwork.png"
    several = client.get(url)  # two products: which one?
    assert several.status_code == 422 and several.get_json()["errors"][0]["field"] == "gtin"
    assert client.get(f"{url}?gtin=09506000134352").status_code == 404
    assert client.get(f"{url}?gtin=123").status_code == 422
    assert client.get(f"{url}?gtin={labelled['products'][0].gtin}&dpi=5000").status_code == 422
    assert client.get("/api/v1/labels/DN-ENR-2026-999999/artwork.png").status_code == 404
    transition_label(session, principal(labelled["reviewer"]), label.label_number, "suspend", "audit")
    session.flush()
    refused = client.get(f"{url}?gtin={labelled['products'][0].gtin}")
    assert refused.status_code == 409 and "suspended" in refused.get_json()["detail"]


def test_the_lot_sheet_holds_every_code_on_as_many_a4_pages_as_needed(client, session, labelled, tmp_path):
    actor, product = principal(labelled["applicant"]), labelled["products"][0]
    lot = create_lot(session, actor, product.gtin, "2611A")
    issue_serials(session, actor, lot.id, PER_PAGE + 3, "sheet")
    session.flush()
    auth = bearer(labelled["token"])
    response = client.get(f"/api/v1/lots/{lot.id}/sheet.pdf", headers=auth)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    assert pdf.startswith(b"%PDF-")
    assert len(PAGE.findall(pdf)) == 2
    serials = client.get(f"/api/v1/lots/{lot.id}/serials?per_page=200", headers=auth).get_json()["items"]
    uris = {s["uri"] for s in serials}
    assert len(uris) == PER_PAGE + 3

    # A slice of the lot fits one page.
    one_page = client.get(f"/api/v1/lots/{lot.id}/sheet.pdf?start={PER_PAGE}&count=10", headers=auth)
    assert len(PAGE.findall(one_page.data)) == 1
    # Someone else's lot is not found; a sheet without a token is refused.
    outsider = client.get(f"/api/v1/lots/{lot.id}/sheet.pdf", headers=bearer(labelled["outsider"]))
    assert outsider.status_code == 404
    assert client.get(f"/api/v1/lots/{lot.id}/sheet.pdf").status_code in (401, 404)

    if shutil.which("pdftoppm") is None:
        return  # optional: apt-get install poppler-utils to check the printed codes too
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    command = ["pdftoppm", "-r", "200", "-png", "-singlefile", "-f", "1", "-l", "1"]
    subprocess.run([*command, tmp_path / "sheet.pdf", tmp_path / "page"], check=True)
    decoded = {c.text for c in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))}
    assert len(decoded) == PER_PAGE and decoded <= uris
