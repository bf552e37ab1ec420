"""Demo schemes and labels: Vietnam Green Label product groups, the energy label, a carbon
footprint label and a recycled-content label, with a few applications taken through the workflow.

Criteria are modelled on the public criteria of each programme, simplified; the thresholds are
realistic but illustrative, not the legal values.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from labels.certification.applications import create_application
from labels.certification.schemes import create_scheme, ensure_built_in_kinds
from labels.certification.workflow import transition_application, transition_label
from labels.registry.accounts import principal_for
from labels.registry.permissions import SYSTEM
from models import Organisation, Product, User, utcnow


def yes_no(code, vi, en, mandatory=True, evidence_vi="", evidence_en=""):
    return {
        "code": code,
        "kind": "yes_no",
        "text_vi": vi,
        "text_en": en,
        "mandatory": mandatory,
        "evidence_vi": evidence_vi,
        "evidence_en": evidence_en,
    }


def numeric(code, vi, en, claim, comparator, threshold, unit, mandatory=True, evidence_vi="", evidence_en=""):
    return {
        "code": code,
        "kind": "numeric",
        "text_vi": vi,
        "text_en": en,
        "mandatory": mandatory,
        "claim": claim,
        "comparator": comparator,
        "threshold": threshold,
        "unit": unit,
        "evidence_vi": evidence_vi,
        "evidence_en": evidence_en,
    }


REPORT_VI, REPORT_EN = (
    "Phiếu kết quả thử nghiệm của phòng thử nghiệm được chỉ định",
    "Test report of a designated laboratory",
)

SCHEMES = [
    (
        "VGL-PKG",
        "green",
        "I",
        "Nhãn Xanh Việt Nam - Bao bì phân hủy sinh học",
        "Vietnam Green Label - Biodegradable packaging",
        ["Bao bì phân hủy sinh học"],
        36,
        "certifier",
        [
            numeric(
                "PKG-01",
                "Tỷ lệ phân hủy sinh học trong 180 ngày",
                "Biodegradation within 180 days",
                None,
                ">=",
                90,
                "%",
                evidence_vi=REPORT_VI,
                evidence_en=REPORT_EN,
            ),
            yes_no(
                "PKG-02",
                "Không chứa kim loại nặng vượt giới hạn cho phép",
                "No heavy metals above the limits",
                evidence_vi=REPORT_VI,
                evidence_en=REPORT_EN,
            ),
            yes_no(
                "PKG-03",
                "Có hướng dẫn thải bỏ trên bao bì",
                "Disposal instructions printed on the pack",
                False,
            ),
        ],
    ),
    (
        "VGL-PAINT",
        "green",
        "I",
        "Nhãn Xanh Việt Nam - Sơn",
        "Vietnam Green Label - Paints",
        ["Sơn"],
        36,
        "certifier",
        [
            numeric(
                "PNT-01",
                "Hàm lượng VOC",
                "VOC content",
                None,
                "<=",
                50,
                "g/L",
                evidence_vi=REPORT_VI,
                evidence_en=REPORT_EN,
            ),
            yes_no("PNT-02", "Không sử dụng chì và hợp chất chì", "No lead or lead compounds"),
        ],
    ),
    (
        "VGL-PAPER",
        "green",
        "I",
        "Nhãn Xanh Việt Nam - Giấy văn phòng",
        "Vietnam Green Label - Office paper",
        ["Giấy văn phòng"],
        36,
        "certifier",
        [
            numeric("PPR-01", "Tỷ lệ xơ sợi tái chế", "Recycled fibre content", None, ">=", 50, "%"),
            yes_no("PPR-02", "Tẩy trắng không dùng clo nguyên tố", "Elemental chlorine-free bleaching"),
        ],
    ),
    (
        "VEL-AC",
        "energy",
        "I",
        "Nhãn năng lượng so sánh - Máy điều hòa không khí",
        "Comparative energy label - Air conditioners",
        ["Điều hòa"],
        36,
        "authority",
        [
            numeric(
                "AC-01",
                "Điện năng tiêu thụ hằng năm",
                "Annual energy use",
                "annual_energy_kwh",
                "<=",
                1500,
                "kWh/year",
                evidence_vi=REPORT_VI,
                evidence_en=REPORT_EN,
            ),
            numeric(
                "AC-02",
                "Hệ số hiệu quả năng lượng toàn mùa (CSPF)",
                "Cooling seasonal performance factor (CSPF)",
                "energy_efficiency",
                ">=",
                3.4,
                "Wh/Wh",
            ),
            yes_no(
                "AC-03", "Thử nghiệm tại phòng thử nghiệm được chỉ định", "Tested by a designated laboratory"
            ),
        ],
    ),
    (
        "VEL-REF",
        "energy",
        "I",
        "Nhãn năng lượng so sánh - Tủ lạnh",
        "Comparative energy label - Refrigerators",
        ["Tủ lạnh"],
        36,
        "authority",
        [
            numeric(
                "REF-01",
                "Điện năng tiêu thụ hằng năm",
                "Annual energy use",
                "annual_energy_kwh",
                "<=",
                600,
                "kWh/year",
            ),
        ],
    ),
    (
        "VEL-LED",
        "energy",
        "I",
        "Nhãn năng lượng so sánh - Đèn LED",
        "Comparative energy label - LED lamps",
        ["Đèn LED"],
        36,
        "authority",
        [
            numeric("LED-01", "Hiệu suất sáng", "Luminous efficacy", "energy_efficiency", ">=", 90, "lm/W"),
            numeric(
                "LED-02",
                "Điện năng tiêu thụ hằng năm",
                "Annual energy use",
                "annual_energy_kwh",
                "<=",
                20,
                "kWh/year",
            ),
        ],
    ),
    (
        "VEL-MOTOR",
        "energy",
        "I",
        "Nhãn năng lượng xác nhận - Động cơ điện",
        "Endorsement energy label - Electric motors",
        ["Động cơ điện"],
        36,
        "authority",
        [
            numeric("MOT-01", "Hiệu suất động cơ", "Motor efficiency", "energy_efficiency", ">=", 91, "%"),
        ],
    ),
    (
        "VEL-FAN",
        "energy",
        "I",
        "Nhãn năng lượng xác nhận - Quạt điện",
        "Endorsement energy label - Electric fans",
        ["Quạt điện"],
        36,
        "authority",
        [
            numeric("FAN-01", "Hiệu suất quạt", "Fan efficacy", "energy_efficiency", ">=", 1.1, "m³/min/W"),
        ],
    ),
    (
        "CFP",
        "carbon",
        "III",
        "Nhãn dấu vết carbon sản phẩm",
        "Product carbon footprint label",
        [],
        36,
        "certifier",
        [
            numeric(
                "CFP-01", "Tỷ lệ dữ liệu sơ cấp", "Primary data share", "primary_data_share", ">=", 20, "%"
            ),
            yes_no(
                "CFP-02",
                "Kết quả được bên thứ ba thẩm tra theo ISO 14067",
                "Third-party verified to ISO 14067",
                evidence_vi="Báo cáo thẩm tra",
                evidence_en="Verification statement",
            ),
        ],
    ),
    (
        "RCY",
        "recycling",
        "II",
        "Nhãn hàm lượng tái chế và khả năng tái chế",
        "Recycled content and recyclability label",
        [],
        24,
        "certifier",
        [
            numeric(
                "RCY-01",
                "Hàm lượng vật liệu tái chế",
                "Recycled content",
                "recycled_content_percent",
                ">=",
                30,
                "%",
            ),
        ],
    ),
]


def seed_schemes(session: Session, certifier: Organisation, authority: Organisation) -> None:
    ensure_built_in_kinds(session)
    bodies = {"certifier": certifier, "authority": authority}
    for code, kind, iso, name_vi, name_en, groups, months, body, criteria in SCHEMES:
        create_scheme(
            session,
            SYSTEM,
            code=code,
            kind_code=kind,
            iso_type=iso,
            name_vi=name_vi,
            name_en=name_en,
            product_groups=groups,
            validity_months=months,
            certifier_id=bodies[body].id,
            criteria=criteria,
        )


def _principal(session: Session, email: str):
    return principal_for(session.scalar(select(User).where(User.email == email)), "system")


def _gtin(session: Session, name_vi: str) -> str:
    return session.scalar(select(Product.gtin).where(Product.name_vi == name_vi))


def _apply(session, email, scheme, product, claims, until="issued", reviewer="thamdinh@ecoreg.demo"):
    applicant = _principal(session, email)
    organisation_id = next(iter(applicant.organisation_ids("enterprise")))
    application = create_application(
        session, applicant, organisation_id, scheme, [_gtin(session, product)], claims
    )
    steps = [("submit", applicant), ("start_review", None), ("approve", None), ("issue", None)]
    certifier = _principal(session, reviewer)
    for action, actor in steps:
        if application.state == until:
            break
        transition_application(session, actor or certifier, application.id, action)
    return application


def seed_labels(session: Session) -> None:
    """A few labels issued, one suspended, one application under review and one draft."""
    now = utcnow()
    _apply(
        session,
        "nhua@ecoreg.demo",
        "VGL-PKG",
        "Túi sinh học phân hủy 30x40",
        {
            "criteria": [
                {"code": "PKG-01", "value": 94.5, "passed": True},
                {"code": "PKG-02", "passed": True},
                {"code": "PKG-03", "passed": True},
            ]
        },
    )
    _apply(
        session,
        "dientu@ecoreg.demo",
        "VEL-LED",
        "Đèn LED bulb 9W",
        {
            "label_type": "comparative",
            "stars": 5,
            "annual_energy_kwh": 9.9,
            "energy_efficiency": 120,
            "test_standard": "TCVN 11844:2017",
            "test_laboratory": "Trung tâm Kỹ thuật 3 (QUATEST 3)",
        },
        reviewer="socongthuong@ecoreg.demo",
    )
    _apply(
        session,
        "thuysan@ecoreg.demo",
        "CFP",
        "Phi lê cá tra đông lạnh",
        {
            "label_level": "measured",
            "declared_unit": "kilogram",
            "unitary_product_amount": 1,
            "pcf_excluding_biogenic": 3.42,
            "pcf_including_biogenic": 3.38,
            "fossil_ghg_emissions": 3.1,
            "characterization_factors": "AR6",
            "cross_sectoral_standards": ["ISO 14067"],
            "boundary": "cradle-to-gate",
            "reference_period_start": (now - timedelta(days=365)).isoformat(),
            "reference_period_end": now.isoformat(),
            "primary_data_share": 62,
            "assurance_level": "limited",
            "assurance_provider": "Vinacontrol CE",
            "criteria": [{"code": "CFP-02", "passed": True}],
        },
    )
    _apply(
        session,
        "det@ecoreg.demo",
        "RCY",
        "Vải polyester tái chế",
        {
            "components": [
                {
                    "name": "Sợi",
                    "material": "Polyester (rPET)",
                    "resin_code": 1,
                    "post_consumer_recycled_percent": 85,
                    "recyclability": "recyclable-with-conditions",
                    "instructions_vi": "Thu gom cùng hàng dệt may",
                    "instructions_en": "Collect with textiles",
                }
            ],
            "recycled_content_percent": 85,
        },
    )
    paper = _apply(
        session,
        "giay@ecoreg.demo",
        "VGL-PAPER",
        "Giấy in văn phòng A4 tái chế",
        {"criteria": [{"code": "PPR-01", "value": 70, "passed": True}, {"code": "PPR-02", "passed": True}]},
    )
    transition_label(
        session,
        _principal(session, "thamdinh@ecoreg.demo"),
        paper.label.label_number,
        "suspend",
        "Kiểm tra định kỳ: hàm lượng xơ tái chế thấp hơn mức công bố / periodic check found less "
        "recycled fibre than declared",
    )
    _apply(
        session,
        "hoachat@ecoreg.demo",
        "VGL-PAINT",
        "Sơn nước nội thất gốc nước",
        {"criteria": [{"code": "PNT-01", "value": 38, "passed": True}, {"code": "PNT-02", "passed": True}]},
        until="under_review",
    )
    _apply(
        session,
        "dientu@ecoreg.demo",
        "VEL-AC",
        "Máy điều hòa inverter 12000 BTU",
        {
            "label_type": "comparative",
            "stars": 4,
            "annual_energy_kwh": 1210,
            "energy_efficiency": 4.6,
            "test_standard": "TCVN 7830:2021",
            "test_laboratory": "Trung tâm Kỹ thuật 3 (QUATEST 3)",
        },
        until="draft",
    )
