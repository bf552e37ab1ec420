"""Reference lists of the action plan: the industrial sectors it targets and Đồng Nai's districts.

Codes are stable ASCII slugs stored in the database; names are shown in Vietnamese and English.
The districts are the province's eleven district-level units as the plan (2022) names them.
"""

from __future__ import annotations

from datetime import timedelta, timezone

#: Vietnam has kept UTC+07:00 all year since 1975, so a fixed offset is Asia/Ho_Chi_Minh exactly and
#: needs no tz database on the server. Years of issue, deadlines and local times are read in it.
VIETNAM = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")

# code: (Vietnamese, English)
SECTORS: dict[str, tuple[str, str]] = {
    "textiles": ("Dệt may", "Textiles and garments"),
    "steel": ("Thép", "Steel"),
    "plastics": ("Nhựa", "Plastics"),
    "chemicals": ("Hóa chất", "Chemicals"),
    "cement": ("Xi măng", "Cement"),
    "beverages": ("Bia, rượu, nước giải khát", "Beer and beverages"),
    "paper": ("Giấy", "Paper"),
    "seafood": ("Chế biến thủy sản", "Seafood processing"),
    "electronics": ("Điện tử", "Electronics"),
    "food": ("Chế biến thực phẩm", "Food processing"),
}

DISTRICTS: dict[str, tuple[str, str]] = {
    "bien-hoa": ("Thành phố Biên Hòa", "Biên Hòa City"),
    "long-khanh": ("Thành phố Long Khánh", "Long Khánh City"),
    "nhon-trach": ("Huyện Nhơn Trạch", "Nhơn Trạch District"),
    "trang-bom": ("Huyện Trảng Bom", "Trảng Bom District"),
    "long-thanh": ("Huyện Long Thành", "Long Thành District"),
    "vinh-cuu": ("Huyện Vĩnh Cửu", "Vĩnh Cửu District"),
    "thong-nhat": ("Huyện Thống Nhất", "Thống Nhất District"),
    "cam-my": ("Huyện Cẩm Mỹ", "Cẩm Mỹ District"),
    "xuan-loc": ("Huyện Xuân Lộc", "Xuân Lộc District"),
    "dinh-quan": ("Huyện Định Quán", "Định Quán District"),
    "tan-phu": ("Huyện Tân Phú", "Tân Phú District"),
}


def name_of(table: dict[str, tuple[str, str]], code: str | None, locale: str = "vi") -> str:
    """The display name of ``code`` in ``locale``; the code itself when it is not in the table."""
    if code is None:
        return ""
    names = table.get(code)
    if names is None:
        return code
    return names[1] if locale == "en" else names[0]
