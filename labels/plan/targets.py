"""The targets of plan 202/KH-UBND (section I.2), and the figures agencies report for them.

Framework-free seed data. The Vietnamese wording is the plan's; the English is ours. A range in the
plan ("giảm (5-8)%", "20 đến 30 mô hình") keeps its lower end as the target (reaching it meets the
plan) and its upper end as ``*_max``. The plan states no baselines: where a target counts a share of
units that had not yet been reached when it was issued, the baseline is 0 in 2022, and the docs say
so (docs/plan.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

PLAN_CODE = "202/KH-UBND"
PLAN_TITLE_VI = (
    "Kế hoạch hành động về sản xuất và tiêu dùng bền vững trong công nghiệp trên địa bàn tỉnh Đồng Nai "
    "giai đoạn 2022-2030"
)
PLAN_TITLE_EN = (
    "Action plan on sustainable production and consumption in industry in Đồng Nai province, 2022-2030"
)


@dataclass(frozen=True)
class Target:
    code: str
    name_vi: str
    name_en: str
    indicator_vi: str
    indicator_en: str
    unit: str
    source: str  # models.plan.TARGET_SOURCES
    indicator: str  # the computation in labels.plan.indicators
    target_2025: Decimal | None
    target_2030: Decimal | None
    target_2025_max: Decimal | None = None
    target_2030_max: Decimal | None = None
    baseline: Decimal | None = Decimal(0)
    baseline_year: int = 2022
    reporters: tuple[str, ...] = ()


TARGETS: tuple[Target, ...] = (
    Target(
        "material-use",
        "Giảm mức tiêu hao nguyên nhiên vật liệu của các ngành sản xuất, cụ thể dệt may, thép, nhựa, "
        "hóa chất, xi măng, rượu bia nước giải khát, giấy và chế biến thủy hải sản",
        "Cut the material and fuel consumption of the manufacturing sectors: textiles, steel, plastics, "
        "chemicals, cement, beer and beverages, paper and seafood processing",
        "Mức giảm tiêu hao nguyên nhiên vật liệu trên một đơn vị sản phẩm so với năm gốc",
        "Reduction of material and fuel use per unit of output against the baseline year",
        "%",
        "declared",
        "material-use",
        Decimal(5),
        Decimal(7),
        Decimal(8),
        Decimal(10),
    ),
    Target(
        "industrial-zones",
        "Các khu, cụm công nghiệp, làng nghề được phổ biến, nâng cao nhận thức về sản xuất và tiêu dùng "
        "bền vững",
        "Industrial parks, industrial clusters and craft villages reached by awareness of sustainable "
        "production and consumption",
        "Tỷ lệ khu, cụm công nghiệp, làng nghề được phổ biến",
        "Share of industrial parks, clusters and craft villages reached",
        "%",
        "reported",
        "industrial-zones",
        Decimal(70),
        Decimal(100),
        reporters=("bql-cac-kcn", "so-cong-thuong"),
    ),
    Target(
        "models",
        "Xây dựng, áp dụng 20 đến 30 mô hình sản xuất và tiêu dùng bền vững; phổ biến, nhân rộng các mô hình "
        "về sản xuất sạch hơn, các mô hình về sản xuất và tiêu dùng bền vững",
        "Build and apply 20 to 30 sustainable production and consumption models; spread and replicate "
        "cleaner-production and sustainable production and consumption models",
        "Số mô hình sản xuất và tiêu dùng bền vững được xây dựng, áp dụng",
        "Sustainable production and consumption models built and applied",
        "models",
        "computed",
        "models",
        Decimal(20),
        None,  # the plan sets no 2030 number; its annex plans 1 to 10 more models in 2026-2030
        Decimal(30),
    ),
    Target(
        "district-awareness",
        "Huyện, thành phố trực thuộc tỉnh tổ chức tuyên truyền, phổ biến nâng cao nhận thức về lối sống, "
        "tiêu dùng bền vững",
        "Districts and cities of the province organising awareness of sustainable lifestyles and consumption",
        "Tỷ lệ huyện, thành phố tổ chức tuyên truyền",
        "Share of districts and cities that organised awareness campaigns",
        "%",
        "reported",
        "district-awareness",
        Decimal(80),
        Decimal(100),
        reporters=("districts",),
    ),
    Target(
        "supermarket-packaging",
        "Các siêu thị, trung tâm thương mại phân phối, sử dụng sản phẩm bao bì thân thiện môi trường "
        "thay thế dần cho sản phẩm bao bì nhựa dùng một lần, khó phân hủy; khuyến khích phân phối các sản "
        "phẩm thân thiện môi trường, được dán nhãn sinh thái tại các siêu thị, trung tâm thương mại",
        "Supermarkets and commercial centres distributing and using environment-friendly packaging instead "
        "of single-use, hard-to-degrade plastic; encouraging the distribution of eco-labelled products in "
        "supermarkets and commercial centres",
        "Tỷ lệ siêu thị, trung tâm thương mại sử dụng bao bì thân thiện môi trường",
        "Share of supermarkets and commercial centres using environment-friendly packaging",
        "%",
        "reported",
        "supermarket-packaging",
        Decimal(85),
        Decimal(100),
        reporters=("so-cong-thuong", "so-tai-nguyen-moi-truong"),
    ),
    Target(
        "training",
        "Khuyến khích lồng ghép nội dung về sản xuất và tiêu dùng bền vững trong chương trình đào tạo, giảng "
        "dạy tại các cấp đào tạo",
        "Encourage sustainable production and consumption in training and teaching programmes at every level",
        "Tỷ lệ cơ sở giáo dục, đào tạo lồng ghép nội dung sản xuất và tiêu dùng bền vững",
        "Share of schools and training institutions that include sustainable production and consumption",
        "%",
        "qualitative",
        "training",
        None,
        None,
        baseline=None,
        reporters=("so-giao-duc-dao-tao", "so-lao-dong-tbxh"),
    ),
)


@dataclass(frozen=True)
class Figure:
    """A number an agency gives in its yearly report, for one target."""

    code: str
    target: str
    name_vi: str
    name_en: str
    unit: str
    #: Agency codes that report it; "districts" means every district's people's committee.
    reporters: tuple[str, ...]
    integer: bool = True


FIGURES: tuple[Figure, ...] = (
    Figure(
        "zones-total",
        "industrial-zones",
        "Tổng số khu, cụm công nghiệp, làng nghề do cơ quan quản lý",
        "Industrial parks, clusters and craft villages the agency manages",
        "zones",
        ("bql-cac-kcn", "so-cong-thuong"),
    ),
    Figure(
        "zones-reached",
        "industrial-zones",
        "Số khu, cụm công nghiệp, làng nghề đã được phổ biến về SX&TDBV (lũy kế)",
        "Of these, reached by awareness of sustainable production and consumption (cumulative)",
        "zones",
        ("bql-cac-kcn", "so-cong-thuong"),
    ),
    Figure(
        "campaigns",
        "district-awareness",
        "Số đợt tuyên truyền về lối sống, tiêu dùng bền vững đã tổ chức trong năm",
        "Awareness campaigns on sustainable lifestyles and consumption held this year",
        "campaigns",
        ("districts",),
    ),
    Figure(
        "supermarkets-total",
        "supermarket-packaging",
        "Tổng số siêu thị, trung tâm thương mại trên địa bàn tỉnh",
        "Supermarkets and commercial centres in the province",
        "stores",
        ("so-cong-thuong",),
    ),
    Figure(
        "supermarkets-eco-packaging",
        "supermarket-packaging",
        "Số siêu thị, trung tâm thương mại sử dụng bao bì thân thiện môi trường",
        "Of these, using environment-friendly packaging",
        "stores",
        ("so-cong-thuong",),
    ),
    Figure(
        "supermarkets-inspected",
        "supermarket-packaging",
        "Số siêu thị, trung tâm thương mại, chợ được kiểm tra về chống rác thải nhựa",
        "Supermarkets, commercial centres and markets inspected on plastic waste",
        "stores",
        ("so-tai-nguyen-moi-truong",),
    ),
    Figure(
        "institutions-total",
        "training",
        "Tổng số cơ sở giáo dục, đào tạo do cơ quan quản lý",
        "Schools and training institutions the agency oversees",
        "institutions",
        ("so-giao-duc-dao-tao", "so-lao-dong-tbxh"),
    ),
    Figure(
        "institutions-integrated",
        "training",
        "Số cơ sở đã lồng ghép nội dung SX&TDBV vào chương trình",
        "Of these, including sustainable production and consumption in their programmes",
        "institutions",
        ("so-giao-duc-dao-tao", "so-lao-dong-tbxh"),
    ),
)

FIGURES_BY_CODE = {figure.code: figure for figure in FIGURES}


def district_agency_code(district: str) -> str:
    """The code of a district's people's committee (``ubnd-bien-hoa``), an agency of the plan."""
    return f"ubnd-{district}"


def figures_for(agency_code: str) -> tuple[Figure, ...]:
    """The figures an agency's report carries."""
    is_district = agency_code.startswith("ubnd-")
    return tuple(
        figure
        for figure in FIGURES
        if agency_code in figure.reporters or (is_district and "districts" in figure.reporters)
    )
