"""Find and read the codes in a picture: QR codes with claims, and the GTIN barcodes on retail packs.

Decoding is zxing-cpp's (``zxingcpp.read_barcodes``), which finds several codes in one picture, at any
rotation, under perspective. What this module adds is the choice of symbologies (each one the reader
looks for costs time, so only the ones ecoreg's codes and retail packs use), grayscale conversion once,
and turning a retail barcode into the GTIN-14 a product-level check needs.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError

from labels.gs1.identifiers import InvalidIdentifier, normalise_gtin
from scanner.codes import GTIN_FORMATS, DecodedCode
from scanner.errors import DecodeError

_F = zxingcpp.BarcodeFormat
#: QR for ecoreg's codes; EAN/UPC on consumer packs; ITF-14 on the cartons a warehouse receives.
#: GS1 DataBar (fresh produce) costs about 60 % more time per picture, so it is opt-in.
DEFAULT_FORMATS: tuple = (_F.QRCode, _F.EAN13, _F.EAN8, _F.UPCA, _F.UPCE, _F.ITF14)
#: ``(01)`` of a GS1 element string in human-readable form (DataBar, GS1 QR / DataMatrix).
_GS1_GTIN = re.compile(r"\(01\)(?P<gtin>[0-9]{14})")


ImageSource = str | os.PathLike | bytes | Image.Image | np.ndarray


def decode_image(
    image: ImageSource,
    *,
    formats: Iterable = DEFAULT_FORMATS,
    try_invert: bool = False,
    try_rotate: bool = True,
    try_downscale: bool = True,
) -> list[DecodedCode]:
    """Every code zxing-cpp finds in ``image`` (a path, the file's bytes, a PIL image or a numpy array).

    Codes are listed top to bottom, then left to right, so that a shelf photo reads in order. An image
    with no code gives an empty list; an image that cannot be opened raises :class:`DecodeError`.
    ``try_invert`` also looks for light-on-dark codes (rare on packs; it costs about a third more time).
    """
    pixels = _grayscale(image)
    try:
        found = zxingcpp.read_barcodes(
            pixels,
            formats=list(formats),
            try_rotate=try_rotate,
            try_downscale=try_downscale,
            try_invert=try_invert,
        )
    except (ValueError, RuntimeError) as exc:
        raise DecodeError(f"the image could not be decoded: {exc}") from None
    codes = [_decoded(barcode) for barcode in found if barcode.valid]
    codes.sort(key=lambda code: (round(code.centre[1] / 50), code.centre[0]))
    return codes


def _grayscale(image: ImageSource) -> np.ndarray:
    """One 8-bit channel: what the reader binarises anyway, at a third of the bytes to hand over."""
    if isinstance(image, np.ndarray):
        if image.ndim == 2 and image.dtype == np.uint8:
            return image
        image = Image.fromarray(image)
    if isinstance(image, bytes | bytearray | memoryview):
        image = _open(io.BytesIO(bytes(image)), "the image data")
    elif isinstance(image, str | os.PathLike):
        image = _open(Path(image), os.fspath(image))
    if not isinstance(image, Image.Image):
        raise DecodeError(f"cannot read codes from a {type(image).__name__}")
    try:
        # Phone photos are often stored sideways with an EXIF rotation; positions should match what a
        # person sees. exif_transpose returns the image itself when there is nothing to do.
        image = ImageOps.exif_transpose(image) or image
        return np.asarray(image if image.mode == "L" else image.convert("L"))
    except (OSError, ValueError, SyntaxError) as exc:
        raise DecodeError(f"the image could not be read: {exc}") from None


def _open(source, name: str) -> Image.Image:
    try:
        image = Image.open(source)
        image.load()
    except FileNotFoundError:
        raise DecodeError(f"{name}: no such file") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise DecodeError(f"{name} is not an image that can be read ({exc})") from None
    return image


def _decoded(barcode) -> DecodedCode:
    position = barcode.position
    corners = tuple(
        (int(point.x), int(point.y))
        for point in (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    )
    name = barcode.format.name
    text = barcode.text
    return DecodedCode(text, name, corners, int(barcode.orientation), _gtin_of(name, text))


def _gtin_of(format_name: str, text: str) -> str | None:
    if format_name in GTIN_FORMATS:
        digits = upc_e_to_upc_a(text) if format_name == "UPCE" and len(text) == 8 else text
        try:
            return normalise_gtin(digits)
        except InvalidIdentifier:
            return None  # an ITF that is not an ITF-14, say: a code, but not a product's
    match = _GS1_GTIN.match(text)
    if match:
        try:
            return normalise_gtin(match["gtin"])
        except InvalidIdentifier:
            return None
    return None


def upc_e_to_upc_a(upc_e: str) -> str:
    """The 12-digit UPC-A a zero-suppressed 8-digit UPC-E stands for (GS1 General Specifications 5.2.2.4.2).

    zxing-cpp already reports UPC-E expanded; this is for readers and inputs that give the 8 digits.
    """
    if len(upc_e) != 8 or not upc_e.isdigit() or upc_e[0] not in "01":
        raise ValueError("a UPC-E is 8 digits starting with number system 0 or 1")
    system, body, check = upc_e[0], upc_e[1:7], upc_e[7]
    last = body[5]
    if last in "012":
        manufacturer, item = body[0:2] + last + "00", "00" + body[2:5]
    elif last == "3":
        manufacturer, item = body[0:3] + "00", "000" + body[3:5]
    elif last == "4":
        manufacturer, item = body[0:4] + "0", "0000" + body[4]
    else:
        manufacturer, item = body[0:5], "0000" + last
    return system + manufacturer + item + check
