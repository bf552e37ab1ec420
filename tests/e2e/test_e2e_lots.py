"""An enterprise's lots in a real browser: register a lot, ask for more serials than are issued at once,
watch the background job finish (with script, and with script turned off), and download the sheet."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import pytest

from tests.helpers import block_outside_requests

ENTERPRISE = "dientu@ecoreg.demo"
LED_BULB = "08936001900013"  # has an active energy label in the demo data
BIG = 10_000  # above SERIAL_SYNC_LIMIT (1,000): a background job of a second or more


def _register_lot(page) -> str:
    page.goto("/portal/enterprise")
    page.click(f'#products tr:has(code:text-is("{LED_BULB}")) a.lots-link')
    assert urlsplit(page.url).path == f"/portal/products/{LED_BULB}/lots"
    number = f"E2E{secrets.token_hex(3).upper()}"
    page.fill("#lot_number", number)
    page.fill("#production_date", "2026-11-01")
    page.fill("#quantity", str(BIG))
    with page.expect_navigation():
        page.click("#lot-submit")
    assert page.inner_text("#lot-number") == number
    return number


def _request(page, count: int) -> None:
    page.fill("#count", str(count))
    with page.expect_navigation():
        page.click("#serials-submit")


@pytest.mark.e2e
def test_an_enterprise_issues_serials_in_the_background_and_downloads_the_sheet(page, login, server):
    outside = block_outside_requests(page, server)
    assert login(page, ENTERPRISE).status == 302
    _register_lot(page)
    _request(page, BIG)
    assert "/jobs/" in urlsplit(page.url).path
    assert page.get_attribute("#serial-job", "data-state") in ("queued", "running")
    assert page.locator("#job-progress").count() == 1
    # serial-job.js polls the job, moves the bar, and reloads the page when it is over.
    page.wait_for_selector('#serial-job[data-state="succeeded"]', timeout=60_000)
    assert page.inner_text("#job-state") == "đã xong"
    assert page.inner_text("#job-issued") == str(BIG)
    page.click("#job-print")
    assert page.inner_text("#serial-total") == str(BIG)
    sheets = page.locator("a.sheet-link")
    assert sheets.count() == 15  # 700 codes a sheet
    with page.expect_download() as download:
        sheets.first.click()
    assert download.value.suggested_filename.endswith("-1.pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    with page.expect_download() as artwork:
        page.locator("a.artwork-link").first.click()
    assert artwork.value.suggested_filename.endswith(".png")
    assert outside == []


@pytest.mark.e2e
def test_the_progress_page_refreshes_itself_without_script(new_context, login):
    page = new_context(java_script_enabled=False).new_page()
    assert login(page, ENTERPRISE).status == 302
    _register_lot(page)
    _request(page, BIG)
    assert "/jobs/" in urlsplit(page.url).path
    assert page.get_attribute("#serial-job", "data-state") in ("queued", "running")
    page.wait_for_selector('#serial-job[data-state="succeeded"]', timeout=60_000)
    assert page.inner_text("#job-issued") == str(BIG)
