"""A supermarket audits a green shelf in a real browser: upload the shelf list, read the report, export it."""

from __future__ import annotations

import pytest

from labels.gs1.identifiers import make_gtin

LED_BULB = make_gtin("89360019", 1)  # the demo's LED bulb, with a valid energy label
FILLET = make_gtin("89360018", 1)  # the demo's pangasius fillets, with a carbon-footprint label
UNKNOWN = make_gtin("8936999", 1)  # never registered


@pytest.mark.e2e
def test_a_retailer_audits_a_shelf_from_upload_to_report(page, login):
    login(page, "coopmart@ecoreg.demo")
    page.goto("/portal/retailer")
    with page.expect_navigation():
        page.click("#shelf-link")
    page.fill("#shelf-store", "Co.opmart Biên Hòa - kệ xanh 1")
    shelf_list = f"code\n{LED_BULB}\n{FILLET}\n{UNKNOWN}\nnot a code\n".encode()
    page.set_input_files(
        "#shelf-files", files=[{"name": "ke-xanh.csv", "mimeType": "text/csv", "buffer": shelf_list}]
    )
    with page.expect_navigation():
        page.click("#shelf-submit")
    summary = page.locator("#shelf-summary")
    assert summary.get_attribute("data-compliance") == "50.0"
    assert "2" in summary.inner_text() and "4" in summary.inner_text()
    failing = page.locator("#shelf-failing tbody tr")
    assert failing.count() == 2
    assert failing.nth(0).get_attribute("data-verdict") == "not-registered"
    with page.expect_download() as download:
        page.click("#shelf-export")
    assert download.value.suggested_filename.endswith(".csv")
    page.click("text=Lịch sử kiểm tra của cửa hàng này")
    assert "Co.opmart Biên Hòa - kệ xanh 1" in page.inner_text("#shelf-history")
