"""The self-assessment filled from Excel in a real browser (Debian's chromium): the liaison downloads the
pre-filled workbook, uploads it with one bad row (refused, the row named, nothing saved), then a good one (all
41 rows filled), and the marker of rows still missing goes to zero. Screenshots at desk width and 375 px."""

import os
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from evaluations.models import Campaign, SelfAssessmentItem
from scoring.services import default_template_ensure

from ..evaluations.conftest import advance_to, make_world
from .test_workflow_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", Path(__file__).resolve().parents[2] / "var" / "test-artifacts"))


# the elements that stick out of the viewport (for the failure message)
WIDEST = """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 376
            && !e.closest('.scroll')).slice(0, 8).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right)
            .concat([...document.querySelectorAll('.scroll, main')].map(e => e.tagName + e.className + ' w=' + e.getBoundingClientRect().width + ' sw=' + e.scrollWidth))"""


def fill(path: Path, out: Path, bad_row: int | None = None) -> Path:
    wb = openpyxl.load_workbook(path)
    for row in wb["自评表"].iter_rows(min_row=2):
        negative = "起数" in str(row[4].value)
        row[5].value = 0 if negative else (15 if row[0].row == bad_row else 8.5)
        row[6].value = "对照三定规定逐项自查"
    wb.save(out)
    return out


def test_the_liaison_fills_the_self_assessment_from_excel(browser_page, chromium, live_server, tmp_path):
    default_template_ensure()  # the guidelines (a flush by an earlier browser test removes the migration's copy)
    world = advance_to(make_world(), Campaign.Status.SELF_ASSESSMENT)
    page = browser_page
    login(page, world.liaison)
    page.goto(f"/campaigns/packages/{world.target.pk}/self/")
    expect(page.locator("#missing-link")).to_have_attribute("data-missing", "41")
    expect(page.locator("#missing-link")).to_contain_text("还有 41 项未填")
    expect(page.locator("#self-form input[type=file]")).to_have_count(0)  # no picker on every row
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "self-assessment-desk-empty.png"), full_page=False)

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Excel（已填内容）").click()
    blank = tmp_path / "自评表.xlsx"
    download.value.save_as(blank)
    assert openpyxl.load_workbook(blank)["自评表"].max_row == 42

    # one bad row (row 7: 15 on a 0–10 scale): refused, named, nothing saved
    page.locator("#sa-import input[type=file]").set_input_files(str(fill(blank, tmp_path / "bad.xlsx", bad_row=7)))
    page.get_by_role("button", name="从 Excel 填入").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("整份文件没有保存")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr td").nth(1)).to_have_text("7")
    expect(errors).to_contain_text("自评分须在 0 至 10 之间")
    assert not SelfAssessmentItem.objects.filter(assessment__target=world.target, score__isnull=False).exists()
    expect(page.locator("#missing-link")).to_have_attribute("data-missing", "41")

    # the good one: all 41 rows, the marker at zero, every dimension folded with its progress full
    page.locator("#sa-import input[type=file]").set_input_files(str(fill(blank, tmp_path / "good.xlsx")))
    page.get_by_role("button", name="从 Excel 填入").click()
    expect(page.locator(".messages")).to_contain_text("已从 Excel 填入 41 项指标")
    expect(page.locator("#missing-link")).to_have_attribute("data-missing", "0")
    expect(page.locator("#missing-link")).to_have_text("全部指标已填写")
    expect(page.locator(".sa-row.missing")).to_have_count(0)
    expect(page.locator("details.sa-dimension[open]")).to_have_count(0)
    expect(page.locator("#dim-D1 [data-progress]")).to_have_text("已填 5/5")
    assert SelfAssessmentItem.objects.filter(assessment__target=world.target, score__isnull=False).count() == 41

    # a row's files open the page's one picker there
    page.locator("#dim-D1 > summary").click()
    row = page.locator("#ind-D1_02")
    expect(row).to_contain_text("评分标准")
    expect(row).to_contain_text("0–10 分")
    row.locator("details.sa-files > summary").click()
    expect(row.locator("input[type=file]")).to_have_count(1)
    page.screenshot(path=str(SHOTS / "self-assessment-desk.png"), full_page=False)

    phone = chromium.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 375, "height": 667},
                                 is_mobile=True, has_touch=True, device_scale_factor=2)
    small = phone.new_page()
    login(small, world.liaison)
    small.goto(f"/campaigns/packages/{world.target.pk}/self/")
    small.locator("#dim-D2 > summary").click()
    assert small.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scrolling at 375 px"
    small.screenshot(path=str(SHOTS / "self-assessment-375.png"), full_page=False)
    small.locator("#ind-D2_01").scroll_into_view_if_needed()
    small.screenshot(path=str(SHOTS / "self-assessment-375-row.png"), full_page=False)
    phone.close()


