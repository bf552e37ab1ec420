"""Label artwork: a printable PNG per label kind, composed with Pillow; framework-free.

The artwork is a column ``width_mm`` wide: a band in the kind's colour with the kind's mark (energy
stars or class, the carbon value, the recycled share), the label's name in Vietnamese and English,
its number, its validity and the QR code (``labels/codes/qr.py``: level M, quiet zone 4) at least
:data:`QR_MIN_MM` wide, in whole pixels per module. The PNG carries its DPI, so print software keeps
the size. Callers pass plain values (:class:`LabelArt`), not ORM objects.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date

from PIL import Image, ImageDraw

from labels.codes import qr
from labels.codes.fonts import pil_font

QR_MIN_MM = 20.0
MARGIN_MM = 2.0
MIN_DPI, MAX_DPI = 150, 1200

#: Per kind: band colour, title (vi, en).
KINDS = {
    "green": ("#2e7d32", "NHÃN XANH", "GREEN LABEL"),
    "energy": ("#1565c0", "NHÃN NĂNG LƯỢNG", "ENERGY LABEL"),
    "carbon": ("#37474f", "NHÃN CARBON", "CARBON LABEL"),
    "recycling": ("#00796b", "NHÃN TÁI CHẾ", "RECYCLING LABEL"),
}
_OTHER_KIND = "#5d4037"
_STAR = "#ffc107"
_INK = "#1a1a1a"
_WHITE = "#ffffff"


@dataclass(frozen=True)
class LabelArt:
    """What the artwork shows; ``stars``/``energy_class`` for energy, ``carbon_value`` for carbon,
    ``recycled_percent`` for recycling. ``qr_text`` is what the code encodes."""

    kind: str
    name_vi: str
    name_en: str
    label_number: str
    valid_until: date
    qr_text: str
    stars: int | None = None
    energy_class: str | None = None
    carbon_value: str | None = None
    recycled_percent: float | None = None


def _px(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


def _pt(points: float, dpi: int) -> int:
    """A font size in pixels for ``points`` (1/72 inch)."""
    return max(1, round(points / 72 * dpi))


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` (a long word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    """The ten corners of a five-pointed star, point up."""
    inner = outer * 0.382
    return [
        (
            cx + (outer if i % 2 == 0 else inner) * math.sin(math.pi * i / 5),
            cy - (outer if i % 2 == 0 else inner) * math.cos(math.pi * i / 5),
        )
        for i in range(10)
    ]


def _mark(art: LabelArt) -> str | None:
    """The kind's key claim as text, when it is not drawn as shapes."""
    if art.kind == "energy" and not art.stars and art.energy_class:
        return f"Hạng / Class {art.energy_class}"
    if art.kind == "carbon" and art.carbon_value:
        return art.carbon_value
    if art.kind == "recycling" and art.recycled_percent is not None:
        return f"{art.recycled_percent:g} % tái chế / recycled"
    return None


def render_image(art: LabelArt, dpi: int = 300, width_mm: float = 40) -> Image.Image:
    """The artwork as an RGB Pillow image ``width_mm`` wide at ``dpi``."""
    if not MIN_DPI <= dpi <= MAX_DPI:
        raise ValueError(f"dpi is {MIN_DPI} to {MAX_DPI}")
    width, margin, gap = _px(width_mm, dpi), _px(MARGIN_MM, dpi), _px(0.8, dpi)
    inner = width - 2 * margin
    symbol = qr.encode(art.qr_text)
    module_px = math.ceil(_px(QR_MIN_MM, dpi) / symbol.width)
    if symbol.width * module_px > inner:
        raise ValueError(f"a QR code of {QR_MIN_MM} mm does not fit in {width_mm} mm")
    code = qr.to_image(symbol, module_px).convert("RGB")

    colour, title_vi, title_en = KINDS.get(art.kind, (_OTHER_KIND, art.kind.upper(), art.kind.upper()))
    title, subtitle = pil_font(_pt(6.5, dpi), "bold"), pil_font(_pt(5, dpi))
    mark_font, name_font = pil_font(_pt(7, dpi), "bold"), pil_font(_pt(6, dpi), "bold")
    text_font, number_font = pil_font(_pt(5, dpi)), pil_font(_pt(6.5, dpi), "bold")
    star_size = _px(5, dpi)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))

    # Laid out first (what goes where, in drawing order), then drawn on a canvas of the exact height.
    ops: list[tuple] = []
    y = margin

    def lines(text: str, font, fill: str) -> None:
        nonlocal y
        top, bottom = font.getbbox("ÁẬgy")[1::2]
        for part in _wrap(measure, text, font, inner):
            ops.append(("text", (width / 2, y), part, font, fill))
            y += bottom - top + gap

    # The band: the kind's title, then its mark (stars, class, value or share).
    band_at = len(ops)
    lines(title_vi, title, _WHITE)
    lines(title_en, subtitle, _WHITE)
    if art.kind == "energy" and art.stars:
        count, step = max(1, min(5, art.stars)), inner / 5
        for i in range(5):
            corners = _star(margin + step * (i + 0.5), y + star_size / 2, star_size / 2)
            ops.append(("star", corners, _STAR if i < count else None))
        y += star_size + gap
    elif mark := _mark(art):
        lines(mark, mark_font, _WHITE)
    y += margin
    ops.insert(band_at, ("band", (0, 0, width - 1, y)))
    y += margin

    # The label's name, number and validity, then the code with its own quiet zone.
    lines(art.name_vi, name_font, _INK)
    lines(art.name_en, text_font, _INK)
    y += gap
    lines(art.label_number, number_font, _INK)
    lines(f"Hiệu lực đến / Valid until {art.valid_until.isoformat()}", text_font, _INK)
    ops.append(("code", ((width - code.width) // 2, y)))
    y += code.height + margin

    canvas = Image.new("RGB", (width, y), _WHITE)
    draw = ImageDraw.Draw(canvas)
    for op, *args in ops:
        if op == "band":
            draw.rectangle(args[0], fill=colour)
        elif op == "text":
            xy, text, font, fill = args
            draw.text(xy, text, font=font, fill=fill, anchor="ma")
        elif op == "star":
            draw.polygon(args[0], fill=args[1], outline=_STAR, width=max(1, dpi // 150))
        else:
            canvas.paste(code, args[0])
    draw.rectangle((0, 0, width - 1, y - 1), outline=colour, width=max(1, dpi // 100))
    return canvas


def render_label_png(art: LabelArt, dpi: int = 300, width_mm: float = 40) -> bytes:
    """The artwork as PNG bytes with ``dpi`` written in the file."""
    out = io.BytesIO()
    render_image(art, dpi, width_mm).save(out, "PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()
