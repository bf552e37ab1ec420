"""The certification pages: applying through the form, deciding, and refusals told plainly."""

from sqlalchemy import select

from models import Application
from tests.helpers import (
    PASSWORD,
    make_application,
    make_label,
    make_org,
    make_product,
    make_scheme,
    make_user,
)


def login(client, user):
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def world(session):
    certifier, enterprise = make_org(session, "certifier"), make_org(session, "enterprise")
    return {
        "scheme": make_scheme(session, certifier, "energy"),
        "product": make_product(session, enterprise, published=True),
        "reviewer": make_user(session, certifier, "certifier"),
        "applicant": make_user(session, enterprise, "enterprise"),
        "enterprise": enterprise,
    }


def test_an_enterprise_applies_through_the_form_and_submits(client, session):
    w = world(session)
    login(client, w["applicant"])
    form = {
        "gtins": w["product"].gtin,
        "label_type": "comparative",
        "stars": "4",
        "annual_energy_kwh": "1210",
        "energy_efficiency": "4.6",
        "test_standard": "TCVN 7830:2021",
        "test_laboratory": "QUATEST 3",
        "criterion-E-02-passed": "yes",
        "submit": "submit",
    }
    response = client.post(f"/portal/apply/{w['scheme'].code}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    application = session.scalar(select(Application).where(Application.applicant_id == w["enterprise"].id))
    assert application.state == "submitted"
    assert application.claims["stars"] == 4 and application.claims["annual_energy_kwh"] == 1210
    assert application.claims["criteria"] == [{"code": "E-02", "passed": True}]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-state="submitted"' in page


def test_a_form_with_a_bad_claim_is_refused_naming_the_field_and_nothing_is_saved(client, session):
    w = world(session)
    login(client, w["applicant"])
    form = {
        "gtins": w["product"].gtin,
        "label_type": "comparative",
        "stars": "4",
        "annual_energy_kwh": "-5",
        "test_standard": "ISO 1",
        "test_laboratory": "QUATEST 3",
        "submit": "submit",
    }
    response = client.post(f"/portal/apply/{w['scheme'].code}", data=form)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "claims.annual_energy_kwh" in page and "[range]" in page
    assert session.scalar(select(Application).where(Application.applicant_id == w["enterprise"].id)) is None


def test_an_illegal_decision_is_refused_with_the_current_state_and_changes_nothing(client, session):
    w = world(session)
    application = make_application(session, w["applicant"], w["scheme"], [w["product"]], until="submitted")
    session.flush()
    login(client, w["reviewer"])
    response = client.post(f"/portal/applications/{application.id}/issue", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "submitted" in page and "cannot issue" in page
    session.expire_all()
    assert session.get(Application, application.id).state == "submitted"


def test_a_certifier_suspends_a_label_from_its_page_and_the_holder_cannot(client, session):
    w = world(session)
    label = make_label(session, w["applicant"], w["scheme"], [w["product"]], w["reviewer"])
    session.flush()
    login(client, w["applicant"])
    client.post(f"/portal/labels/{label.label_number}/suspend", data={"reason": "tự đình chỉ"})
    assert "status-active" in client.get(f"/catalogue/{label.label_number}").get_data(as_text=True)
    client.post("/logout")
    login(client, w["reviewer"])
    client.post(f"/portal/labels/{label.label_number}/suspend", data={"reason": "kiểm tra thị trường"})
    page = client.get(f"/catalogue/{label.label_number}").get_data(as_text=True)
    assert "status-suspended" in page and "kiểm tra thị trường" in page
