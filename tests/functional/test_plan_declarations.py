"""Enterprises' consumption declarations: units converted, impossible figures refused, odd ones flagged,
the spreadsheet import all or nothing, each enterprise's figures its own, and the sector's reduction on
hand-checked numbers."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from labels.plan.conversion import UnknownUnit, to_common
from labels.plan.indicators import current_year
from labels.plan.seed import load_plan
from labels.registry.permissions import SYSTEM
from tests.helpers import bearer, make_org, make_token, make_user


@pytest.fixture
def plan(session):
    loaded = load_plan(session, SYSTEM)
    session.flush()
    return loaded


def mill(session):
    org = make_org(session, "enterprise", sector="textiles")
    return org, bearer(make_token(session, make_user(session, org, "enterprise")))


def declaration(org, year, output, *inputs, baseline_year=None):
    body = {
        "organisation_id": org.id,
        "year": year,
        "sector": "textiles",
        "output_quantity": output,
        "output_unit": "t",
        "inputs": [dict(zip(("kind", "name", "quantity", "unit"), line, strict=True)) for line in inputs],
    }
    return body | ({"baseline_year": baseline_year} if baseline_year else {})


def test_the_sector_s_reduction_is_the_output_weighted_mean_of_its_enterprises(client, session, plan):
    year = min(current_year(), 2025)
    first, first_headers = mill(session)
    second, second_headers = mill(session)
    declared = [
        # Enterprise 1, 2022: 1,000 t of cloth from 1,100 t of cotton; 5,000,000 kWh (18,000 GJ) and
        # 500 t of coal (13,350 GJ): 1.1 t and 31.35 GJ per tonne.
        (first_headers, declaration(first, 2022, 1000, ("material", "cotton", 1100, "t"),
                                    ("energy", "electricity", 5_000_000, "kWh"), ("fuel", "coal", 500, "t"))),
        # ... and then 1,250 t from 1,300 t; 19,800 GJ and 560 t of coal (14,952 GJ): 1.04 t and
        # 27.8016 GJ a tonne, 5.4545 % and 11.3187 % less, 8.3866 % on average.
        (first_headers, declaration(first, year, 1250, ("material", "cotton", 1300, "t"),
                                    ("energy", "electricity", 5500, "MWh"), ("fuel", "coal", 560, "t"))),
        # Enterprise 2: 1.04 t and 14.4 GJ a tonne, then 1.0133 t and 12.96 GJ: 2.5641 % and 10 % less,
        # 6.2821 % on average.
        (second_headers, declaration(second, 2022, 500, ("material", "polyester", 520_000, "kg"),
                                     ("energy", "electricity", 2000, "MWh"))),
        (second_headers, declaration(second, year, 750, ("material", "polyester", 760, "t"),
                                     ("energy", "electricity", 2700, "MWh"))),
    ]  # fmt: skip
    for headers, body in declared:
        response = client.post("/api/v1/plan/declarations", json=body, headers=headers)
        assert response.status_code == 201, response.json
    # Weighted by this year's output: (8.3866 x 1,250 + 6.2821 x 750) / 2,000 = 7.597 %.
    sectors = client.get(f"/api/v1/plan/sectors?year={year}").json
    textiles = next(s for s in sectors["sectors"] if s["sector"] == "textiles")
    assert (textiles["change"], textiles["enterprises"], textiles["declared"]) == (7.6, 2, 2)
    assert sectors["province"] == 7.6  # the only sector with a value
    indicators = client.get(f"/api/v1/plan/indicators?year={year}").json["indicators"]
    material = next(i for i in indicators if i["code"] == "material-use")
    assert material["value"] == 7.6 and material["parts"] == {"sectors": 1, "enterprises": 2}
    # The public aggregate names no enterprise and none of its figures.
    assert "cotton" not in str(sectors) and str(first.id) not in str(textiles)


def test_units_are_converted_with_the_stated_factors():
    assert to_common("energy", "electricity", Decimal(1000), "kWh") == (Decimal("3.6"), "GJ")
    assert to_common("energy", "steam", Decimal(1), "TOE") == (Decimal("41.868"), "GJ")
    assert to_common("fuel", "diesel", Decimal(1000), "L") == (Decimal("36.12"), "GJ")
    assert to_common("fuel", "coal", Decimal(2), "t") == (Decimal("53.4"), "GJ")
    assert to_common("material", "cotton", Decimal(2500), "kg") == (Decimal("2.5"), "t")
    with pytest.raises(UnknownUnit):
        to_common("fuel", "coal", Decimal(1), "L")


def test_figures_that_cannot_be_right_are_refused_with_every_rule_at_once(client, session, plan):
    org, headers = mill(session)
    body = declaration(
        org,
        2023,
        0,
        ("material", "cotton", -5, "t"),
        ("fuel", "kerosene", 3, "t"),
        ("energy", "electricity", 10, "barrel"),
        ("material", "cotton", 1, "t"),
    )
    body["output_unit"] = "m"
    refused = client.post("/api/v1/plan/declarations", json=body, headers=headers)
    assert refused.status_code == 422
    assert {(e["field"], e["rule"]) for e in refused.json["errors"]} == {
        ("output_quantity", "range"),
        ("output_unit", "sector-unit"),
        ("inputs[0].quantity", "range"),
        ("inputs[1].unit", "unit"),
        ("inputs[2].unit", "unit"),
        ("inputs[3].name", "unique"),
    }
    assert client.get("/api/v1/plan/declarations", headers=headers).json["items"] == []


def test_an_intensity_ten_times_last_year_s_is_kept_but_flagged(client, session, plan):
    org, headers = mill(session)
    client.post(
        "/api/v1/plan/declarations",
        json=declaration(org, 2022, 1000, ("energy", "electricity", 100, "MWh")),
        headers=headers,
    )
    odd = client.post(
        "/api/v1/plan/declarations",
        json=declaration(org, 2023, 1000, ("energy", "electricity", 1000, "MWh")),  # a kWh/MWh slip?
        headers=headers,
    )
    assert odd.status_code == 201 and odd.json["flags"] == ["tenfold-energy-change"]
    sectors = client.get("/api/v1/plan/sectors?year=2023").json["sectors"]
    assert next(s for s in sectors if s["sector"] == "textiles")["flagged"] == 1


def test_each_enterprise_sees_and_declares_only_its_own(client, session, plan):
    org, headers = mill(session)
    other, other_headers = mill(session)
    created = client.post(
        "/api/v1/plan/declarations",
        json=declaration(org, 2023, 10, ("material", "secret-fibre", 11, "t")),
        headers=headers,
    ).json
    path = f"/api/v1/plan/declarations/{created['id']}"
    assert client.get(path, headers=headers).status_code == 200
    assert client.get(path, headers=other_headers).status_code == 404
    assert client.get(path).status_code == 401
    assert "secret-fibre" not in client.get("/api/v1/plan/declarations", headers=other_headers).get_data(
        as_text=True
    )
    forged = client.post(
        "/api/v1/plan/declarations",
        json=declaration(org, 2024, 10, ("material", "x", 1, "t")),
        headers=other_headers,
    )
    assert forged.status_code == 403


def test_the_spreadsheet_import_is_all_or_nothing_with_every_row_s_errors(client, session, plan):
    org, headers = mill(session)
    template = client.get("/api/v1/plan/declarations/template.csv")
    assert template.status_code == 200 and template.data.startswith("\ufeffyear,sector,".encode())
    bad = (
        "year,sector,output_quantity,output_unit,kind,name,quantity,unit,baseline_year\n"
        "2022,textiles,1000,t,material,cotton,1100,t,\n"
        "2023,textiles,1000,t,material,cotton,1050,t,\n"
        "2023,textiles,990,t,energy,electricity,4000,MWh,\n"
        "2023,textiles,1000,t,fuel,coal,-3,t,\n"
        "2023,cement,1000,t,material,clinker,,t,\n"
    )
    refused = client.post(
        "/api/v1/plan/declarations/import",
        data={"file": (io.BytesIO(bad.encode()), "tieu-hao.csv"), "organisation_id": str(org.id)},
        headers=headers,
    )
    assert refused.status_code == 422, refused.json
    found = {(e["row"], e["field"], e["rule"]) for e in refused.json["errors"]}
    assert found == {
        (4, "output_quantity", "consistent"),
        (5, "quantity", "range"),
        (6, "quantity", "required"),
    }
    assert client.get("/api/v1/plan/declarations", headers=headers).json["items"] == []

    good = "\n".join(bad.splitlines()[:3]) + "\n2023,textiles,1000,t,energy,electricity,4000,MWh,\n"
    imported = client.post(
        "/api/v1/plan/declarations/import",
        data={"file": (io.BytesIO(good.encode()), "tieu-hao.csv"), "organisation_id": str(org.id)},
        headers=headers,
    )
    assert imported.status_code == 201, imported.json
    assert imported.json == {"rows": 3, "created": ["textiles 2022", "textiles 2023"]}
    items = client.get("/api/v1/plan/declarations", headers=headers).json["items"]
    assert [(d["year"], len(d["inputs"])) for d in items] == [(2022, 1), (2023, 2)]
    electricity = next(i for i in items[1]["inputs"] if i["name"] == "electricity")
    assert (electricity["common_quantity"], electricity["common_unit"]) == (14400.0, "GJ")
