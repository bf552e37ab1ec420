"""Products over HTTP: registration, paging, search, edits, bulk import."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from labels.gs1.identifiers import make_gtin
from models import AuditEntry, Product
from tests.helpers import bearer, make_org, make_product, make_token, make_user


@pytest.fixture
def enterprise(session):
    return make_org(session, "enterprise", sector="paper")


@pytest.fixture
def member_token(session, enterprise):
    return make_token(session, make_user(session, enterprise, "enterprise"))


def test_an_enterprise_registers_a_product_by_gtin13(client, enterprise, member_token):
    gtin14 = make_gtin(enterprise.gs1_company_prefix, 42)
    payload = {
        "gtin": gtin14[1:],
        "name_vi": "Giấy in A4 tái chế",
        "name_en": "Recycled A4 paper",
        "sector": "paper",
        "holder_id": enterprise.id,
    }
    response = client.post("/api/v1/products", json=payload, headers=bearer(member_token))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["gtin"] == gtin14
    assert body["published"] is False
    assert body["holder_name"] == enterprise.legal_name
    assert (
        client.get(f"/api/v1/products/{gtin14[1:]}", headers=bearer(member_token)).get_json()["gtin"]
        == gtin14
    )


def test_a_gtin_outside_the_company_prefix_is_refused(client, enterprise, member_token):
    foreign = make_gtin("89399999", 1)
    payload = {"gtin": foreign, "name_vi": "Sản phẩm", "sector": "paper", "holder_id": enterprise.id}
    response = client.post("/api/v1/products", json=payload, headers=bearer(member_token))
    assert response.status_code == 422
    assert response.get_json()["errors"][0] | {"message": ""} == {
        "field": "gtin",
        "rule": "company-prefix",
        "location": "json",
        "message": "",
    }


def test_a_second_product_with_the_same_gtin_is_a_conflict(client, session, enterprise, member_token):
    product = make_product(session, enterprise)
    payload = {"gtin": product.gtin, "name_vi": "Trùng", "sector": "paper", "holder_id": enterprise.id}
    response = client.post("/api/v1/products", json=payload, headers=bearer(member_token))
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["rule"] == "unique"


def test_listing_pages_through_products_and_searches_names(client, session, enterprise):
    for n in range(1, 8):
        make_product(session, enterprise, number=n, published=True, name_vi=f"Giấy loại {n}")
    make_product(session, enterprise, number=99, published=True, name_vi="Bìa carton")
    first = client.get(f"/api/v1/products?holder_id={enterprise.id}&per_page=3").get_json()
    assert (first["total"], first["pages"], len(first["items"])) == (8, 3, 3)
    last = client.get(f"/api/v1/products?holder_id={enterprise.id}&per_page=3&page=3").get_json()
    assert len(last["items"]) == 2
    seen = {p["gtin"] for p in first["items"]} | {p["gtin"] for p in last["items"]}
    assert len(seen) == 5
    found = client.get(f"/api/v1/products?holder_id={enterprise.id}&q=carton").get_json()
    assert [p["name_vi"] for p in found["items"]] == ["Bìa carton"]


def test_the_holder_edits_and_publishes_its_product(client, session, enterprise, member_token):
    product = make_product(session, enterprise)
    response = client.patch(
        f"/api/v1/products/{product.gtin}",
        json={"published": True, "brand": "Tân Mai"},
        headers=bearer(member_token),
    )
    assert response.status_code == 200
    assert client.get(f"/api/v1/products/{product.gtin}").get_json()["brand"] == "Tân Mai"
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.target_id == product.gtin).order_by(AuditEntry.id)
    ).all()
    assert actions == ["product.create", "product.update"]


def csv_file(rows: list[str]) -> io.BytesIO:
    return io.BytesIO(("gtin,name_vi,name_en,sector,published\n" + "\n".join(rows) + "\n").encode())


def count_products(session, holder):
    return session.scalar(select(func.count()).select_from(Product).where(Product.holder_id == holder.id))


def test_a_csv_import_with_one_bad_row_imports_nothing_and_reports_the_row(
    client, session, enterprise, member_token
):
    prefix = enterprise.gs1_company_prefix
    good, bad = make_gtin(prefix, 1), make_gtin(prefix, 2)
    bad = bad[:-1] + str((int(bad[-1]) + 1) % 10)
    rows = [
        f"{good},Giấy A4,A4 paper,paper,yes",
        f"{bad},Giấy A3,,paper,",
        f"{make_gtin(prefix, 3)},,,paper,",
        f"{make_gtin(prefix, 4)},Giấy A5,,mining,",
    ]
    response = client.post(
        "/api/v1/products/import",
        data={"file": (csv_file(rows), "products.csv"), "holder_id": str(enterprise.id)},
        headers=bearer(member_token),
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["type"] == "/problems/import-refused"
    assert body["rows"] == 4
    assert [(e["row"], e["field"], e["rule"]) for e in body["errors"]] == [
        (3, "gtin", "check-digit"),
        (4, "name_vi", "required"),
        (5, "sector", "one-of"),
    ]
    assert count_products(session, enterprise) == 0


def test_a_good_xlsx_import_registers_every_row(client, session, enterprise, member_token):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["GTIN", "name_vi", "name_en", "sector", "published"])
    for n in range(1, 6):
        # Typed into Excel, a GTIN-13 becomes a number.
        sheet.append(
            [int(make_gtin(enterprise.gs1_company_prefix, n)), f"Giấy {n}", f"Paper {n}", "paper", "yes"]
        )
    data = io.BytesIO()
    workbook.save(data)
    data.seek(0)
    response = client.post(
        "/api/v1/products/import",
        data={"file": (data, "products.xlsx"), "holder_id": str(enterprise.id)},
        headers=bearer(member_token),
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["rows"] == 5
    assert count_products(session, enterprise) == 5


def test_an_import_repeating_a_gtin_is_refused(client, session, enterprise, member_token):
    gtin = make_gtin(enterprise.gs1_company_prefix, 7)
    response = client.post(
        "/api/v1/products/import",
        data={
            "file": (csv_file([f"{gtin},A,,paper,", f"{gtin},B,,paper,"]), "p.csv"),
            "holder_id": str(enterprise.id),
        },
        headers=bearer(member_token),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["message"] == "GTIN repeats row 2"
    assert count_products(session, enterprise) == 0


def test_an_import_into_another_enterprise_is_refused_per_row(client, session, enterprise, member_token):
    other = make_org(session, "enterprise", sector="paper")
    response = client.post(
        "/api/v1/products/import",
        data={
            "file": (csv_file([f"{make_gtin(other.gs1_company_prefix, 1)},A,,paper,"]), "p.csv"),
            "holder_id": str(other.id),
        },
        headers=bearer(member_token),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["rule"] == "permission"
    assert count_products(session, other) == 0


def test_a_file_that_is_not_csv_or_xlsx_is_refused(client, enterprise, member_token):
    response = client.post(
        "/api/v1/products/import",
        data={"file": (io.BytesIO(b"%PDF-1.7"), "p.pdf"), "holder_id": str(enterprise.id)},
        headers=bearer(member_token),
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0] | {"message": ""} == {
        "field": "file",
        "rule": "file-type",
        "message": "",
        "location": "form",
    }


def test_an_import_without_a_holder_goes_to_the_callers_own_enterprise(
    client, session, enterprise, member_token
):
    rows = [f"{make_gtin(enterprise.gs1_company_prefix, 3)},Giấy,,paper,"]
    response = client.post(
        "/api/v1/products/import", data={"file": (csv_file(rows), "p.csv")}, headers=bearer(member_token)
    )
    assert response.status_code == 201, response.get_json()
    assert count_products(session, enterprise) == 1


def test_a_holder_edits_its_draft_with_a_write_only_token(client, session, enterprise):
    token = make_token(session, make_user(session, enterprise, "enterprise"), scopes=["products:write"])
    product = make_product(session, enterprise)
    response = client.patch(f"/api/v1/products/{product.gtin}", json={"brand": "Mới"}, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
