"""A consumer scans a product with a phone that has no BarcodeDetector: a photo, then the verdict."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from labels.codes.qr import render_png
from labels.gs1.identifiers import make_gtin
from tests.e2e.test_e2e_consumer import PHONE
from tests.helpers import block_outside_requests
from tests.unit.scanner.scanner_pictures import Placement, jpeg_bytes, photo

LED_BULB = make_gtin("89360019", 1)


@pytest.mark.e2e
def test_a_photo_of_the_code_opens_the_products_verdict(new_context, server):
    page = new_context(**PHONE).new_page()
    outside = block_outside_requests(page, server)
    assert page.goto("/scan").status == 200
    code = Image.open(io.BytesIO(render_png(f"{server}/01/{LED_BULB}", module_px=4)))
    picture = jpeg_bytes(photo([(code, Placement((640, 360), 300, 20, 0.2))]))
    page.set_input_files(
        "#scan-photo", files=[{"name": "code.jpg", "mimeType": "image/jpeg", "buffer": picture}]
    )
    with page.expect_navigation():
        page.click("#scan-submit")
    assert page.url.endswith(f"/01/{LED_BULB}")
    assert page.locator("#verdict").get_attribute("data-verdict") == "valid"
    assert outside == [], f"the page loaded outside assets: {outside}"
