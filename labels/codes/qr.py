"""QR codes for labels and serialised items: the module matrix, PNG and SVG.

Framework-free. Error-correction level M and a quiet zone of 4 modules, always. The symbols are the
ones ``qrcode`` makes, module for module (the tests compare them), made several times faster:

- ``qrcode`` still splits the text into numeric, alphanumeric and byte segments; the bit stream and
  the Reed-Solomon codewords are written with Python integers instead of bit-by-bit buffers and
  polynomial objects;
- the data bits are placed with one fancy-indexing assignment, in a placement order computed once per
  version;
- all 8 masks are scored at once with numpy, with the four penalty rules of ISO/IEC 18004 (runs of 5
  or more, 2x2 blocks, 1:1:3:1:1 finder-like patterns with 4 light modules, dark-module balance); the
  lowest score wins, the first of equals on a tie;
- the PNG is a 1-bit image of the matrix scaled with NEAREST, not one rectangle per module.

Masks are scored the way ``qrcode`` scores them: in the order of the standard's encoding procedure,
the mask is chosen (step 6) before the format and version information are written (step 7), so those
areas, and the dark module, count as light while scoring. Scoring the finished symbol instead, as
ZXing's encoder does, picks another mask for about a third of claim URIs (qrcode's rules, 300 URIs).
Both are valid symbols: a reader takes the mask from the format information.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

import numpy as np
import qrcode
from PIL import Image
from qrcode import base, util
from qrcode.constants import ERROR_CORRECT_M

QUIET_ZONE = 4
MASKS = 8
#: The 11-module finder-like patterns of penalty rule 3, first module in the most significant bit.
_FINDER_LIKE = (0b10111010000, 0b00001011101)


@dataclass(frozen=True, eq=False)
class QRSymbol:
    """An encoded QR code: ``modules[row, col]`` is True for a dark module, quiet zone not included."""

    text: str
    version: int
    mask: int
    modules: np.ndarray

    @property
    def size(self) -> int:
        """Modules per side, quiet zone not included (21 for version 1, 57 for version 10)."""
        return self.modules.shape[0]

    @property
    def width(self) -> int:
        """Modules per side with the quiet zone."""
        return self.size + 2 * QUIET_ZONE


@dataclass(frozen=True)
class _Layout:
    """What every symbol of one version shares."""

    blank: np.ndarray  # function patterns; format and version areas and the dark module light
    rows: np.ndarray  # the data modules, in placement order
    cols: np.ndarray
    masks: np.ndarray  # (8, data modules): whether each mask inverts each data module
    finished: tuple[np.ndarray, ...]  # per mask: function patterns with format and version information


@cache
def _layout(version: int) -> _Layout:
    # qrcode's own drawing routines, so that every function module is where qrcode puts it.
    qr = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
    n = qr.modules_count = version * 4 + 17
    qr.modules = [[None] * n for _ in range(n)]
    for row, col in ((0, 0), (n - 7, 0), (0, n - 7)):
        qr.setup_position_probe_pattern(row, col)
    qr.setup_position_adjust_pattern()
    qr.setup_timing_pattern()
    qr.setup_type_info(True, 0)
    if version >= 7:
        qr.setup_type_number(True)
    template = [row[:] for row in qr.modules]
    cells = _placement_order(template)
    rows = np.array([r for r, _ in cells], dtype=np.intp)
    cols = np.array([c for _, c in cells], dtype=np.intp)
    masks = np.array([[util.mask_func(m)(r, c) for r, c in cells] for m in range(MASKS)], dtype=bool)
    blank = np.array([[bool(module) for module in row] for row in template], dtype=bool)
    finished = []
    for mask in range(MASKS):
        qr.modules = [row[:] for row in template]
        qr.setup_type_info(False, mask)
        if version >= 7:
            qr.setup_type_number(False)
        finished.append(np.array([[bool(module) for module in row] for row in qr.modules], dtype=bool))
    for array in (blank, rows, cols, masks, *finished):
        array.flags.writeable = False
    return _Layout(blank, rows, cols, masks, tuple(finished))


def _placement_order(template: list[list[bool | None]]) -> list[tuple[int, int]]:
    """The free modules in the order data bits fill them: two-column strips, right to left, zigzag."""
    n = len(template)
    order = []
    row, step = n - 1, -1
    for col in range(n - 1, 0, -2):
        if col <= 6:  # skip the vertical timing pattern
            col -= 1
        while 0 <= row < n:
            order.extend((row, c) for c in (col, col - 1) if template[row][c] is None)
            row += step
        row -= step
        step = -step
    return order


def penalties(candidates: np.ndarray) -> list[int]:
    """The ISO/IEC 18004 penalty score of each matrix in ``candidates`` (shape (k, n, n), bool)."""
    k, n, _ = candidates.shape
    lines = np.concatenate((candidates, candidates.transpose(0, 2, 1)), axis=1)  # rows, then columns

    # Rule 1: a run of L >= 5 same-coloured modules scores L - 2. Counting the uniform windows of 5
    # (L - 4 per run) plus 2 for each that starts a run gives exactly that.
    same = lines[..., 1:] == lines[..., :-1]
    uniform5 = same[..., : n - 4] & same[..., 1 : n - 3] & same[..., 2 : n - 2] & same[..., 3 : n - 1]
    run_start = np.ones_like(uniform5)
    run_start[..., 1:] = ~same[..., : n - 5]
    rule1 = uniform5.sum(axis=(1, 2)) + 2 * (uniform5 & run_start).sum(axis=(1, 2))

    # Rule 2: every 2x2 block of one colour scores 3.
    top_left = candidates[:, :-1, :-1]
    block = (
        (top_left == candidates[:, 1:, :-1])
        & (top_left == candidates[:, :-1, 1:])
        & (top_left == candidates[:, 1:, 1:])
    )
    rule2 = 3 * block.sum(axis=(1, 2))

    # Rule 3: 1011101 with 4 light modules before or after it, in a row or column, scores 40.
    bits = lines.astype(np.uint16)
    windows = np.zeros((k, 2 * n, n - 10), dtype=np.uint16)
    for offset in range(11):
        windows |= bits[..., offset : offset + n - 10] << (10 - offset)
    rule3 = 40 * ((windows == _FINDER_LIKE[0]) | (windows == _FINDER_LIKE[1])).sum(axis=(1, 2))

    # Rule 4: 10 points for every full 5 % the dark share is away from 50 %, computed in floating
    # point exactly as qrcode does, so that a share on a boundary scores the same.
    dark = candidates.sum(axis=(1, 2))
    rule4 = [int(abs(float(d) / (n**2) * 100 - 50) / 5) * 10 for d in dark.tolist()]
    totals = rule1 + rule2 + rule3
    return [int(total) + points for total, points in zip(totals.tolist(), rule4, strict=True)]


def encode(text: str) -> QRSymbol:
    """The QR symbol of ``text`` at level M, in the smallest version that holds it, best mask."""
    version, codewords = _codewords(text)
    layout = _layout(version)
    bits = np.unpackbits(np.frombuffer(codewords, dtype=np.uint8))
    data = np.zeros(layout.rows.size, dtype=bool)  # the remainder bits, if any, stay 0
    data[: bits.size] = bits

    candidates = np.repeat(layout.blank[np.newaxis], MASKS, axis=0)
    candidates[:, layout.rows, layout.cols] = data ^ layout.masks
    scores = penalties(candidates)
    mask = scores.index(min(scores))  # the first of equal scores, as qrcode

    modules = layout.finished[mask].copy()
    modules[layout.rows, layout.cols] = data ^ layout.masks[mask]
    modules.flags.writeable = False
    return QRSymbol(text, version, mask, modules)


# --- codewords -------------------------------------------------------------------------------------
# qrcode's segmentation (numeric, alphanumeric and byte runs, as qrcode.make optimises them), then the
# bit stream, padding and Reed-Solomon codewords of ISO/IEC 18004 written with integers instead of
# qrcode's bit-by-bit buffer and polynomial objects. Tests compare every symbol with qrcode's.

_ALPHANUMERIC = {byte: position for position, byte in enumerate(util.ALPHA_NUM)}


def _segment_bits(segment: util.QRData) -> tuple[int, int]:
    """(value, length in bits) of a segment's data, without its mode and count."""
    data, value, length = segment.data, 0, 0
    if segment.mode == util.MODE_NUMBER:
        for start in range(0, len(data), 3):
            digits = data[start : start + 3]
            width = util.NUMBER_LENGTH[len(digits)]
            value, length = (value << width) | int(digits), length + width
    elif segment.mode == util.MODE_ALPHA_NUM:
        for start in range(0, len(data), 2):
            pair = data[start : start + 2]
            if len(pair) == 2:
                symbols, width = _ALPHANUMERIC[pair[0]] * 45 + _ALPHANUMERIC[pair[1]], 11
            else:
                symbols, width = _ALPHANUMERIC[pair[0]], 6
            value, length = (value << width) | symbols, length + width
    else:
        value, length = int.from_bytes(data, "big"), 8 * len(data)
    return value, length


