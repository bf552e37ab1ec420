"""Charts of the plan's dashboard, drawn on the server as SVG: no script, nothing from the internet.

Written by hand rather than with a charting library: the charts are bars per year with two lines (the
period's target, and the trajectory towards it), about forty lines of SVG; a library would bring a
JavaScript runtime to the browser or matplotlib's weight to the server for the same picture. Every chart
has the table of its numbers beneath it in the page, for screen readers and for copying.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal
from markupsafe import Markup, escape

from labels.plan.indicators import TargetValue

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 8, 10, 22
COLOURS = {
    "met": "#1b7a3a",
    "on-track": "#2f8f4e",
    "at-risk": "#b26a00",
    "missed": "#b3261e",
    "no-target": "#4a6b8a",
    "no-data": "#9aa5a0",
}


def trend_svg(values: list[TargetValue], label: str) -> Markup:
    """Bars of a target's value by year, the period's goal as a dashed line, the trajectory as dots."""
    top = max([v.value or 0 for v in values] + [v.goal or 0 for v in values] + [Decimal(1)])
    scale = Decimal(HEIGHT - TOP - BOTTOM) / Decimal(top)
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    parts = [
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}" class="trend" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" y2="{HEIGHT - BOTTOM}" '
        'stroke="#6b7a72"/>',
        f'<text x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end" font-size="10">{escape(_number(top))}</text>',
        f'<text x="{LEFT - 4}" y="{HEIGHT - BOTTOM}" text-anchor="end" font-size="10">0</text>',
    ]
    for index, value in enumerate(values):
        x = LEFT + index * slot
        middle = x + slot / 2
        if value.value is not None:
            height = float(value.value * scale)
            y = HEIGHT - BOTTOM - height
            colour = COLOURS.get(value.status, COLOURS["no-data"])
            parts.append(
                f'<rect x="{x + slot * 0.2:.1f}" y="{y:.1f}" width="{slot * 0.6:.1f}" height="{height:.1f}" '
                f'fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{middle:.1f}" y="{y - 2:.1f}" text-anchor="middle" font-size="10">'
                f"{escape(_number(value.value))}</text>"
            )
        if value.goal is not None:
            goal_y = HEIGHT - BOTTOM - float(value.goal * scale)
            parts.append(
                f'<line x1="{x:.1f}" y1="{goal_y:.1f}" x2="{x + slot:.1f}" y2="{goal_y:.1f}" '
                'stroke="#1b4d8c" stroke-dasharray="4 3"/>'
            )
        if value.expected is not None:
            expected_y = HEIGHT - BOTTOM - float(value.expected * scale)
            parts.append(f'<circle cx="{middle:.1f}" cy="{expected_y:.1f}" r="2.5" fill="#1b4d8c"/>')
        parts.append(
            f'<text x="{middle:.1f}" y="{HEIGHT - 6}" text-anchor="middle" font-size="10">{value.year}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _number(value: Decimal) -> str:
    return format_decimal(value, format="#,##0.#")
