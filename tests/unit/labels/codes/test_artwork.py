"""Label artwork: each kind renders at print resolution, with its DPI, and its QR code decodes."""

from __future__ import annotations

import io
from datetime import date

import numpy as np
import pytest
import zxingcpp
from fontTools.ttLib import TTFont
from PIL import Image, ImageFont

from labels.codes import artwork, fonts
from labels.codes.artwork import QR_MIN_MM, LabelArt, render_image, render_label_png

CLAIM_URI = (
    "https://id.ecoreg.example/01/09506000134352/10/2611A/21/k7Qz3R9xWm2P?e358ENR267-0"
    "1tWgfVy_2gV-sbGTFTuGUzvFGeHyDHyhWI9lfY5m1XllSNW7Vz3qNYF1tOGjt3M_ocNtTVqfibGSd1mS6iwzBA"
)
#: The letters of Vietnamese beyond ASCII, lower and upper case.
VIETNAMESE = "đươạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
VIETNAMESE += VIETNAMESE.upper()
KIND_VALUES = {
    "green": {},
    "energy": {"stars": 4},
    "carbon": {"carbon_value": "3.42 kg CO2e / kilogram"},
    "recycling": {"recycled_percent": 35.5},
    "water": {},  # a kind an administrator added: a neutral band
}


def art(kind: str, qr_text: str = "https://id.ecoreg.example/01/09506000134352", **values) -> LabelArt:
    fields = {
        "name_vi": "Nhãn sinh thái Đồng Nai: bao bì phân hủy sinh học, tiết kiệm điện",
        "name_en": "Dong Nai eco-label: biodegradable packaging, energy saving",
        "label_number": "DN-ENR-2026-000007",
        "valid_until": date(2029, 1, 31),
    }
    return LabelArt(kind=kind, qr_text=qr_text, **(fields | KIND_VALUES.get(kind, {}) | values))


def decode(png: bytes) -> tuple[Image.Image, list]:
    image = Image.open(io.BytesIO(png))
    return image, zxingcpp.read_barcodes(image)


@pytest.mark.parametrize("kind", list(KIND_VALUES))
@pytest.mark.parametrize("qr_text", ["https://id.ecoreg.example/01/09506000134352", CLAIM_URI])
def test_each_kind_renders_at_300_dpi_with_a_code_that_decodes(kind, qr_text):
    png = render_label_png(art(kind, qr_text))
    image, found = decode(png)
    assert image.format == "PNG"
    assert all(round(d) >= 300 for d in image.info["dpi"])
    assert image.width == round(40 / 25.4 * 300)  # 40 mm
    assert [f.text for f in found] == [qr_text]
    # The symbol without its quiet zone spans at least the printable size less the quiet zone.
    position = found[0].position
    side_px = position.top_right.x - position.top_left.x
    assert side_px / 300 * 25.4 >= QR_MIN_MM * 0.75


def test_the_dpi_is_the_callers_and_the_width_follows_it():
    image, found = decode(render_label_png(art("green"), dpi=600, width_mm=50))
    assert [round(d) for d in image.info["dpi"]] == [600, 600]
    assert image.width == round(50 / 25.4 * 600)
    assert len(found) == 1
    with pytest.raises(ValueError):
        render_label_png(art("green"), dpi=72)


def star_pixels(image: Image.Image) -> int:
    pixels = np.asarray(image.convert("RGB")).astype(int)
    return int((np.abs(pixels - (0xFF, 0xC1, 0x07)).sum(axis=2) < 30).sum())


def test_energy_stars_are_drawn_as_shapes_filled_by_the_rating():
    one, four, five = (star_pixels(render_image(art("energy", stars=n))) for n in (1, 4, 5))
    assert 0 < one < four < five
    assert star_pixels(render_image(art("green"))) == 0
    endorsement = render_image(art("energy", stars=None, energy_class="A++"))
    assert star_pixels(endorsement) == 0


def test_the_kinds_look_different():
    bands = {kind: render_image(art(kind)).getpixel((10, 10)) for kind in KIND_VALUES}
    assert len(set(bands.values())) == len(KIND_VALUES)


def test_vietnamese_text_renders_with_the_system_font():
    # `make test` installs fonts-dejavu-core; without a real font, labels would print boxes for "ệ".
    assert fonts.font_path() is not None, "no TrueType font with Vietnamese glyphs (fonts-dejavu-core)"
    assert isinstance(fonts.pil_font(40), ImageFont.FreeTypeFont)
    for weight in ("regular", "bold"):
        cmap = TTFont(fonts.font_path(weight)).getBestCmap()
        assert all(ord(c) in cmap for c in VIETNAMESE)
    assert decode(render_label_png(art("recycling")))[1]


def test_without_a_system_font_pillows_default_font_is_used(monkeypatch):
    monkeypatch.setattr(artwork, "pil_font", lambda size, weight="regular": ImageFont.load_default(size=size))
    image, found = decode(render_label_png(art("carbon", name_vi="Phát thải các-bon thấp ĐỒNG NAI ỗ ự")))
    assert [f.text for f in found] == ["https://id.ecoreg.example/01/09506000134352"]
    assert image.height > image.width


def test_font_lookup_falls_back_to_the_default_font(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "_DIRS", (str(tmp_path),))
    monkeypatch.delenv("ECOREG_FONT_DIR", raising=False)
    fonts.font_path.cache_clear()
    fonts.pil_font.cache_clear()
    try:
        assert fonts.font_path() is None and fonts.font_path("bold") is None
        assert fonts.pil_font(20).getbbox("Đồng Nai")[2] > 0
    finally:
        fonts.font_path.cache_clear()
        fonts.pil_font.cache_clear()
