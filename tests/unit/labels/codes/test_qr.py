"""QR rendering: the same symbols as ``qrcode``, module for module, and every one decodes with zxing-cpp."""

from __future__ import annotations

import io
import random
import re
import string
from datetime import date

import numpy as np
import pytest
import qrcode
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from qrcode import util

from labels.codes.qr import (
    QUIET_ZONE,
    QRSymbol,
    encode,
    module_px_for,
    penalties,
    render_png,
    render_svg,
    to_image,
    to_png,
    to_svg,
)
from labels.codes.qrclaim import LAST_EXPIRY, ClaimFields, build_uri, digital_link_path, random_serial

SIGNER = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def claim_uris(count: int, seed: int) -> list[str]:
    """Distinct claim URIs shaped like the ones the registry prints."""
    rng = random.Random(seed)
    uris = []
    for n in range(count):
        labels = tuple(
            f"DN-{kind}-2026-{rng.randrange(1, 50_000):06d}" for kind in rng.sample(["GRN", "ENR"], 1)
        )
        fields = ClaimFields(labels, date(2029, 11, 23), (rng.randrange(200_000),))
        lot = rng.choice([None, f"L{n:05d}", "Ab-._9xYz0"])
        serial = rng.choice([None, random_serial()])
        uris.append(
            build_uri(
                "qr.nhanxanhdn.gov.vn", digital_link_path("09506000134352", lot, serial), fields, SIGNER
            )
        )
    return uris


def random_texts(count: int, seed: int) -> list[str]:
    """Texts that exercise every segment mode qrcode chooses: numeric, alphanumeric and byte runs."""
    rng = random.Random(seed)
    alphabets = [
        string.digits,
        string.digits + string.ascii_uppercase + " $%*+-./:",
        string.printable.strip(),
    ]
    texts = []
    for _ in range(count):
        parts = [
            "".join(rng.choice(rng.choice(alphabets)) for _ in range(rng.choice([1, 4, 19, 20, 25, 60])))
            for _ in range(rng.randint(1, 4))
        ]
        texts.append("".join(parts)[: rng.choice([30, 120, 400])])
    return texts


def qrcode_modules(text: str) -> np.ndarray:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(text)
    code.make()
    return np.array(code.modules, dtype=bool)


def decode(image: Image.Image) -> zxingcpp.Barcode:
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1
    return found[0]


def assert_decodes(symbol: QRSymbol, image: Image.Image) -> None:
    barcode = decode(image)
    assert barcode.text == symbol.text
    assert barcode.ec_level == "M"
    assert barcode.extra["Version"] == str(symbol.version)
    assert barcode.extra["DataMask"] == symbol.mask


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return claim_uris(200, seed=1) + random_texts(100, seed=2)


def test_every_symbol_is_qrcodes_own_module_for_module(texts):
    for text in texts:
        assert np.array_equal(encode(text).modules, qrcode_modules(text)), text


def test_the_mask_is_the_one_qrcode_chooses(texts):
    for text in texts[::10] + texts[-30:]:
        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
        code.add_data(text)
        code.best_fit()
        assert encode(text).mask == code.best_mask_pattern(), text


def test_every_symbol_decodes_to_its_text_with_zxing(texts):
    for text in texts:
        symbol = encode(text)
        assert_decodes(symbol, to_image(symbol, 2))


@pytest.mark.parametrize("module_px", [1, 3, 5, 10])
def test_pngs_of_several_sizes_decode_and_carry_their_dpi(module_px):
    for text in claim_uris(5, seed=module_px):
        symbol = encode(text)
        image = Image.open(io.BytesIO(to_png(symbol, module_px, dpi=600)))
        assert image.format == "PNG" and image.mode == "1"
        assert image.size == (symbol.width * module_px,) * 2
        assert tuple(round(d) for d in image.info["dpi"]) == (600, 600)
        assert_decodes(symbol, image)


def test_png_pixels_equal_qrcode_make_at_the_same_module_size():
    for text in claim_uris(5, seed=9):
        ours = Image.open(io.BytesIO(render_png(text, module_px=10)))
        buffer = io.BytesIO()
        qrcode.make(text).save(buffer, "PNG")
        theirs = Image.open(buffer)
        assert np.array_equal(np.asarray(ours), np.asarray(theirs))


