"""Server-rendered pages: language, login with CSRF, the portal of each role."""

import re

import pytest

from tests.helpers import PASSWORD, make_org, make_product, make_user


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


def test_the_home_page_is_vietnamese_by_default_with_an_english_switch(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert "Nhãn xanh kiểm chứng được" in page
    switched = client.get("/lang/en?next=/", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="en">' in switched and "Green labels you can check" in switched
    assert '<html lang="en">' in client.get("/login").get_data(as_text=True)


def test_the_language_switch_never_redirects_off_site(client):
    response = client.get("/lang/en?next=//evil.example/")
    assert response.headers["Location"] == "/portal"


def test_login_without_a_csrf_token_is_refused(csrf_app, client, session):
    user = make_user(session, make_org(session), "enterprise")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/portal").status_code == 302  # still logged out


def test_an_enterprise_logs_in_sees_its_drafts_and_logs_out(csrf_app, client, session):
    enterprise = make_org(session)
    other = make_org(session)
    user = make_user(session, enterprise, "enterprise")
    mine = make_product(session, enterprise, name_vi="Áo thun nháp")
    theirs = make_product(session, other, name_vi="Hàng của người khác")
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get("/portal", follow_redirects=True).get_data(as_text=True)
    assert mine.name_vi in page and mine.gtin in page
    assert theirs.name_vi not in page
    token = csrf_token(page)
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/portal").status_code == 302


def test_a_wrong_password_is_a_401_page_with_a_message(client, session):
    user = make_user(session)
    response = client.post("/login", data={"email": user.email, "password": "not the password"})
    assert response.status_code == 401
    assert "Sai email hoặc mật khẩu" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("kind", "role", "page", "marker"),
    [
        ("enterprise", "enterprise", "/portal/enterprise", "Nhập sản phẩm"),
        ("retailer", "retailer", "/portal/retailer", "Sản phẩm đã công bố"),
        ("certifier", "certifier", "/portal/certifier", "Doanh nghiệp"),
        ("authority", "admin", "/portal/admin", "Nhật ký mới nhất"),
    ],
)
def test_each_role_lands_on_its_own_portal(client, session, kind, role, page, marker):
    user = make_user(session, make_org(session, kind), role)
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    response = client.get("/portal")
    assert response.headers["Location"] == page
    body = client.get(page).get_data(as_text=True)
    assert "Việc bạn có thể làm tiếp" in body and marker in body
    others = {"/portal/enterprise", "/portal/retailer", "/portal/certifier", "/portal/admin"} - {page}
    assert all(client.get(other).status_code == 404 for other in others)


def test_the_portal_needs_a_login(client):
    response = client.get("/portal/enterprise")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_api_docs_and_openapi_are_served_without_a_cdn(client):
    docs = client.get("/api/docs").get_data(as_text=True)
    assert "/api/docs/static/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()
    assert client.get("/api/docs/static/swagger-ui-bundle.js").status_code == 200
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/products" in spec["paths"]
    assert "bearerAuth" in spec["components"]["securitySchemes"]
