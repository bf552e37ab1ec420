"""Pictures for the scanner's tests, made with Pillow: product photos and retail barcodes.

- :func:`photo` pastes codes into a 1280x720 picture the way a phone sees a shelf: each code small,
  rotated, seen at an angle (a perspective transform), on a textured background, with Gaussian noise
  and a little blur on top.
- :func:`ean13` / :func:`ean8` draw EAN barcodes from the encoding tables of GS1 General Specifications
  5.2.2 (and ISO/IEC 15420), so the barcode the tests read was not written by the library that reads it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from labels.gs1.identifiers import check_digit

PHOTO_SIZE = (1280, 720)

# --- EAN-13 / EAN-8 --------------------------------------------------------------------------------

#: Number set A ("L", odd parity) for each digit; set C ("R") is its complement, set B ("G") is C reversed.
_L = (
    "0001101",
    "0011001",
    "0010011",
    "0111101",
    "0100011",
    "0110001",
    "0101111",
    "0111011",
    "0110111",
    "0001011",
)
_R = tuple("".join("1" if bit == "0" else "0" for bit in code) for code in _L)
_G = tuple(code[::-1] for code in _R)
#: Which set each of the six left-hand digits uses, chosen by the implied first digit of an EAN-13.
_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")
_GUARD, _CENTRE = "101", "01010"


def ean13_modules(digits: str) -> str:
    """The 95 modules (1 dark) of the EAN-13 for ``digits`` (12 digits, or 13 with the check digit)."""
    if len(digits) == 12:
        digits += str(check_digit(digits))
    if len(digits) != 13 or not digits.isdigit() or int(digits[12]) != check_digit(digits[:12]):
        raise ValueError("an EAN-13 is 13 digits with a valid check digit")
    sets = {"L": _L, "G": _G}
    left = "".join(
        sets[parity][int(d)] for parity, d in zip(_PARITY[int(digits[0])], digits[1:7], strict=True)
    )
    right = "".join(_R[int(d)] for d in digits[7:])
    return _GUARD + left + _CENTRE + right + _GUARD


def ean8_modules(digits: str) -> str:
    """The 67 modules of the EAN-8 for ``digits`` (7 digits, or 8 with the check digit)."""
    if len(digits) == 7:
        digits += str(check_digit(digits))
    if len(digits) != 8 or not digits.isdigit() or int(digits[7]) != check_digit(digits[:7]):
        raise ValueError("an EAN-8 is 8 digits with a valid check digit")
    return (
        _GUARD
        + "".join(_L[int(d)] for d in digits[:4])
        + _CENTRE
        + "".join(_R[int(d)] for d in digits[4:])
        + _GUARD
    )


def bars(modules: str, module_px: int = 3, height: int = 160, quiet: int = 11) -> Image.Image:
    """A white image with the dark ``modules`` as bars, and ``quiet`` light modules each side."""
    width = (len(modules) + 2 * quiet) * module_px
    image = Image.new("L", (width, height + 2 * module_px * 4), 255)
    draw = ImageDraw.Draw(image)
    for position, bit in enumerate(modules):
        if bit == "1":
            x = (quiet + position) * module_px
            draw.rectangle([x, module_px * 4, x + module_px - 1, module_px * 4 + height], fill=0)
    return image


def ean13(digits: str, module_px: int = 3) -> Image.Image:
    return bars(ean13_modules(digits), module_px)


def ean8(digits: str, module_px: int = 3) -> Image.Image:
    return bars(ean8_modules(digits), module_px, height=120, quiet=7)


# --- photos ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placement:
    """Where a code goes: its centre, its width in the photo (before rotation, quiet zone included),
    its rotation in degrees, and how slanted the view is."""

    centre: tuple[int, int]
    width: int
    angle: float = 0.0
    #: how much narrower the far edge looks than the near one (0: seen head-on)
    slant: float = 0.15


def _perspective_coefficients(source: list[tuple[float, float]], target: list[tuple[float, float]]) -> list:
    """Coefficients for ``Image.transform(..., PERSPECTIVE)``: output ``target`` corners sample ``source``."""
    rows, values = [], []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        values += [u, v]
    return np.linalg.solve(np.array(rows, float), np.array(values, float)).tolist()


def photo(
    codes: list[tuple[Image.Image, Placement]],
    seed: int = 1,
    noise: float = 10.0,
    size: tuple[int, int] = PHOTO_SIZE,
) -> Image.Image:
    """A grey-level photo of ``codes``, each drawn on a white sticker, rotated and seen in perspective."""
    rng = np.random.default_rng(seed)
    width, height = size
    # A shelf-like background: soft blotches of light and shade, so binarisation has work to do.
    coarse = rng.normal(140, 40, (height // 40 + 1, width // 40 + 1)).clip(40, 220).astype(np.uint8)
    background = Image.fromarray(coarse).resize(size, Image.BICUBIC).filter(ImageFilter.GaussianBlur(8))
    picture = background.copy()
    for image, place in codes:
        sticker = image.convert("L")
        scale = place.width / sticker.width
        sticker = sticker.rotate(place.angle, expand=True, resample=Image.BICUBIC, fillcolor=255)
        w, h = sticker.width * scale, sticker.height * scale
        cx, cy = place.centre
        near, far = 1.0, 1.0 - place.slant  # the right edge is further away: shorter
        target = [
            (cx - w / 2, cy - h / 2 * near),
            (cx + w / 2 * (1 - place.slant / 2), cy - h / 2 * far),
            (cx + w / 2 * (1 - place.slant / 2), cy + h / 2 * far),
            (cx - w / 2, cy + h / 2 * near),
        ]
        source = [(0, 0), (sticker.width, 0), (sticker.width, sticker.height), (0, sticker.height)]
        coefficients = _perspective_coefficients(source, target)
        warped = sticker.transform(size, Image.PERSPECTIVE, coefficients, Image.BICUBIC, fillcolor=255)
        mask = Image.new("L", sticker.size, 255).transform(
            size, Image.PERSPECTIVE, coefficients, Image.BICUBIC
        )
        picture.paste(warped, (0, 0), mask)
    picture = picture.filter(ImageFilter.GaussianBlur(0.6))
    noisy = np.asarray(picture, float) + rng.normal(0, noise, (height, width))
    return Image.fromarray(noisy.clip(0, 255).astype(np.uint8))


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(image: Image.Image, quality: int = 85) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
