"""Decoding pictures: rendered codes, photos with perspective and noise, several codes, retail barcodes."""

from __future__ import annotations

import io

import numpy as np
import pytest
import zxingcpp
from PIL import Image

from labels.codes.qr import render_png
from scanner import DecodeError, decode_image
from tests.unit.scanner.scanner_pictures import (
    Placement,
    ean8,
    ean8_modules,
    ean13,
    ean13_modules,
    jpeg_bytes,
    photo,
    png_bytes,
)
from tests.unit.scanner.scanner_registry import Registry, RegistryKey, seeded_key


@pytest.fixture(scope="module")
def codes() -> list[str]:
    registry = Registry(credential=RegistryKey(seeded_key("decode tests")))
    return [registry.code(serial=f"k7Qz3R9xWm{n:02d}") for n in range(3)]


def qr(text: str, module_px: int = 4) -> Image.Image:
    return Image.open(io.BytesIO(render_png(text, module_px)))


def test_a_rendered_png_in_every_form_a_caller_may_hold(codes, tmp_path):
    data = render_png(codes[0], 4)
    (tmp_path / "code.png").write_bytes(data)
    image = Image.open(io.BytesIO(data))
    for source in (
        data,
        tmp_path / "code.png",
        str(tmp_path / "code.png"),
        image,
        np.asarray(image.convert("L")),
    ):
        [found] = decode_image(source)
        assert (found.text, found.format, found.gtin, found.is_barcode) == (codes[0], "QRCode", None, False)
        assert len(found.position) == 4


@pytest.mark.parametrize(
    ("angle", "slant", "seed"), [(17, 0.2, 1), (-33, 0.3, 2), (61, 0.1, 3), (180, 0.2, 4), (-70, 0.25, 6)]
)
def test_a_small_rotated_code_seen_at_an_angle_in_a_noisy_photo(codes, angle, slant, seed):
    picture = photo([(qr(codes[1]), Placement((700, 330), 210, angle, slant))], seed=seed, noise=12)
    assert picture.size == (1280, 720)
    [found] = decode_image(jpeg_bytes(picture))
    assert found.text == codes[1]
    x, y = found.centre
    assert abs(x - 700) < 60 and abs(y - 330) < 60


def test_several_codes_in_one_photo_read_top_to_bottom_left_to_right(codes):
    picture = photo(
        [
            (qr(codes[0]), Placement((1000, 180), 220, 23)),
            (qr(codes[1]), Placement((250, 200), 210, -31, 0.25)),
            (qr(codes[2]), Placement((640, 520), 220, 48, 0.1)),
            (ean13("8936001900013"), Placement((1050, 560), 300, 8, 0.1)),
        ],
        seed=7,
        noise=12,
    )
    found = decode_image(png_bytes(picture))
    assert [code.text for code in found] == [codes[1], codes[0], codes[2], "8936001900013"]
    assert found[-1].format == "EAN13" and found[-1].gtin == "08936001900013" and found[-1].is_barcode


def test_retail_barcodes_give_a_gtin_14():
    ean = decode_image(photo([(ean13("4006381333931"), Placement((640, 360), 320, -12, 0.1))], seed=3))
    assert [(c.format, c.text, c.gtin) for c in ean] == [("EAN13", "4006381333931", "04006381333931")]
    upc = decode_image(ean13("0036000291452"))  # a UPC-A is an EAN-13 whose first digit is 0
    assert upc[0].gtin == "00036000291452"
    short = decode_image(ean8("9638507"))
    assert [(c.format, c.text, c.gtin) for c in short] == [("EAN8", "96385074", "00000096385074")]


def test_the_drawn_barcodes_follow_the_standard():
    # Both are what zxing-cpp's own writer makes for the same digits, module for module.
    for modules, digits, kind in (
        (ean13_modules("4006381333931"), "4006381333931", zxingcpp.BarcodeFormat.EAN13),
        (ean8_modules("96385074"), "96385074", zxingcpp.BarcodeFormat.EAN8),
    ):
        row = np.asarray(zxingcpp.create_barcode(digits, kind).to_image(scale=1, add_quiet_zones=False))[0]
        assert "".join("1" if pixel < 128 else "0" for pixel in row) == modules
    with pytest.raises(ValueError):
        ean13_modules("4006381333932")


def test_a_picture_without_codes_and_things_that_are_not_pictures(tmp_path):
    assert decode_image(Image.new("RGB", (1280, 720), "white")) == []
    with pytest.raises(DecodeError, match="not an image"):
        decode_image(b"%PDF-1.7 not a picture")
    with pytest.raises(DecodeError, match="no such file"):
        decode_image(tmp_path / "missing.jpg")
    with pytest.raises(DecodeError):
        decode_image(12)
