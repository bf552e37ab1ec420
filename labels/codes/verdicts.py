"""The resolver's verdict words and their plain sentences in Vietnamese and English.

Framework-free, so that the registry's resolver (``labels.codes.resolver``) and the offline scanner
(``scanner.messages``, which adds the words only an offline verifier needs) say the same thing, word
for word: a shopper reads one sentence from the phone and from the consumer page.
"""

from __future__ import annotations

VERDICTS = (
    "valid",
    "expired",
    "suspended",
    "withdrawn",
    "serial-not-issued",
    "not-registered",
    "forged",
)

#: (Vietnamese, English) sentence per verdict; ``not-registered`` has a second one for a registered
#: product that carries no label.
MESSAGES: dict[str, tuple[str, str]] = {
    "valid": (
        "Sản phẩm đã đăng ký và nhãn sinh thái còn hiệu lực.",
        "This product is registered and its eco-label is valid.",
    ),
    "expired": (
        "Nhãn sinh thái của sản phẩm này đã hết hiệu lực.",
        "The eco-label of this product has expired.",
    ),
    "suspended": (
        "Nhãn sinh thái của sản phẩm này đang bị đình chỉ: hiện không được sử dụng.",
        "The eco-label of this product is suspended: it may not be used for now.",
    ),
    "withdrawn": (
        "Nhãn sinh thái của sản phẩm này đã bị thu hồi.",
        "The eco-label of this product was withdrawn.",
    ),
    "serial-not-issued": (
        "Mã này chưa bao giờ được cấp cho sản phẩm này: có thể là hàng giả.",
        "This code was never issued for this product: it is likely a counterfeit.",
    ),
    "not-registered": (
        "Sản phẩm này không có trong sổ đăng ký nhãn sinh thái.",
        "This product is not in the eco-label registry.",
    ),
    "forged": (
        "Mã này không do cơ quan đăng ký ký: đây là mã giả mạo.",
        "This code was not signed by the registry: it is forged.",
    ),
}
NO_LABEL = (
    "Sản phẩm đã đăng ký nhưng chưa có nhãn sinh thái nào.",
    "This product is registered but carries no eco-label.",
)
