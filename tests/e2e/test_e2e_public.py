"""The public pages in a real browser: language, mobile layout, the API documentation offline."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

import pytest

from tests.helpers import block_outside_requests


def _stat(page, name: str) -> int:
    return int(page.inner_text(f"#stat-{name}").strip())


@pytest.mark.e2e
def test_home_is_vietnamese_by_default_and_english_sticks(page):
    response = page.goto("/")
    assert response.status == 200
    assert page.get_attribute("html", "lang") == "vi"
    assert page.inner_text("h1") == "Nhãn xanh kiểm chứng được"
    assert "Green labels you can check" not in page.content()
    # The demo data is there: twelve enterprises, three supermarkets, published products.
    assert _stat(page, "enterprises") > 0
    assert _stat(page, "retailers") > 0
    assert _stat(page, "products") > 0

    with page.expect_navigation():
        page.click("#lang-en")
    assert urlsplit(page.url).path == "/"
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Green labels you can check"
    assert page.locator("#lang-vi").is_visible()
    assert page.locator("#lang-en").count() == 0

    # The choice is kept in the session, across pages and back.
    with page.expect_navigation():
        page.click("#nav-login")
    assert urlsplit(page.url).path == "/login"
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Log in"
    page.goto("/")
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("h1") == "Green labels you can check"

    # ...and switching back works too.
    with page.expect_navigation():
        page.click("#lang-vi")
    assert page.get_attribute("html", "lang") == "vi"
    assert page.inner_text("h1") == "Nhãn xanh kiểm chứng được"


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_home_fits_a_phone_without_horizontal_scrolling(new_context, lang):
    context = new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    assert page.goto(f"/?lang={lang}").status == 200
    assert page.get_attribute("html", "lang") == lang
    width = page.evaluate("window.innerWidth")
    assert width == 390
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width}px wide on a {width}px phone"
    # The stats and cards stack in one column rather than squeezing side by side.
    boxes = [page.locator(f"#stat-{n}").bounding_box() for n in ("enterprises", "retailers", "products")]
    assert all(box["x"] + box["width"] <= width for box in boxes)


@pytest.mark.e2e
def test_api_docs_load_with_no_network(page, server):
    outside = block_outside_requests(page, server)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    assert page.goto("/api/docs").status == 200
    page.wait_for_selector(".swagger-ui")
    # Swagger UI fetched the spec from our server and rendered its operations.
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert "ecoreg API" in page.inner_text(".swagger-ui .info")
    page.wait_for_load_state("networkidle")

    assert outside == [], f"the API docs reached outside the server: {outside}"
    assert failed == [], f"requests failed: {failed}"


@pytest.mark.e2e
def test_openapi_document_is_served(server):
    with urllib.request.urlopen(server + "/api/openapi.json", timeout=10) as response:
        assert response.status == 200
        assert response.headers.get_content_type() == "application/json"
        document = json.load(response)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "ecoreg API"
    assert any(path.startswith("/api/v1/products") for path in document["paths"]), sorted(document["paths"])
