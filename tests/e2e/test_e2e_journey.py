"""A consumer follows a product's code to its journey, on a phone, in a real browser, on the demo data."""

from __future__ import annotations

import pytest

from labels.demo.chains import GARMENT_PREFIX, SEAFOOD_PREFIX, SHIRT_SERIALS
from labels.gs1.identifiers import make_gtin
from tests.e2e.test_e2e_consumer import PHONE, _fits
from tests.helpers import block_outside_requests

FILLET = make_gtin(SEAFOOD_PREFIX, 1)
SHIRT = make_gtin(GARMENT_PREFIX, 3)


@pytest.mark.e2e
def test_frozen_fillets_journey_from_the_farm_to_the_supermarket(new_context, server):
    page = new_context(**PHONE).new_page()
    outside = block_outside_requests(page, server)
    assert page.goto(f"/01/{FILLET}").status == 200
    with page.expect_navigation():
        page.locator("#journey-link a").click()
    assert page.url.split("?")[0].endswith("/journey")
    steps = page.locator("#timeline li")
    assert steps.count() == 8
    first, last = steps.first.inner_text(), steps.last.inner_text()
    assert "Sản xuất" in first and "Công ty Cổ phần Thủy sản Nhơn Trạch" in first
    assert "Lên kệ" in last and "WinMart Long Khánh" in last
    # The processing step links the fillets' carbon label in the catalogue.
    processing = page.locator('#timeline li:has(a[href*="/catalogue/DN-"])')
    assert processing.count() == 1
    _fits(page)
    assert outside == [], f"the page loaded outside assets: {outside}"


@pytest.mark.e2e
def test_the_journey_reads_in_english_and_without_javascript(browser, server):
    context = browser.new_context(base_url=server, java_script_enabled=False, **PHONE)
    try:
        page = context.new_page()
        assert page.goto(f"/journey?id=https://id.gs1.org/01/{SHIRT}/21/{SHIRT_SERIALS[0]}").status == 200
        assert page.locator("#timeline li").count() == 9
        with page.expect_navigation():
            page.click("#lang-en")
        assert page.get_attribute("html", "lang") == "en"
        text = page.inner_text("#timeline")
        assert "Shipped" in text and "Received" in text and "made from" in text
        assert "Siêu thị Co.opmart Biên Hòa" in text
    finally:
        context.close()
