"""The PDFs laid out after GB/T 9704-2012: every box of every page inside the page's margins (37 mm top, 35 mm
bottom, 28 mm left, 26 mm right; the page number sits in the bottom margin by design), read through WeasyPrint's
layout; the radar chart is there; the fonts are the CSS's first available."""

import pytest
import weasyprint
from django.conf import settings
from django.template.loader import render_to_string

from reports.services import report_context
from reports.summary import summary_context, summary_word_context

from .test_report_writing import write_and_sign

pytestmark = pytest.mark.django_db

MM = 96 / 25.4  # CSS px per mm
TOP, RIGHT, BOTTOM, LEFT = 37, 26, 35, 28
SLACK = 0.5  # px: rounding of the layout


def outside_margins(document) -> list[str]:
    wrong = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        left, top = LEFT * MM, TOP * MM
        right, bottom = page.width - RIGHT * MM, page.height - BOTTOM * MM
        html = page_box.children[0]  # the root box; the margin boxes (the page number) come after it
        for box in html.descendants():
            if not hasattr(box, "position_x") or box.width is None:
                continue
            x, y = box.position_x + box.margin_left, box.position_y + box.margin_top
            w, h = box.border_width(), box.border_height()
            if w == 0 and h == 0:
                continue
            if x < left - SLACK or y < top - SLACK or x + w > right + SLACK or y + h > bottom + SLACK:
                wrong.append(f"page {number}: <{box.element_tag}> {type(box).__name__} at ({x / MM:.1f}, {y / MM:.1f}) mm, "
                             f"{w / MM:.1f} × {h / MM:.1f} mm")
    return wrong


def layout(html: str):
    return weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).render()


def test_the_unit_and_summary_pdfs_stay_inside_the_margins_and_carry_the_radar(report_world,
                                                                              django_capture_on_commit_callbacks):
    world = report_world
    version = write_and_sign(world, world.target, django_capture_on_commit_callbacks)
    unit_html = render_to_string("reports/pdf/unit.html", report_context(version=version))
    context = summary_context(world.campaign)
    summary_html = render_to_string("reports/pdf/summary.html", {**context, "w": summary_word_context(context)})
    for name, html in (("unit", unit_html), ("summary", summary_html)):
        document = layout(html)
        assert len(document.pages) >= 2, name
        assert not outside_margins(document), (name, outside_margins(document)[:5])
        radars = [b for p in document.pages for b in p._page_box.descendants()
                  if str(getattr(b, "element_tag", "")).endswith("svg") and "radar" in (b.element.get("class") or "")]
        assert len(radars) == 1, name
        assert radars[0].width <= (210 - LEFT - RIGHT) * MM
        # page numbers "— n —" in the footer
        footers = [b for p in document.pages for b in p._page_box.children[1:]]
        assert footers, name
    text = unit_html
    assert '"方正小标宋简体"' in text and "SimHei" in text and "KaiTi" in text and "FangSong" in text
    assert "Noto Serif CJK SC" in text and "Noto Sans CJK SC" in text and "AR PL UKai CN" in text


def test_the_margin_check_catches_a_box_that_runs_off_the_page():
    html = render_to_string("reports/pdf/_gongwen_style.html") + '<div style="width:400mm;height:10mm">宽</div>'
    assert outside_margins(layout(html))
