"""TrueType fonts with Vietnamese glyphs for label artwork and lot sheets; framework-free.

A Debian system has DejaVu Sans (``fonts-dejavu-core``) or Noto Sans (``fonts-noto-core``). When neither
is found, :func:`pil_font` falls back to Pillow's bundled default font, which is scalable since Pillow
10.1 but may draw some Vietnamese letters as boxes; install ``fonts-dejavu-core`` for print. The
environment variable ``ECOREG_FONT_DIR`` adds a folder to search first (fonts outside the system).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from PIL import ImageFont

#: File names in order of preference, per weight.
_FILES = {
    "regular": ("DejaVuSans.ttf", "NotoSans-Regular.ttf", "LiberationSans-Regular.ttf"),
    "bold": ("DejaVuSans-Bold.ttf", "NotoSans-Bold.ttf", "LiberationSans-Bold.ttf"),
}
_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "C:/Windows/Fonts")


def _search_dirs() -> list[Path]:
    extra = os.environ.get("ECOREG_FONT_DIR")
    return [Path(d) for d in ((extra,) if extra else ()) + _DIRS]


@cache
def font_path(weight: str = "regular") -> str | None:
    """The path of a TrueType font of ``weight`` (``regular`` or ``bold``) with Vietnamese glyphs, or None.

    A bold font that is missing falls back to the regular one.
    """
    for name in _FILES[weight]:
        for folder in _search_dirs():
            if folder.is_dir():
                found = next(folder.rglob(name), None)
                if found is not None:
                    return str(found)
    return font_path("regular") if weight == "bold" else None


@cache
def pil_font(size_px: int, weight: str = "regular") -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A Pillow font ``size_px`` pixels high: the system's TrueType font, else Pillow's default font."""
    path = font_path(weight)
    if path is not None:
        return ImageFont.truetype(path, size_px)
    try:
        return ImageFont.load_default(size=size_px)  # scalable since Pillow 10.1
    except TypeError:  # pragma: no cover - Pillow 10.0: a fixed-size bitmap font
        return ImageFont.load_default()
