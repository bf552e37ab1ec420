"""The verdict words and their plain sentences, in Vietnamese and English.

The seven words the registry's resolver also answers, and their sentences, come from
``labels.codes.verdicts``, which the resolver uses too, so a shopper reads the same thing from the scanner
and from the consumer page. The others are the scanner's: what only an offline verifier can run into.
"""

from __future__ import annotations

from labels.codes import verdicts

#: Words the registry's resolver answers too, in its order.
SERVER_VERDICTS = verdicts.VERDICTS
#: Every word :func:`scanner.verify.verify_code` can answer.
VERDICTS = (*SERVER_VERDICTS, "unknown-key", "not-an-ecoreg-code", "needs-online-check")
#: Answers after which nothing more is to be learnt: the code is good.
PASSING = frozenset({"valid"})
#: Answers that leave the question open: offline, the scanner could not decide.
UNDECIDED = frozenset({"needs-online-check"})

MESSAGES: dict[str, tuple[str, str]] = {
    **verdicts.MESSAGES,
    "unknown-key": (
        "Mã được ký bằng một khóa mà dữ liệu tin cậy trên máy chưa có: hãy cập nhật rồi quét lại; "
        "nếu vẫn vậy, hãy coi đây là mã giả.",
        "This code is signed with a key this device's trust data does not have: update it and scan "
        "again; if the answer stays the same, treat the code as counterfeit.",
    ),
    "not-an-ecoreg-code": (
        "Đây không phải là mã của sổ đăng ký nhãn sinh thái Đồng Nai.",
        "This is not a code of the Đồng Nai eco-label registry.",
    ),
    "needs-online-check": (
        "Không thể kiểm tra mã này khi không có mạng: cần tra cứu sổ đăng ký trực tuyến.",
        "This code cannot be checked offline: the registry must be asked online.",
    ),
}

#: Why an offline answer stays ``needs-online-check`` (or why ``not-an-ecoreg-code``), when a more
#: precise sentence helps the person holding the phone.
REASONS: dict[str, tuple[str, str]] = {
    "gtin-only": (
        "Mã vạch chỉ cho biết sản phẩm (GTIN), không mang chữ ký: cần kết nối mạng để kiểm tra nhãn "
        "sinh thái của sản phẩm.",
        "A barcode only names the product (its GTIN) and carries no signature: the product's eco-label "
        "can only be checked online.",
    ),
    "no-claim": (
        "Mã không mang chữ ký của cơ quan đăng ký: cần kết nối mạng để tra cứu sản phẩm.",
        "This code carries no registry signature: the product can only be looked up online.",
    ),
    "bundle-too-old": (
        "Mã là thật, nhưng dữ liệu tin cậy trên máy đã quá cũ để biết nhãn còn hiệu lực hay không: "
        "hãy cập nhật rồi quét lại.",
        "The code is genuine, but this device's trust data is too old to tell whether the label is "
        "still valid: update it and scan again.",
    ),
    "status-unknown": (
        "Mã là thật, nhưng dữ liệu tin cậy trên máy chưa có tình trạng của nhãn này: hãy cập nhật "
        "rồi quét lại.",
        "The code is genuine, but this device's trust data does not hold this label's status yet: "
        "update it and scan again.",
    ),
    "retired-key": (
        "Mã được ký bằng một khóa mà cơ quan đăng ký đã ngừng tin dùng: cần kết nối mạng để xác nhận "
        "mã này thật sự đã được cấp.",
        "This code is signed with a key the registry has retired: it must be confirmed online that the "
        "code was really issued.",
    ),
    "other-host": (
        "Mã trỏ tới một trang web khác, không phải sổ đăng ký nhãn sinh thái Đồng Nai: đừng tin "
        "thông tin trên trang đó.",
        "This code points to another website, not the Đồng Nai eco-label registry: do not trust what "
        "that site says.",
    ),
}


def sentences(verdict: str, reason: str | None = None) -> tuple[str, str]:
    """``(Vietnamese, English)`` for a verdict, the precise one when ``reason`` has its own."""
    return REASONS.get(reason or "", MESSAGES[verdict])
