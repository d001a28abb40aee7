"""Issue 15, done when: in a real browser (chromium) an official builds a form in the editor with a matrix
question and a show-if rule, previews it at 375 × 667, opens it, fills it on a phone through the public
link, and sees the matrix's stacked chart and a cross-tab in the results; both exports read back with
openpyxl have Chinese headers and a codebook sheet."""

import io
import os
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bianzhi.models import User
from surveys.models import Answer, Export, Form, SurveyResponse
from surveys.services import export_build, form_create, survey_links_issue, survey_response_submit

from ..factories import TEST_PASSWORD, CampaignTargetFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("BIANZHI_SCREENSHOTS", "/tmp/bianzhi-screenshots"))


def shot(page_or_locator, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    kwargs = {"full_page": True} if hasattr(page_or_locator, "goto") else {}
    page_or_locator.screenshot(path=str(SHOTS / f"editor-{name}.png"), **kwargs)


def login(page, user) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#site-menu")).to_be_attached()  # signed in (on a phone its 退出 is folded into the menu)


def test_build_preview_open_fill_on_a_phone_and_read_the_charts(browser_page, phone_page):
    evaluator = UserFactory(role=User.Role.EVALUATOR, first_name="王评估")
    target = CampaignTargetFactory(unit__name="临川市问卷局")
    form = form_create(campaign=target.campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    survey_links_issue(form=form, actor=evaluator)
    token = form.links.get(window="").token
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(evaluator.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"/surveys/forms/{form.pk}/")
    page.locator("#open-editor").click()
    expect(page.locator(".q-card")).to_have_count(10)

    # keep the first default question (您的身份是), remove the other nine
    for _i in range(9):
        page.locator(".q-card").nth(1).locator(".q-remove").click()
    expect(page.locator(".q-card")).to_have_count(1)

    # a single choice whose options are rows: label and points
    page.locator('[data-add="single_choice"]').click()
    page.locator("#q-q1-text").fill("您是否到窗口办过事？")
    page.locator("#q1-o-0-label").fill("是")
    page.locator("#q1-o-1-label").fill("否")
    page.locator("#q1-o-0-points").fill("1")

    # a matrix: rows × one scale, each row tagged to the tree
    page.locator('[data-add="matrix"]').click()
    page.locator("#q-q2-text").fill("请评价该单位以下方面：")
    page.locator("#q2-r-0-label").fill("职能配置")
    page.locator("#q2-r-0-tag").select_option(label="职能配置（整个维度）")
    page.locator("#card-q2 .add-row").click()
    page.locator("#q2-r-1-label").fill("履职尽责")
    page.locator("#q2-r-1-tag").select_option(label="社会公众和服务对象满意度")

    # a follow-up shown only when the first question is answered 是
    page.locator('[data-add="long_text"]').click()
    page.locator("#q-q3-text").fill("请说说您办事的经历：")
    page.locator("#card-q3 .q-required").uncheck()
    page.locator("#card-q3 .add-condition").click()
    page.locator("#card-q3 .cond-question").select_option("q1")
    page.locator("#card-q3 .cond-values").get_by_label("是").check()

    # reorder with the buttons (keyboard, phone), duplicate, remove the copy
    page.locator("#card-q3 .q-up").click()
    expect(page.locator(".q-card").nth(2)).to_have_id("card-q3")
    page.locator("#card-q3 .q-down").click()
    expect(page.locator(".q-card").nth(3)).to_have_id("card-q3")
    page.locator("#card-q1 .q-copy").click()
    expect(page.locator(".q-card")).to_have_count(5)
    page.locator(".q-card").nth(2).locator(".q-remove").click()
    expect(page.locator(".q-card")).to_have_count(4)

    # the live preview is the real public page: the matrix is there, the follow-up waits for its answer
    frame = page.frame_locator("#preview-frame")
    expect(frame.get_by_text("履职尽责")).to_be_visible()
    expect(frame.get_by_text("请说说您办事的经历")).to_be_hidden()
    frame.locator("#q1-o1").check()
    expect(frame.get_by_text("请说说您办事的经历")).to_be_visible()
    box = page.locator("#preview-frame").bounding_box()
    assert (round(box["width"]), round(box["height"])) == (395, 687)  # 375 × 667 inside a 10 px frame
    assert frame.locator("html").evaluate("e => e.scrollWidth") <= 375
    shot(page, "desk")
    page.locator("#card-q3 .q-toggle").click()  # the follow-up's card open: its show-if
    shot(page, "desk-show-if")
    page.locator("#card-q2 .q-toggle").click()  # the matrix's card open: scale rows, matrix rows and their tags
    shot(page, "desk-matrix")
    shot(page.locator("#preview-frame"), "preview-375")
    page.get_by_role("button", name="保存题目").click()
    expect(page.get_by_text("题目已保存")).to_be_visible()
    page.get_by_role("button", name="保存题目").click()  # saved again unchanged: nothing written, nothing recorded
    expect(page.get_by_text("题目已保存")).to_be_visible()
    assert form.campaign.events.filter(type="form_edited").count() == 1
    form.refresh_from_db()
    assert [q.type for q in form.questions.all()] == ["single_choice", "single_choice", "matrix", "long_text"]
    assert form.questions.get(code="q3").show_if == [{"question": "q1", "values": ["o1"]}]
    assert [r["indicator"] or r["dimension"] for r in form.questions.get(code="q2").rows] == ["D1", "D6_08"]

    # open it: the schedule starts now, and the editor locks
    page.goto(f"/surveys/forms/{form.pk}/")
    opens = timezone.localtime(timezone.now() - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#id_opens_at").fill(opens)
    page.get_by_role("button", name="保存填报时间").click()
    expect(page.get_by_text("填报时间已保存")).to_be_visible()
    page.goto(f"/surveys/forms/{form.pk}/editor/")
    expect(page.locator("#editor-locked")).to_be_visible()
    expect(page.locator("#save-btn")).to_have_count(0)

    # a phone fills it through the unit's public link
    phone = phone_page
    phone.goto(f"/f/{token}/")
    expect(phone.get_by_text("临川市问卷局")).to_be_visible()
    expect(phone.get_by_text("请说说您办事的经历")).to_be_hidden()
    phone.locator("label[for='respondent-staff']").tap()
    phone.locator("label[for='q1-o1']").tap()
    expect(phone.get_by_text("请说说您办事的经历")).to_be_visible()
    phone.locator("label[for='q2__r1-o1']").tap()
    phone.locator("label[for='q2__r2-o2']").tap()
    phone.locator("#q3").fill("窗口排队时间较长")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    shot(phone, "public-375")
    phone.get_by_role("button", name="提交").tap()
    expect(phone.get_by_text("感谢", exact=False).first).to_be_visible()
    answer = Answer.objects.get(question__code="q2")
    assert answer.choices == {"r1": "o1", "r2": "o2"}
    assert Answer.objects.get(question__code="q3").text == "窗口排队时间较长"

    # three more people answer (each on their own device)
    form.refresh_from_db()
    link = form.links.get(window="")
    for respondent, visited, r1, r2 in (("staff", "o2", "o2", "o3"), ("related_unit", "o1", "o1", "o1"),
                                        ("other", "o2", "o3", "o3")):
        survey_response_submit(link=link, data={"respondent": respondent, "q1": visited, "q2__r1": r1, "q2__r2": r2})
    assert SurveyResponse.objects.filter(form=form).count() == 4

    # results: the matrix as a stacked bar, the others as pies, and a cross-tab by the first question
    page.goto(f"/surveys/forms/{form.pk}/")
    page.get_by_role("link", name="逐题分析（图表、交叉分析）").click()
    matrix_card = page.locator(".result-card", has_text="请评价该单位以下方面")
    expect(matrix_card.locator("canvas")).to_have_count(1)
    option = matrix_card.locator(".chart").evaluate(
        "el => { const o = echarts.getInstanceByDom(el).getOption();"
        " return {stacks: o.series.map(s => s.stack), names: o.series.map(s => s.name), rows: o.yAxis[0].data}; }")
    assert option == {"stacks": ["all"] * 3, "names": ["满意", "基本满意", "不满意"], "rows": ["职能配置", "履职尽责"]}
    expect(matrix_card.locator("table")).to_contain_text("2（50.0%）")
    page.get_by_label("交叉分析：按此题分组").select_option(label="您是否到窗口办过事？")
    page.get_by_role("button", name="筛选").click()
    respondent_card = page.locator(".result-card", has_text="您的身份是")
    expect(respondent_card.locator(".cross-table")).to_be_visible()
    expect(respondent_card.locator(".cross-table tbody tr").first).to_contain_text("是")
    expect(respondent_card.locator(".cross-table tbody tr").first).to_contain_text("1（50.0%）")
    expect(respondent_card.locator(".cross-chart canvas")).to_have_count(1)
    shot(page, "results")
    with page.expect_download() as png:
        matrix_card.locator(".png-button").click()
    assert Path(png.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # the results' xlsx: Chinese headers; codes only in the codebook sheet
    with page.expect_download() as download:
        page.locator("#export-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == ["统计", "编码说明"]
    stats = [[c for c in row if c is not None] for row in book["统计"].iter_rows(values_only=True)]
    assert stats[0] == ["题号", "题目", "选项或分组", "人数", "比例"]
    assert ["", "职能配置", "2（50.0%）", "1（25.0%）", "1（25.0%）"] in [[c or "" for c in r] for r in book["统计"].iter_rows(values_only=True) if r[1] == "职能配置"]
    cells = {c for row in book["统计"].iter_rows(values_only=True) for c in row}
    assert not cells & {"q1", "q2", "o1", "r1", "respondent", "staff"}
    codes = [row for row in book["编码说明"].iter_rows(values_only=True)]
    assert codes[0] == ("题号", "题目", "题目编码", "选项或行", "编码") and ("履职尽责", "r2") in {r[3:] for r in codes}

    # the answers' export (a job): Chinese headers, labels, a codebook sheet
    export = export_build(export_id=Export.objects.create(form=form, format="xlsx").pk)
    answers = openpyxl.load_workbook(io.BytesIO(export.file.read()))
    assert answers.sheetnames == ["答卷", "编码说明"]
    header = [c.value for c in answers["答卷"][1]]
    assert "3. 请评价该单位以下方面：：职能配置" in header and "1. 您的身份是：" in header
    assert not set(header) & {"q1", "q2", "respondent", "respondent_label"}


def test_reorder_by_drag_and_the_office_pages_fit_a_phone(browser_page, phone_page):
    evaluator = UserFactory(role=User.Role.EVALUATOR, first_name="李评估")
    target = CampaignTargetFactory(unit__name="临川市拖动局")
    form = form_create(campaign=target.campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    page = browser_page
    login(page, evaluator)
    page.goto(f"/surveys/forms/{form.pk}/editor/")
    page.locator("#card-quota_fit .drag-handle").drag_to(page.locator("#card-respondent"))
    expect(page.locator(".q-card").first).to_have_id("card-quota_fit")
    page.get_by_role("button", name="保存题目").click()
    expect(page.get_by_text("题目已保存")).to_be_visible()
    assert list(form.questions.order_by("position").values_list("code", flat=True))[:2] == ["quota_fit", "respondent"]

    phone = phone_page
    login(phone, evaluator)
    for name, url in (("editor", f"/surveys/forms/{form.pk}/editor/"), ("analysis", f"/surveys/forms/{form.pk}/analysis/")):
        phone.goto(url)
        if name == "editor":
            phone.locator("#card-problems .q-toggle").tap()  # an open card: options as rows, show-if
            expect(phone.locator("#card-problems .options-editor").first).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375, name
        shot(phone, f"{name}-375")
