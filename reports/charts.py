"""Hand-written SVG charts for the PDF reports: no JavaScript in a PDF, and no dependency to vendor."""

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from django.utils.translation import pgettext


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


def _fmt(v: float) -> str:
    return f"{v:.1f}"


def radar_svg(labels: list[str], series: list[tuple[str, list[float | None], str]], *, size: int = 420) -> str:
    """A radar (spider) chart on a 0–100 scale: one polygon per series (name, values, colour), the legend
    below. Sized in the page's units by the caller's CSS (width 100 %, the viewBox keeps the aspect)."""
    import math

    n = len(labels)
    if n < 3:
        return ""
    cx = cy = size / 2
    radius = size / 2 - 70
    legend_h = 26 * len(series)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * max(0.0, min(value, 100.0)) / 100
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = []
    for level in (20, 40, 60, 80, 100):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, level) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="#ccc" stroke-width="1"/>')
    for i, label in enumerate(labels):
        x, y = point(i, 100)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="#ccc"/>')
        lx, ly = point(i, 122)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(f'<text x="{lx:.1f}" y="{ly + 5:.1f}" font-size="15" text-anchor="{anchor}">{escape(label)}</text>')
    for _name, values, colour in series:
        pts = [point(i, v or 0) for i, v in enumerate(values)]
        poly = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        parts.append(f'<polygon points="{poly}" fill="{colour}" fill-opacity="0.18" stroke="{colour}" stroke-width="2.5"/>')
    for k, (name, _values, colour) in enumerate(series):
        y = size + 8 + 26 * k
        parts.append(f'<rect x="{cx - 80}" y="{y}" width="22" height="12" fill="{colour}"/>'
                     f'<text x="{cx - 50}" y="{y + 11}" font-size="15">{escape(name)}</text>')
    height = size + legend_h + 10
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart radar" viewBox="0 0 {size} {height}" '
            f'data-chart="radar">{"".join(parts)}</svg>')


def dimension_bars_svg(rows: list[tuple[str, float | None, float | None]], *, width: int = 600,
                       legend: tuple[str, str] | None = None) -> str:
    """Each dimension's score (solid) beside the city average (outlined), 0–100, one row each."""
    legend = legend or (pgettext("the unit evaluated", "本单位"), _("全市平均"))
    label_w, row_h, top = 110, 34, 8
    plot = width - label_w - 60
    parts = []
    for i, (label, value, average) in enumerate(rows):
        y = top + i * row_h
        parts.append(f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="15">{escape(label)}</text>')
        if value is not None:
            length = max(0.0, min(value, 100.0)) / 100 * plot
            parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{length:.1f}" height="14" fill="#2f6fb0"/>'
                         f'<text x="{label_w + length + 5:.1f}" y="{y + 16}" font-size="13">{_fmt(value)}</text>')
        if average is not None:
            length = max(0.0, min(average, 100.0)) / 100 * plot
            parts.append(f'<rect x="{label_w}" y="{y + 20}" width="{length:.1f}" height="8" fill="#fff" '
                         f'stroke="#b3261e" stroke-width="1.2"/>')
    y = top + len(rows) * row_h + 6
    parts.append(f'<rect x="{label_w}" y="{y}" width="22" height="10" fill="#2f6fb0"/>'
                 f'<text x="{label_w + 28}" y="{y + 10}" font-size="13">{escape(legend[0])}</text>')
    if any(average is not None for _label, _value, average in rows):
        parts.append(f'<rect x="{label_w + 110}" y="{y}" width="22" height="8" fill="#fff" stroke="#b3261e"/>'
                     f'<text x="{label_w + 138}" y="{y + 10}" font-size="13">{escape(legend[1])}</text>')
    height = y + 20
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" viewBox="0 0 {width} {height}" '
            f'data-chart="bars">{"".join(parts)}</svg>')
