"""The consumer's scan page: a photo of a real code, decoded on the server, leads to the product's page;
a barcode to the product; anything else is told plainly, and nothing leads off the registry."""

import io

import pytest
from PIL import Image

from labels.codes.qr import render_png
from tests.unit.scanner.scanner_pictures import Placement, ean13, jpeg_bytes, photo

GTIN = "08936001900013"
CODE = f"https://id.gs1.org/01/{GTIN}/10/LOT7/21/AbC123xyz?c=1X.2Y"


def send(client, data: bytes, name="photo.jpg"):
    return client.post("/scan", data={"photo": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_a_photo_of_a_qr_code_leads_to_its_consumer_page_on_this_registry(client):
    picture = photo(
        [(Image.open(io.BytesIO(render_png(CODE, module_px=4))), Placement((640, 360), 260, 12, 0.15))]
    )
    response = send(client, jpeg_bytes(picture))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/01/{GTIN}/10/LOT7/21/AbC123xyz?c=1X.2Y"


def test_a_photo_of_a_barcode_leads_to_the_product(client):
    picture = photo([(ean13(GTIN[1:]), Placement((600, 380), 360, -8, 0.1))])
    response = send(client, jpeg_bytes(picture))
    assert response.status_code == 303 and response.headers["Location"] == f"/01/{GTIN}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"https://evil.example/01/{GTIN}", f"/01/{GTIN}"),  # the path only: never off the registry
        ("https://evil.example/login", None),
        ("urn:uuid:1234", None),
    ],
)
def test_a_detected_codes_text_never_leads_off_the_registry(client, text, expected):
    response = client.get("/scan/code", query_string={"text": text})
    if expected:
        assert response.status_code == 303 and response.headers["Location"] == expected
    else:
        assert response.status_code == 422 and "evil.example/login" not in response.headers.get(
            "Location", ""
        )


def test_no_code_or_no_picture_is_said_plainly(client):
    blank = io.BytesIO()
    Image.new("L", (640, 480), 200).save(blank, "PNG")
    nothing = send(client, blank.getvalue(), "blank.png")
    assert nothing.status_code == 422 and 'id="scan-message"' in nothing.get_data(as_text=True)
    assert send(client, b"%PDF-1.7 not a picture", "x.pdf").status_code == 422
    assert client.post("/scan", data={}, content_type="multipart/form-data").status_code == 400


def test_the_page_offers_the_upload_without_javascript(client):
    html = client.get("/scan").get_data(as_text=True)
    assert 'id="scan-form"' in html and 'capture="environment"' in html
    assert 'id="camera" hidden' in html  # the camera shows only where scan.js finds BarcodeDetector