def _codewords(text: str) -> tuple[int, bytes]:
    """The smallest version at level M that holds ``text``, and its interleaved codewords."""
    segments = [(s.mode, len(s), *_segment_bits(s)) for s in util.optimal_data_chunks(text, minimum=20)]
    for version in range(1, 41):
        blocks = base.rs_blocks(version, ERROR_CORRECT_M)
        capacity = 8 * sum(block.data_count for block in blocks)
        needed = sum(4 + util.length_in_bits(mode, version) + bits for mode, _, _, bits in segments)
        if needed <= capacity:
            break
    else:
        raise ValueError("the text is too long for a QR code at error-correction level M")
    stream = length = 0
    for mode, count, value, bits in segments:
        count_bits = util.length_in_bits(mode, version)
        stream = (((stream << 4 | mode) << count_bits | count) << bits) | value
        length += 4 + count_bits + bits
    terminator = min(capacity - length, 4)
    pad = terminator + (-(length + terminator)) % 8  # the terminator, then zeros to a whole byte
    stream, length = stream << pad, length + pad
    filler = bytes((util.PAD0, util.PAD1)) * capacity
    data = stream.to_bytes(length // 8, "big") + filler[: (capacity - length) // 8]

    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        data_blocks.append(data[offset : offset + block.data_count])
        ec_blocks.append(_error_correction(data_blocks[-1], block.total_count - block.data_count))
        offset += block.data_count
    interleaved = bytearray()
    for group in (data_blocks, ec_blocks):
        for position in range(max(len(b) for b in group)):
            interleaved.extend(b[position] for b in group if position < len(b))
    return version, bytes(interleaved)


_EXP = [0] * 510
_LOG = [0] * 256
_value = 1
for _power in range(255):
    _EXP[_power] = _EXP[_power + 255] = _value
    _LOG[_value] = _power
    _value = (_value << 1) ^ (0x11D if _value & 0x80 else 0)  # GF(256) modulo x^8 + x^4 + x^3 + x^2 + 1


def _gf_multiply(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


@cache
def _generator_rows(ec_count: int) -> tuple[int, ...]:
    """For each byte f, f times the generator polynomial without its leading 1, as one integer."""
    generator = [1]
    for power in range(ec_count):  # the product of (x - a^power); minus is plus in GF(256)
        shifted = generator + [0]
        for i, coefficient in enumerate(generator):
            shifted[i + 1] ^= _gf_multiply(coefficient, _EXP[power])
        generator = shifted
    return tuple(int.from_bytes(bytes(_gf_multiply(f, g) for g in generator[1:]), "big") for f in range(256))


def _error_correction(data: bytes, ec_count: int) -> bytes:
    """The Reed-Solomon remainder of ``data`` (a linear-feedback shift register, one byte a step)."""
    rows, top, keep = _generator_rows(ec_count), 8 * (ec_count - 1), (1 << 8 * ec_count) - 1
    remainder = 0
    for byte in data:
        remainder = ((remainder << 8) & keep) ^ rows[byte ^ (remainder >> top)]
    return remainder.to_bytes(ec_count, "big")


# --- images ----------------------------------------------------------------------------------------


def to_image(symbol: QRSymbol, module_px: int = 10) -> Image.Image:
    """A 1-bit Pillow image, ``module_px`` pixels per module, quiet zone included."""
    if not isinstance(module_px, int) or module_px < 1:
        raise ValueError("module_px is a whole number of pixels, 1 or more")
    light = ~np.pad(symbol.modules, QUIET_ZONE)  # mode "1": 1 is white
    image = Image.frombytes("1", (symbol.width, symbol.width), np.packbits(light, axis=1).tobytes())
    if module_px == 1:
        return image
    return image.resize((symbol.width * module_px,) * 2, Image.Resampling.NEAREST)


def to_png(symbol: QRSymbol, module_px: int = 10, dpi: int | None = None) -> bytes:
    """PNG bytes (1-bit); ``dpi`` is written in the file so that print software keeps the size."""
    out = io.BytesIO()
    options = {"dpi": (dpi, dpi)} if dpi else {}
    to_image(symbol, module_px).save(out, "PNG", **options)
    return out.getvalue()


def module_px_for(symbol: QRSymbol, width_mm: float, dpi: int) -> int:
    """The most whole pixels per module that keep the symbol, quiet zone included, within ``width_mm``.

    Whole pixels keep every module the same size in print; raises ``ValueError`` if not even one fits.
    """
    module_px = int(width_mm / 25.4 * dpi // symbol.width)
    if module_px < 1:
        raise ValueError(f"{symbol.width} modules do not fit in {width_mm} mm at {dpi} dpi")
    return module_px


def to_svg(symbol: QRSymbol, module_size: float = 0.4, unit: str = "mm") -> str:
    """An SVG document: a white square and one path of dark runs, ``module_size`` ``unit`` per module."""
    if not module_size > 0 or unit not in {"mm", "cm", "in", "px", "pt"}:
        raise ValueError("module_size is positive and unit one of mm, cm, in, px, pt")
    runs = []
    edges = np.diff(np.pad(symbol.modules, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    for row in range(symbol.size):
        starts = np.flatnonzero(edges[row] == 1).tolist()
        ends = np.flatnonzero(edges[row] == -1).tolist()
        y = row + QUIET_ZONE
        runs.extend(f"M{x + QUIET_ZONE} {y}h{e - x}v1h-{e - x}z" for x, e in zip(starts, ends, strict=True))
    side = f"{symbol.width * module_size:g}{unit}"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{side}" height="{side}" '
        f'viewBox="0 0 {symbol.width} {symbol.width}" shape-rendering="crispEdges">'
        f'<rect width="{symbol.width}" height="{symbol.width}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(runs)}"/></svg>\n'
    )


def render_png(text: str, module_px: int = 10, dpi: int | None = None) -> bytes:
    """:func:`encode` then :func:`to_png`."""
    return to_png(encode(text), module_px, dpi)


def render_svg(text: str, module_size: float = 0.4, unit: str = "mm") -> str:
    """:func:`encode` then :func:`to_svg`."""
    return to_svg(encode(text), module_size, unit)
