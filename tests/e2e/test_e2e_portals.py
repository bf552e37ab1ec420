"""The portals in a real browser: logging in and out, the enterprise's CSV import, the admin's audit
trail, and a portal refusing a user of another role."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from labels.gs1.identifiers import make_gtin

ENTERPRISE = "detmay@ecoreg.demo"
ENTERPRISE_PREFIX = "89360011"  # its GS1 company prefix in labels/demo/seed.py
ADMIN = "admin@ecoreg.demo"
RETAILER = "coopmart@ecoreg.demo"
ENTERPRISE_NAME = "Công ty TNHH Dệt may Biên Hòa Xanh"


def _path(page) -> str:
    return urlsplit(page.url).path


def _write_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["gtin", "name_vi", "sector"])
        writer.writerows(rows)
    return path


def _product_count(page) -> int:
    """The number in the "Products (N)" heading of the enterprise portal."""
    heading = page.locator("#products-heading")
    return int(re.search(r"\((\d+)\)\s*$", heading.inner_text()).group(1))


def _products(page) -> dict[str, list[str]]:
    """The product table as {GTIN: [GTIN, name, brand, status]}."""
    rows = page.locator("#products tbody tr")
    table = {}
    for i in range(rows.count()):
        cells = [c.strip() for c in rows.nth(i).locator("td").all_inner_texts()]
        table[cells[0]] = cells
    return table


def _upload(page, path: Path) -> int:
    """Submit the import form with ``path``; the status of the form's POST."""
    page.set_input_files("#file", str(path))
    with (
        page.expect_navigation(),
        page.expect_response(
            lambda r: r.request.method == "POST" and urlsplit(r.url).path == "/portal/enterprise"
        ) as posted,
    ):
        page.click("#import-submit")
    return posted.value.status


def _audit_rows(page) -> list[list[str]]:
    rows = page.locator("#audit tbody tr")
    return [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]


@pytest.mark.e2e
def test_enterprise_imports_products_from_csv(page, login, tmp_path):
    assert login(page, ENTERPRISE).status == 302
    assert _path(page) == "/portal/enterprise"
    assert page.inner_text("h1") == ENTERPRISE_NAME
    assert ENTERPRISE_PREFIX in page.inner_text("p.muted")

    products = _products(page)
    before = _product_count(page)
    assert before == len(products)
    for number in range(1, 5):  # the four demo products, the draft among them
        assert make_gtin(ENTERPRISE_PREFIX, number) in products
    draft = products[make_gtin(ENTERPRISE_PREFIX, 4)]
    assert draft[1] == "Quần kaki tái chế"
    assert draft[3] == "nháp"  # "draft": only the holder and the certifiers see it
    assert products[make_gtin(ENTERPRISE_PREFIX, 1)][3] == "đã công bố"
    assert page.locator("#import-errors").count() == 0

    # One bad row (row 3: wrong check digit) refuses the whole file.
    first, second = make_gtin(ENTERPRISE_PREFIX, 500), make_gtin(ENTERPRISE_PREFIX, 501)
    good = make_gtin(ENTERPRISE_PREFIX, 502)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    bad_file = _write_csv(
        tmp_path / "products-bad.csv",
        [
            (first, "Áo thun cotton tái chế", "textiles"),
            (bad, "Khăn tay sai mã", "textiles"),
            (second, "Túi vải canvas tái chế", "textiles"),
        ],
    )
    assert _upload(page, bad_file) == 422
    assert _path(page) == "/portal/enterprise"
    assert page.locator(".flash.error").is_visible()
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    row, column, rule, message = (c.strip() for c in errors.nth(0).locator("td").all_inner_texts())
    assert (row, column, rule) == ("3", "gtin", "check-digit")
    assert message
    assert _product_count(page) == before
    after_refusal = _products(page)
    assert first not in after_refusal and second not in after_refusal
    assert len(after_refusal) == before

    # The corrected file goes in whole.
    good_file = _write_csv(
        tmp_path / "products-good.csv",
        [
            (first, "Áo thun cotton tái chế", "textiles"),
            (second, "Túi vải canvas tái chế", "textiles"),
        ],
    )
    assert _upload(page, good_file) == 302
    assert _path(page) == "/portal/enterprise"
    assert page.inner_text(".flash.success") == "Đã nhập 2 sản phẩm."
    assert page.locator("#import-errors").count() == 0
    assert _product_count(page) == before + 2
    imported = _products(page)
    assert imported[first][1] == "Áo thun cotton tái chế"
    assert imported[second][1] == "Túi vải canvas tái chế"
    assert imported[first][3] == "nháp"  # no "published" column: drafts

    with page.expect_navigation():
        page.click("#logout")
    assert _path(page) == "/"
    assert page.locator("#nav-login").is_visible()
    assert page.locator("#logout").count() == 0
    page.goto("/portal/enterprise")
    assert _path(page) == "/login"


@pytest.mark.e2e
def test_wrong_password_is_refused(page, login):
    response = login(page, ENTERPRISE, "not-the-demo-password")
    assert response.status == 401
    assert _path(page) == "/login"
    assert page.inner_text(".flash.error") == "Sai email hoặc mật khẩu."
    assert page.locator("#login-submit").is_visible()
    assert page.locator("#logout").count() == 0
    page.goto("/portal/enterprise")
    assert _path(page) == "/login"


@pytest.mark.e2e
def test_admin_sees_the_enterprise_import_in_the_audit_trail(new_context, login, tmp_path):
    admin = new_context().new_page()
    assert login(admin, ADMIN).status == 302
    assert _path(admin) == "/portal/admin"
    rows = _audit_rows(admin)
    assert rows, "the audit trail is empty although the demo data was seeded"
    imports_before = sum(1 for r in rows if r[2] == "product.import")

    enterprise = new_context().new_page()
    assert login(enterprise, ENTERPRISE).status == 302
    gtin = make_gtin(ENTERPRISE_PREFIX, 600)
    csv_file = _write_csv(tmp_path / "audit.csv", [(gtin, "Vải lanh e2e", "textiles")])
    assert _upload(enterprise, csv_file) == 302

    admin.reload()
    rows = _audit_rows(admin)
    when, who, what, target = rows[0]  # newest first
    assert (who, what) == (ENTERPRISE, "product.import")
    assert target.startswith("organisation ")
    assert sum(1 for r in rows if r[2] == "product.import") == imports_before + 1


@pytest.mark.e2e
def test_enterprise_portal_refuses_a_retailer(page, login):
    assert login(page, RETAILER).status == 302
    assert _path(page) == "/portal/retailer"
    assert page.inner_text("h1") == "Siêu thị Co.opmart Biên Hòa"
    response = page.goto("/portal/enterprise")
    assert response.status == 404
    assert page.locator("#import-submit").count() == 0
    assert ENTERPRISE_NAME not in page.content()