def test_the_evaluation_sheet_and_the_form_page_at_desk_width_and_375_px(browser_page, chromium, live_server, tmp_path):
    """The evaluator's sheet (rows to score marked, folded by dimension) and the form page (progress against the
    target, copy link, poster) fit a phone without sideways scrolling; the poster is printed as PNG to look at."""
    import subprocess

    from surveys.models import Form
    from surveys.services import form_create, form_sample_targets_set, satisfaction_form_issue, survey_response_submit

    default_template_ensure()
    world = make_world()
    sheet = form_create(campaign=world.campaign, kind=Form.Kind.EVALUATION_SHEET, actor=world.evaluator)
    satisfaction = satisfaction_form_issue(campaign=world.campaign, actor=world.evaluator)
    link = satisfaction.links.get(target=world.target, window="")
    answers = {q.code: q.choices[0][0] for q in satisfaction.questions.all() if q.choices and q.required}
    for _n in range(9):
        survey_response_submit(link=link, data=answers)
    form_sample_targets_set(form=satisfaction, actor=world.evaluator, default=None, per_unit={world.target.pk: 20})
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone = chromium.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 375, "height": 667},
                                 is_mobile=True, has_touch=True, device_scale_factor=2)
    small = phone.new_page()
    for n, (page, width) in enumerate(((browser_page, "desk"), (small, "375"))):
        login(page, world.evaluator)
        page.goto(f"/surveys/forms/{sheet.pk}/units/{world.target.pk}/sheet/")
        expect(page.locator("#missing-link")).to_contain_text(f"还有 {41 - n} 项未评分")
        page.locator(f"#d1_0{n + 1}").fill("8")
        page.get_by_role("button", name="保存（草稿）").click()
        expect(page.locator("#missing-link")).to_contain_text(f"还有 {40 - n} 项未评分")
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        page.screenshot(path=str(SHOTS / f"evaluation-sheet-{width}.png"), full_page=False)
        page.goto(f"/surveys/forms/{satisfaction.pk}/")
        row = page.locator(f"#target-{world.target.pk}")
        expect(row.locator(".sample-progress")).to_contain_text("9/20")
        expect(row.get_by_role("button", name="复制链接")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], page.evaluate(WIDEST)
        page.locator("#units").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"form-page-{width}.png"), full_page=False)
    with browser_page.expect_download() as download:
        browser_page.locator(f"#target-{world.target.pk}").get_by_role("link", name="海报 PDF").click()
    poster = tmp_path / "poster.pdf"
    download.value.save_as(poster)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(poster), str(SHOTS / "poster")], check=True)
    browser_page.goto(f"/surveys/forms/{satisfaction.pk}/over-time/")
    expect(browser_page.locator("#over-time-table")).to_contain_text("9")
    browser_page.wait_for_timeout(500)  # the chart's first frame
    browser_page.screenshot(path=str(SHOTS / "over-time-desk.png"), full_page=False)
    phone.close()
