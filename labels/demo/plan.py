"""The demo's action plan: agencies' reporters, three years of reports and this year's, model projects.

The story it tells, relative to today: in each of the last three years every agency reported, except
that in the last of them the industrial-parks board was late, one district's report was returned and
not yet answered, and one district never reported. This year a few agencies have reported, the board
has a draft. Industrial zones and districts met their 2025 targets, supermarkets' packaging missed it,
and the model projects lag behind. The eight sectors' enterprises declared their consumption every year
since 2022: most cut their use per unit of output by 2 to 3 % a year, cement and seafood by less.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.plan.conversion import SECTOR_OUTPUT_UNITS
from labels.plan.declarations import declare
from labels.plan.indicators import current_year
from labels.plan.model_projects import register_model
from labels.plan.reports import due_at, led_tasks, review_report, start_report, submit_report, update_report
from labels.plan.seed import load_plan
from labels.plan.targets import figures_for
from labels.registry.accounts import add_membership, create_user
from labels.registry.permissions import SYSTEM
from models import Organisation, Plan

#: (agency code, email slug, reporter's name)
REPORTERS = (
    ("so-cong-thuong", "baocao", "Lê Thị Báo Cáo"),
    ("bql-cac-kcn", "bqlkcn", "Phạm Minh Khu"),
    ("so-tai-nguyen-moi-truong", "sotnmt", "Võ Thị Môi Trường"),
    ("ubnd-bien-hoa", "ubndbienhoa", "Đỗ Văn Biên"),
)

#: Figures for the last three years and this one, oldest first.
FIGURES = {
    "bql-cac-kcn": {"zones-total": (32, 32, 32, 32), "zones-reached": (10, 17, 24, 28)},
    "so-cong-thuong": {
        "zones-total": (40, 40, 40, 40),
        "zones-reached": (12, 19, 27, 33),
        "supermarkets-total": (38, 40, 42, 44),
        "supermarkets-eco-packaging": (14, 22, 31, 36),
    },
    "so-tai-nguyen-moi-truong": {"supermarkets-inspected": (20, 26, 30, 34)},
    "so-giao-duc-dao-tao": {
        "institutions-total": (520, 520, 525, 530),
        "institutions-integrated": (60, 140, 230, 300),
    },
    "so-lao-dong-tbxh": {"institutions-total": (45, 45, 46, 46), "institutions-integrated": (5, 12, 20, 26)},
}
#: Districts that held no awareness campaign, by year (oldest first).
QUIET_DISTRICTS = (
    {"cam-my", "dinh-quan", "tan-phu", "thong-nhat", "vinh-cuu", "xuan-loc"},
    {"dinh-quan", "tan-phu", "thong-nhat", "xuan-loc"},
    set(),
    {"tan-phu"},
)
LATE, RETURNED, MISSING = "bql-cac-kcn", "ubnd-xuan-loc", "ubnd-tan-phu"
#: This year, by the time the demo is loaded: who has reported, and who is still drafting.
THIS_YEAR_ACCEPTED = ("so-cong-thuong", "ubnd-bien-hoa", "ubnd-long-khanh", "so-giao-duc-dao-tao")
THIS_YEAR_SUBMITTED = ("so-tai-nguyen-moi-truong", "ubnd-nhon-trach")
THIS_YEAR_DRAFT = ("bql-cac-kcn",)

MODELS = (
    (
        "detmay",
        "Tái sử dụng nước nhuộm bằng hệ thống lọc màng",
        "cleaner-production",
        2022,
        {"water_m3": 41000},
    ),
    ("thep", "Thu hồi nhiệt khí thải lò điện hồ quang", "resource-efficiency", 2022, {"energy_gj": 86000}),
    ("nhua", "Thu gom và tái chế phế phẩm nhựa sinh học", "circular-economy", 2023, {"waste_t": 310}),
    (
        "hoachat",
        "Cộng sinh hơi nước với nhà máy giấy lân cận",
        "industrial-symbiosis",
        2023,
        {"energy_gj": 12500},
    ),
    ("ximang", "Đồng xử lý chất thải công nghiệp trong lò nung", "circular-economy", 2023, {"co2_t": 9800}),
    ("bia", "Thu hồi CO₂ từ quá trình lên men", "resource-efficiency", 2024, {"co2_t": 1200}),
    ("giay", "Sản xuất sạch hơn dây chuyền bột giấy", "cleaner-production", 2024, {"material_t": 2400}),
    ("thuysan", "Tận dụng phụ phẩm cá tra làm dầu sinh học", "circular-economy", 2024, {"waste_t": 5200}),
    ("dientu", "Thiết kế sinh thái bóng đèn LED", "eco-design", 2025, {"material_t": 35}),
    ("thucpham", "Chuỗi cung ứng nông sản bền vững có truy xuất", "sustainable-supply-chain", 2025, {}),
    ("caosu", "Sản xuất sạch hơn sơ chế mủ cao su", "cleaner-production", 2026, {"water_m3": 18000}),
    ("det", "Tái chế sợi từ vải vụn", "circular-economy", 2026, {"material_t": 420}),
)


#: slug: (sector, output in 2022, output growth a year, intensity cut a year, inputs in 2022)
DECLARATIONS = {
    "detmay": (
        "textiles",
        1200,
        0.05,
        0.022,
        (
            ("material", "cotton", 1300, "t"),
            ("energy", "electricity", 5400, "MWh"),
            ("fuel", "coal", 640, "t"),
        ),
    ),
    "thep": (
        "steel",
        250000,
        0.03,
        0.018,
        (
            ("material", "scrap", 275000, "t"),
            ("energy", "electricity", 120000, "MWh"),
            ("fuel", "natural-gas", 9000, "t"),
        ),
    ),
    "nhua": (
        "plastics",
        8000,
        0.06,
        0.025,
        (("material", "resin", 8300, "t"), ("energy", "electricity", 9600, "MWh")),
    ),
    "hoachat": (
        "chemicals",
        30000,
        0.02,
        0.02,
        (
            ("material", "salt", 42000, "t"),
            ("energy", "electricity", 60000, "MWh"),
            ("fuel", "fuel-oil", 1500, "t"),
        ),
    ),
    "ximang": (
        "cement",
        1500000,
        0.01,
        0.008,
        (
            ("material", "limestone", 1800000, "t"),
            ("fuel", "coal", 150000, "t"),
            ("energy", "electricity", 135000, "MWh"),
        ),
    ),
    "bia": (
        "beverages",
        1800000,
        0.04,
        0.03,
        (
            ("material", "malt", 27000, "t"),
            ("energy", "electricity", 18000, "MWh"),
            ("fuel", "biomass", 9000, "t"),
        ),
    ),
    "giay": (
        "paper",
        90000,
        0.03,
        0.021,
        (
            ("material", "pulp", 99000, "t"),
            ("fuel", "coal", 36000, "t"),
            ("energy", "electricity", 54000, "MWh"),
        ),
    ),
    "thuysan": (
        "seafood",
        20000,
        0.05,
        0.015,
        (
            ("material", "pangasius", 56000, "t"),
            ("energy", "electricity", 16000, "MWh"),
            ("fuel", "diesel", 400000, "L"),
        ),
    ),
}


def seed_plan(session: Session, enterprises_by_slug: dict[str, Organisation], password: str) -> list[tuple]:
    """Load the plan, add reporters, reports and model projects; returns the logins as (email, role)."""
    plan = load_plan(session, SYSTEM)
    session.flush()
    agencies = {
        org.code: org for org in session.scalars(select(Organisation).where(Organisation.code.is_not(None)))
    }
    logins = []
    for code, slug, name in REPORTERS:
        user = create_user(session, SYSTEM, f"{slug}@ecoreg.demo", password, name)
        add_membership(session, SYSTEM, user, agencies[code], "reporter")
        logins.append((f"{slug}@ecoreg.demo", "reporter"))
    this_year = current_year()
    for index, year in enumerate(range(this_year - 3, this_year + 1)):
        for agency in agencies.values():
            if agency.kind not in ("agency", "authority") or not _reports(session, plan, agency, year):
                continue
            _report(session, plan, agency, year, index, this_year)
    for slug, (sector, output, growth, cut, inputs) in DECLARATIONS.items():
        for year in range(plan.start_year, this_year):
            years = year - plan.start_year
            scale = Decimal(str((1 + growth) ** years))
            use = scale * Decimal(str((1 - cut) ** years))
            declare(
                session,
                SYSTEM,
                plan,
                {
                    "organisation_id": enterprises_by_slug[slug].id,
                    "sector": sector,
                    "year": year,
                    "output_quantity": round(output * scale),
                    "output_unit": SECTOR_OUTPUT_UNITS[sector],
                    "inputs": [
                        {"kind": k, "name": n, "quantity": round(q * use), "unit": u} for k, n, q, u in inputs
                    ],
                },
            )
    for slug, name, model_type, start_year, results in MODELS:
        if start_year > this_year or slug not in enterprises_by_slug:
            continue
        register_model(
            session,
            SYSTEM,
            plan,
            {
                "organisation_id": enterprises_by_slug[slug].id,
                "name_vi": name,
                "model_type": model_type,
                "start_year": start_year,
                "results": results,
            },
        )
    return logins


def _reports(session: Session, plan: Plan, agency: Organisation, year: int) -> bool:
    return bool(led_tasks(session, plan, agency.id, year) or figures_for(agency.code or ""))


def _report(
    session: Session, plan: Plan, agency: Organisation, year: int, index: int, this_year: int
) -> None:
    code = agency.code or ""
    last_full_year = year == this_year - 1
    if year == this_year and code not in (*THIS_YEAR_ACCEPTED, *THIS_YEAR_SUBMITTED, *THIS_YEAR_DRAFT):
        return
    if last_full_year and code == MISSING:
        return
    report = start_report(session, SYSTEM, plan, agency.id, year)
    session.flush()
    figures = {name: values[index] for name, values in FIGURES.get(code, {}).items()}
    if code.startswith("ubnd-"):
        figures["campaigns"] = 0 if code.removeprefix("ubnd-") in QUIET_DISTRICTS[index] else 2 + index % 3
    update_report(
        session,
        SYSTEM,
        report.id,
        summary_vi=f"Báo cáo kết quả thực hiện Kế hoạch 202/KH-UBND năm {year} của {agency.legal_name}.",
        tasks=[
            {
                "task_id": row.task_id,
                "progress": "done" if index < 2 else "in-progress",
                "done_vi": f"Đã triển khai trong năm {year}: tuyên truyền, hướng dẫn và kiểm tra.",
            }
            for row in report.tasks
        ],
        figures=figures,
    )
    if year == this_year and code in THIS_YEAR_DRAFT:
        return
    deadline = due_at(plan, year)
    submitted = (
        deadline + timedelta(days=4) if last_full_year and code == LATE else deadline - timedelta(days=9)
    )
    now = datetime.now(UTC)
    submitted = min(submitted, now - timedelta(hours=2))
    submit_report(session, SYSTEM, report.id, now=submitted)
    if year == this_year and code in THIS_YEAR_SUBMITTED:
        return
    reviewed = min(submitted + timedelta(days=5), now - timedelta(hours=1))
    if last_full_year and code == RETURNED:
        comment = "Đề nghị bổ sung số liệu các đợt tuyên truyền tại các xã và tài liệu minh chứng."
        review_report(session, SYSTEM, report.id, "return", comment, now=reviewed)
        return
    review_report(session, SYSTEM, report.id, "accept", now=reviewed)
