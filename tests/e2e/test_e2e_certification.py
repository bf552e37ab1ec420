"""The certification workflow in a real browser: an enterprise applies for an energy label, a
certifier of the Department of Industry and Trade reviews, approves and issues it, and the label
appears in the public catalogue, genuine and valid."""

from __future__ import annotations

import re

import pytest

ENTERPRISE = "dientu@ecoreg.demo"  # Điện tử Trảng Bom, holder of the energy-saving fan
CERTIFIER = "socongthuong@ecoreg.demo"  # certifies the energy-label schemes (labels/demo/schemes.py)
FAN = "Quạt điện tiết kiệm năng lượng"

# A minimal, valid one-page PDF: evidence is content-checked, so it has to be a real PDF.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.mark.e2e
def test_an_energy_label_goes_from_application_to_the_public_catalogue(new_context, login, tmp_path):
    enterprise = new_context().new_page()
    assert login(enterprise, ENTERPRISE).status == 302
    enterprise.click("#apply-link")
    enterprise.click("#scheme-VEL-FAN")
    enterprise.locator("label", has_text=FAN).locator("input[name=gtins]").check()
    enterprise.select_option("#label_type", "endorsement")
    enterprise.fill("#annual_energy_kwh", "48.5")
    enterprise.fill("#energy_efficiency", "1.42")
    enterprise.fill("#test_standard", "TCVN 7826:2015")
    enterprise.fill("#test_laboratory", "Trung tâm Kỹ thuật 3 (QUATEST 3)")
    evidence = tmp_path / "bao-cao-thu-nghiem.pdf"
    evidence.write_bytes(PDF)
    enterprise.set_input_files("#evidence-file", str(evidence))
    enterprise.click("#submit-application")
    assert enterprise.get_attribute("#application-state", "data-state") == "submitted"
    assert "bao-cao-thu-nghiem.pdf" in enterprise.inner_text("#evidence-list")
    # The fan's efficacy (1.42) meets FAN-01 (>= 1.1), checked automatically from the claims.
    assert "FAN-01" in enterprise.inner_text("#criteria-results tr.pass")
    application_url = enterprise.url

    certifier = new_context().new_page()
    assert login(certifier, CERTIFIER).status == 302
    certifier.goto("/portal/certifier?state=submitted")
    certifier.locator("#applications a", has_text=application_url.rsplit("/", 1)[1]).first.click()
    assert certifier.url == application_url
    for action, state in (("start_review", "under_review"), ("approve", "approved"), ("issue", "issued")):
        certifier.click(f"#action-{action}")
        assert certifier.get_attribute("#application-state", "data-state") == state
    label_number = certifier.inner_text("#issued-label")
    assert re.fullmatch(r"DN-ENR-\d{4}-\d{6}", label_number)

    public = new_context().new_page()
    public.goto(f"/catalogue?q={label_number}")
    assert label_number in public.inner_text("#catalogue")
    public.click(f"text={label_number}")
    assert public.locator("#verdict .status-active").count() == 1
    assert FAN in public.inner_text("dl.facts")

    # The enterprise sees it among its labels.
    enterprise.goto("/portal/enterprise")
    assert label_number in enterprise.inner_text("#my-labels")