def test_the_quiet_zone_is_four_light_modules():
    symbol = encode(claim_uris(1, seed=3)[0])
    pixels = np.asarray(to_image(symbol, 3))  # True is white in a mode "1" image
    edge = QUIET_ZONE * 3
    assert pixels[:edge].all() and pixels[-edge:].all() and pixels[:, :edge].all() and pixels[:, -edge:].all()
    assert not pixels[edge, edge]  # the finder pattern's dark corner


def rasterise(svg: str) -> tuple[np.ndarray, Image.Image]:
    """The module matrix drawn by our SVG's path (runs ``Mx yhWv1h-Wz``), and its 1-bit image."""
    width = int(re.search(r'viewBox="0 0 (\d+) \1"', svg)[1])
    dark = np.zeros((width, width), dtype=bool)
    for x, y, run in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", re.search(r' d="([^"]*)"', svg)[1]):
        dark[int(y), int(x) : int(x) + int(run)] = True
    light = np.repeat(np.repeat(~dark, 4, axis=0), 4, axis=1)
    return dark, Image.frombytes("1", light.shape[::-1], np.packbits(light, axis=1).tobytes())


def test_svg_draws_exactly_the_modules_and_decodes():
    for text in claim_uris(10, seed=4):
        symbol = encode(text)
        svg = to_svg(symbol, module_size=0.35)
        dark, image = rasterise(svg)
        assert np.array_equal(dark[QUIET_ZONE:-QUIET_ZONE, QUIET_ZONE:-QUIET_ZONE], symbol.modules)
        assert not dark[:QUIET_ZONE].any() and not dark[:, :QUIET_ZONE].any()
        assert f'width="{symbol.width * 0.35:g}mm"' in svg
        assert_decodes(symbol, image)
    assert render_svg("hello").startswith('<?xml version="1.0" encoding="UTF-8"?>')


def test_claim_uris_of_the_budget_stay_at_version_10_or_below():
    fields = ClaimFields(("DN-ENR-2099-046655",), LAST_EXPIRY, (36**4 - 1,))
    path = digital_link_path("09506000134352", "Ab-._9xYz0", random_serial())
    uri = build_uri("qr.nhanxanhdn.gov.vn", path, fields, SIGNER)
    symbol = encode(uri)
    assert len(uri) == 180 and symbol.version <= 10 and symbol.size <= 57
    assert_decodes(symbol, to_image(symbol, 2))


def test_penalties_equal_qrcodes_lost_point_on_any_matrix():
    rng = np.random.default_rng(5)
    for size in (21, 25, 45, 57, 21, 57):
        for density in (0.2, 0.5, 0.8):
            matrices = rng.random((4, size, size)) < density
            expected = [util.lost_point(matrix.tolist()) for matrix in matrices]
            assert penalties(matrices) == expected


def test_long_texts_reach_large_versions_and_too_long_ones_are_refused():
    rng = random.Random(6)
    text = "".join(rng.choice(string.ascii_letters) for _ in range(2000))
    symbol = encode(text)
    assert symbol.version >= 30 and np.array_equal(symbol.modules, qrcode_modules(text))
    assert_decodes(symbol, to_image(symbol, 2))
    with pytest.raises(ValueError, match="too long"):
        encode("x" * 3000)


def test_module_px_for_fits_the_symbol_in_the_width():
    symbol = encode(claim_uris(1, seed=7)[0])  # version 9 or 10: 61 to 65 modules with the quiet zone
    px = module_px_for(symbol, width_mm=23, dpi=300)
    assert px * symbol.width <= 23 / 25.4 * 300 < (px + 1) * symbol.width
    with pytest.raises(ValueError):
        module_px_for(symbol, width_mm=5, dpi=72)


@pytest.mark.parametrize("module_px", [0, -1, 2.5])
def test_to_image_refuses_a_module_size_that_is_not_whole_pixels(module_px):
    with pytest.raises(ValueError):
        to_image(encode("x"), module_px)


def test_to_svg_refuses_a_bad_size_or_unit():
    with pytest.raises(ValueError):
        to_svg(encode("x"), module_size=0)
    with pytest.raises(ValueError):
        to_svg(encode("x"), unit="furlong")


def test_symbols_are_read_only():
    symbol = encode("x")
    with pytest.raises(ValueError):
        symbol.modules[0, 0] = False
