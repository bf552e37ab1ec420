"""Demo data that looks like Đồng Nai: enterprises of the plan's sectors, supermarkets, the
Department of Industry and Trade, products under Vietnamese GS1 prefixes, and their logins.

Names are invented; tax codes and GTINs are well-formed (valid check digits) but fictitious.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labels.demo.chains import seed_chains
from labels.demo.plan import seed_plan
from labels.demo.schemes import seed_labels, seed_schemes
from labels.gs1.identifiers import make_gtin
from labels.registry.accounts import add_membership, create_user
from labels.registry.organisations import create_organisation
from labels.registry.permissions import SYSTEM
from labels.registry.products import create_product
from labels.registry.taxcode import make_tax_code
from labels.trust.notary import notary_of
from models import Organisation

DEMO_PASSWORD = "ecoreg-demo-2026"

AUTHORITY = (
    "Sở Công Thương tỉnh Đồng Nai",
    "360000001",
    "2 Nguyễn Văn Trị, phường Thanh Bình, Biên Hòa",
    "bien-hoa",
)
CERTIFIER = (
    "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng Đồng Nai",
    "360000002",
    "1597 Phạm Văn Thuận, phường Thống Nhất, Biên Hòa",
    "bien-hoa",
)

RETAILERS = [
    ("Siêu thị Co.opmart Biên Hòa", "360010101", "121 Phạm Văn Thuận, Biên Hòa", "bien-hoa", "coopmart"),
    ("Siêu thị WinMart Long Khánh", "360010112", "45 Hùng Vương, Long Khánh", "long-khanh", "winmart"),
    (
        "Siêu thị Xanh Nhơn Trạch",
        "360010103",
        "Khu dân cư Hiệp Phước, Nhơn Trạch",
        "nhon-trach",
        "sieuthixanh",
    ),
]

# legal name, first nine tax digits, GS1 prefix, address, district, sector, login slug, products
# products: (name_vi, name_en, brand, product group, published)
ENTERPRISES = [
    (
        "Công ty TNHH Dệt may Biên Hòa Xanh",
        "360020101",
        "89360011",
        "KCN Biên Hòa 2, Biên Hòa",
        "bien-hoa",
        "textiles",
        "detmay",
        [
            ("Sợi cotton hữu cơ 30/1", "Organic cotton yarn 30/1", "BH Green", "Sợi", True),
            ("Vải cotton dệt thoi", "Woven cotton fabric", "BH Green", "Vải", True),
            ("Áo sơ mi nam cotton hữu cơ", "Men's organic cotton shirt", "BH Green", "May mặc", True),
            ("Quần kaki tái chế", "Recycled chino trousers", "BH Green", "May mặc", False),
        ],
    ),
    (
        "Công ty Cổ phần Thép Nhơn Trạch",
        "360020102",
        "89360012",
        "KCN Nhơn Trạch 3, Nhơn Trạch",
        "nhon-trach",
        "steel",
        "thep",
        [
            ("Thép cuộn xây dựng D10", "Construction steel coil D10", "Thép NT", "Thép xây dựng", True),
            ("Thép thanh vằn CB400", "Deformed steel bar CB400", "Thép NT", "Thép xây dựng", False),
        ],
    ),
    (
        "Công ty TNHH Nhựa Sinh Học Long Thành",
        "360020103",
        "89360013",
        "KCN Long Thành, Long Thành",
        "long-thanh",
        "plastics",
        "nhua",
        [
            (
                "Túi sinh học phân hủy 30x40",
                "Biodegradable bag 30x40",
                "BioLT",
                "Bao bì phân hủy sinh học",
                True,
            ),
            (
                "Hộp đựng thực phẩm bã mía",
                "Sugarcane bagasse food box",
                "BioLT",
                "Bao bì phân hủy sinh học",
                True,
            ),
            ("Ống hút gạo", "Rice straw", "BioLT", "Bao bì phân hủy sinh học", False),
        ],
    ),
    (
        "Công ty Cổ phần Hóa chất Tam Phước",
        "360020104",
        "89360014",
        "KCN Tam Phước, Biên Hòa",
        "bien-hoa",
        "chemicals",
        "hoachat",
        [
            ("Sơn nước nội thất gốc nước", "Water-based interior paint", "TamPhuoc Paint", "Sơn", True),
            ("Chất tẩy rửa sinh học", "Bio-based detergent", "TamPhuoc", "Chất tẩy rửa", False),
        ],
    ),
    (
        "Công ty TNHH Xi măng Thống Nhất",
        "360020105",
        "89360015",
        "Xã Gia Tân 3, Thống Nhất",
        "thong-nhat",
        "cement",
        "ximang",
        [("Xi măng PCB40 ít clinker", "Low-clinker cement PCB40", "Xi măng TN", "Xi măng", True)],
    ),
    (
        "Công ty Cổ phần Bia Đồng Nai",
        "360020106",
        "89360016",
        "KCN Amata, Biên Hòa",
        "bien-hoa",
        "beverages",
        "bia",
        [
            ("Bia lon Đồng Nai 330 ml", "Dong Nai beer can 330 ml", "Bia Đồng Nai", "Bia", True),
            (
                "Nước suối thiên nhiên 500 ml",
                "Natural spring water 500 ml",
                "Suối Mơ",
                "Nước giải khát",
                True,
            ),
        ],
    ),
    (
        "Công ty TNHH Giấy Tân Mai Xanh",
        "360020107",
        "89360017",
        "Phường Thống Nhất, Biên Hòa",
        "bien-hoa",
        "paper",
        "giay",
        [
            (
                "Giấy in văn phòng A4 tái chế",
                "Recycled A4 office paper",
                "TânMai Eco",
                "Giấy văn phòng",
                True,
            ),
            (
                "Giấy vệ sinh không tẩy trắng",
                "Unbleached toilet tissue",
                "TânMai Eco",
                "Giấy sinh hoạt",
                False,
            ),
        ],
    ),
    (
        "Công ty Cổ phần Thủy sản Nhơn Trạch",
        "360020108",
        "89360018",
        "KCN Nhơn Trạch 2, Nhơn Trạch",
        "nhon-trach",
        "seafood",
        "thuysan",
        [
            ("Phi lê cá tra đông lạnh", "Frozen pangasius fillet", "NT Seafood", "Thủy sản đông lạnh", True),
            (
                "Tôm thẻ hấp đông lạnh",
                "Frozen steamed whiteleg shrimp",
                "NT Seafood",
                "Thủy sản đông lạnh",
                True,
            ),
        ],
    ),
    (
        "Công ty TNHH Điện tử Trảng Bom",
        "360020109",
        "89360019",
        "KCN Bàu Xéo, Trảng Bom",
        "trang-bom",
        "electronics",
        "dientu",
        [
            ("Đèn LED bulb 9W", "LED bulb 9 W", "TB Light", "Đèn LED", True),
            ("Quạt điện tiết kiệm năng lượng", "Energy-saving electric fan", "TB Home", "Quạt điện", True),
            (
                "Máy điều hòa inverter 12000 BTU",
                "Inverter air conditioner 12,000 BTU",
                "TB Cool",
                "Điều hòa",
                False,
            ),
        ],
    ),
    (
        "Công ty Cổ phần Thực phẩm Long Khánh",
        "360020110",
        "89360020",
        "Phường Xuân Trung, Long Khánh",
        "long-khanh",
        "food",
        "thucpham",
        [
            ("Chôm chôm sấy dẻo", "Soft-dried rambutan", "LK Farm", "Trái cây sấy", True),
            ("Hạt điều rang muối", "Salted roasted cashews", "LK Farm", "Hạt", True),
        ],
    ),
    (
        "Công ty TNHH Cao su Xuân Lộc",
        "360020111",
        "89360021",
        "Xã Xuân Hiệp, Xuân Lộc",
        "xuan-loc",
        "chemicals",
        "caosu",
        [("Nệm cao su thiên nhiên", "Natural latex mattress", "XL Latex", "Đồ gia dụng", True)],
    ),
    (
        "Công ty TNHH Dệt Trảng Bom",
        "360020122",
        "89360022",
        "KCN Sông Mây, Trảng Bom",
        "trang-bom",
        "textiles",
        "det",
        [
            ("Khăn bông tre", "Bamboo fibre towel", "TB Textile", "Khăn", True),
            ("Vải polyester tái chế", "Recycled polyester fabric", "TB Textile", "Vải", True),
        ],
    ),
]


def database_is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count()).select_from(Organisation))


def _org(session, kind, name, nine, address, district, sector=None, prefix=None) -> Organisation:
    return create_organisation(
        session,
        SYSTEM,
        kind=kind,
        legal_name=name,
        tax_code=make_tax_code(nine),
        address=address,
        district=district,
        sector=sector,
        gs1_company_prefix=prefix,
    )


def _login(session, email, name, organisation, role) -> tuple[str, str]:
    user = create_user(session, SYSTEM, email, DEMO_PASSWORD, name)
    add_membership(session, SYSTEM, user, organisation, role)
    return email, role


def seed(session: Session) -> list[tuple[str, str]]:
    """Add the demo organisations, users and products; returns the logins as (email, role)."""
    logins = []
    authority = _org(session, "authority", *AUTHORITY)
    authority.code = "so-cong-thuong"  # the plan's lead agency is the registry's own authority
    logins.append(_login(session, "admin@ecoreg.demo", "Quản trị hệ thống", authority, "admin"))
    certifier = _org(session, "certifier", *CERTIFIER)
    logins.append(_login(session, "thamdinh@ecoreg.demo", "Nguyễn Thị Thẩm Định", certifier, "certifier"))
    logins.append(_login(session, "socongthuong@ecoreg.demo", "Trần Văn Công", authority, "certifier"))
    for name, nine, address, district, slug in RETAILERS:
        retailer = _org(session, "retailer", name, nine, address, district)
        logins.append(_login(session, f"{slug}@ecoreg.demo", f"Quản lý {name}", retailer, "retailer"))
    enterprises = {}
    for name, nine, prefix, address, district, sector, slug, items in ENTERPRISES:
        enterprise = enterprises[slug] = _org(
            session, "enterprise", name, nine, address, district, sector, prefix
        )
        logins.append(_login(session, f"{slug}@ecoreg.demo", f"Phụ trách {name}", enterprise, "enterprise"))
        for number, (name_vi, name_en, brand, group, published) in enumerate(items, start=1):
            create_product(
                session,
                SYSTEM,
                enterprise.id,
                gtin=make_gtin(prefix, number),
                name_vi=name_vi,
                name_en=name_en,
                brand=brand,
                product_group=group,
                sector=sector,
                published=published,
            )
    session.flush()  # the workflow below reads users and products back by query
    notary_of(session).generate_keys(session, SYSTEM)  # demo labels are signed like real ones
    seed_schemes(session, certifier, authority)
    seed_labels(session)
    session.flush()
    seed_chains(session)  # after the labels: the chains cite them as certificationInfo
    logins += seed_plan(session, enterprises, DEMO_PASSWORD)
    return logins
