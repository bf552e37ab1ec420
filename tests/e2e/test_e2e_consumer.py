"""The consumer page behind a product's code, on a phone, in a real browser against the demo data."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from labels.gs1.identifiers import make_gtin
from tests.helpers import block_outside_requests

#: The demo's LED bulb (Công ty TNHH Điện tử Trảng Bom, product 1), which carries a valid energy label.
LED_BULB = make_gtin("89360019", 1)
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


def _phone_page(new_context, server):
    page = new_context(**PHONE).new_page()
    return page, block_outside_requests(page, server)


def _fits(page) -> None:
    width = page.evaluate("window.innerWidth")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width}px wide on a {width}px phone"


@pytest.mark.e2e
def test_a_products_code_opens_the_verdict_first_on_a_phone(new_context, server):
    page, outside = _phone_page(new_context, server)
    response = page.goto(f"/01/{LED_BULB}")
    assert response.status == 200
    assert page.get_attribute("html", "lang") == "vi"
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "valid"
    assert verdict.is_visible()
    box = verdict.bounding_box()
    assert box["y"] + box["height"] <= 844, "the verdict is below the fold"
    assert "Chính hãng và còn hiệu lực" in verdict.inner_text()
    assert "Đèn LED bulb 9W" in page.inner_text("#product")
    assert page.locator("#labels article").count() >= 1
    _fits(page)
    assert outside == [], f"the page loaded outside assets: {outside}"
    # The label link leads to its catalogue page.
    with page.expect_navigation():
        page.locator("#labels article a").first.click()
    assert urlsplit(page.url).path.startswith("/catalogue/DN-")


@pytest.mark.e2e
def test_a_serial_never_issued_says_so_and_still_shows_the_labels(new_context, server):
    page, _ = _phone_page(new_context, server)
    response = page.goto(f"/01/{LED_BULB}/21/NEVERISSUED1")
    assert response.status == 200
    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "serial-not-issued"
    assert verdict.is_visible() and verdict.bounding_box()["y"] < 844
    assert "NEVERISSUED1" in verdict.inner_text()
    assert page.locator("#labels article").count() >= 1
    _fits(page)


@pytest.mark.e2e
def test_the_page_reads_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False, **PHONE)
    try:
        page = context.new_page()
        assert page.goto(f"/01/{LED_BULB}").status == 200
        assert page.locator("#verdict").get_attribute("data-verdict") == "valid"
        assert page.locator("#verdict").is_visible()
    finally:
        context.close()
