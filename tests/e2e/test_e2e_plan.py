"""The plan in a real browser: the dashboard on a phone (no sideways scroll, axe-core clean), and an
agency filing its yearly report that Sở Công Thương then accepts."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_dashboard_fits_a_phone_and_passes_axe(new_context, lang):
    page = new_context(**PHONE).new_page()
    for path in (f"/plan?lang={lang}", f"/plan/tasks?lang={lang}"):
        assert page.goto(path).status == 200
        width = page.evaluate("window.innerWidth")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{path} is {scroll_width}px wide on a {width}px phone"
        assert serious_violations(page) == [], path
    page.goto(f"/plan?lang={lang}")
    # Six targets, each with a chart that says what it shows and the table of its numbers.
    assert page.locator("section.target").count() == 6
    assert page.locator("section.target svg[role=img][aria-label]").count() == 6
    assert page.locator("section.target table.numbers").count() == 6
    zones = page.locator("#target-industrial-zones .value").inner_text()
    assert ("%" in zones) and (("," in zones) if lang == "vi" else ("." in zones))


@pytest.mark.e2e
def test_an_agency_files_its_report_and_the_department_accepts_it(new_context, login):
    page = new_context(**PHONE).new_page()
    login(page, "bqlkcn@ecoreg.demo")
    page.goto("/portal/plan")
    assert serious_violations(page) == []
    draft = page.locator("#own-reports tr[data-state=draft] a")
    assert draft.count() == 1
    draft.click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []
    page.fill("#figure-zones-reached", "30")
    for index in range(page.locator("fieldset.task textarea").count()):
        page.locator("fieldset.task textarea").nth(index).fill("Tổ chức hội nghị phổ biến tại các KCN")
    with page.expect_navigation():
        page.click("#submit-report")
    assert page.get_attribute("#report-state", "data-state") == "submitted"
    assert page.locator("#save-report").count() == 0
    report_url = page.url

    admin = new_context(**PHONE).new_page()
    login(admin, "admin@ecoreg.demo")
    admin.goto("/portal/plan")
    assert admin.locator("#review-queue a", has_text="Ban Quản lý các Khu công nghiệp").count() == 1
    assert admin.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(admin) == []
    admin.goto(report_url)
    with admin.expect_navigation():
        admin.click("#accept-report")
    assert admin.get_attribute("#report-state", "data-state") == "accepted"
    assert admin.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.e2e
def test_an_enterprise_declares_its_consumption_on_a_phone(new_context, login):
    page = new_context(**PHONE).new_page()
    login(page, "detmay@ecoreg.demo")
    page.goto("/portal/plan/declarations")
    assert page.locator("#own-declarations tbody tr").count() >= 3  # the demo's years since 2022
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_violations(page) == []
    page.select_option("#declaration-sector", "textiles")
    page.fill("#output_quantity", "1500")
    page.fill("#name-0", "cotton")
    page.fill("#quantity-0", "1580")
    page.fill("#unit-0", "t")
    with page.expect_navigation():
        page.click("#declare")
    assert page.locator("p.flash").count() == 1
    assert page.locator("#own-declarations td", has_text="1.500 t").count() >= 1
