"""Bar charts as plain SVG, drawn on the server for print (no JavaScript). Each chart has a
<title> and <desc> and is drawn beside a table of the same numbers."""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Dark enough against white for text and shapes (WCAG 1.4.11), distinct in greyscale.
PALETTE = ("#1d4e6b", "#b35900", "#3f7f3f", "#7a3e8c", "#6b6b6b")
WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 36, 12, 16, 44


@dataclass(frozen=True)
class Series:
    name: str
    values: list[int]


def _ticks(top: int) -> list[int]:
    step = max(1, -(-top // 4))
    return list(range(0, step * 4 + 1, step))


def bar_chart_svg(
    *, title: str, desc: str, categories: list[str], series: list[Series], chart_id: str
) -> SafeString:
    """Stacked bars, one per category, one colour per series (a legend when more than one)."""
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    ticks = _ticks(max(totals, default=0) or 1)
    scale = (HEIGHT - TOP - BOTTOM) / ticks[-1]
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(categories), 1)
    bar_w = slot * 0.6
    base = HEIGHT - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'font-family="DejaVu Sans, sans-serif" font-size="10">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>',
    ]
    for tick in ticks:
        y = base - tick * scale
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#cccccc" stroke-width="0.5"/>'
            f'<text x="{LEFT - 4}" y="{y + 3:.1f}" text-anchor="end" fill="#333333">{tick}</text>'
        )
    for i, category in enumerate(categories):
        x = LEFT + i * slot + (slot - bar_w) / 2
        y = base
        for colour, s in zip(PALETTE * 4, series, strict=False):
            h = s.values[i] * scale
            if h:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{colour}" stroke="#ffffff" stroke-width="0.5"/>'
                )
        parts.append(
            f'<text x="{x + bar_w / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
            f'font-weight="bold">{totals[i]}</text>'
            f'<text x="{x + bar_w / 2:.1f}" y="{base + 13}" text-anchor="middle" '
            f'fill="#333333">{escape(category)}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#000000"/>'
    )
    if len(series) > 1:
        x = LEFT
        for colour, s in zip(PALETTE * 4, series, strict=False):
            parts.append(
                f'<rect x="{x}" y="{HEIGHT - 16}" width="10" height="10" fill="{colour}"/>'
                f'<text x="{x + 14}" y="{HEIGHT - 7}">{escape(s.name)}</text>'
            )
            x += 24 + 7 * len(s.name)
    parts.append("</svg>")
    # Every text in it is escaped above.
    return mark_safe("".join(parts))
