"""Hand-written SVG charts for the PDF reports: no JavaScript in a PDF, and no dependency to vendor."""

from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # 0–100


def bar_chart_svg(bars: list[Bar], *, width: int = 520, bar_height: int = 22, label_width: int = 150) -> str:
    """Horizontal bars on a 0–100 scale, value printed at the end of each bar."""
    gap, top = 10, 10
    height = top + len(bars) * (bar_height + gap) + 20
    plot = width - label_width - 50
    rows = []
    for i, bar in enumerate(bars):
        y = top + i * (bar_height + gap)
        length = max(0.0, min(bar.value, 100.0)) / 100 * plot
        rows.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.7:.1f}" text-anchor="end" font-size="12">'
            f"{escape(bar.label)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" fill="#2f6fb0" rx="2"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + bar_height * 0.7:.1f}" font-size="12">'
            f"{bar.value:.1f}</text>"
        )
    axis_y = height - 14
    ticks = "".join(
        f'<text x="{label_width + t / 100 * plot:.1f}" y="{axis_y + 12}" font-size="10" text-anchor="middle">{t}</text>'
        for t in (0, 25, 50, 75, 100)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f'<line x1="{label_width}" y1="{axis_y}" x2="{label_width + plot}" y2="{axis_y}" stroke="#888"/>'
        f"{''.join(rows)}{ticks}</svg>"
    )
