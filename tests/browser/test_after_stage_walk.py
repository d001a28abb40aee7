"""The whole after stage for one unit, in chromium with a real worker process: from its signed evaluation
sheet and stored result through report writing and signing, feedback, an appeal on two indicators (one upheld,
one adjusted by a reviewer outside the unit's team), the new result version and its newly signed report, a
整改 item reported and verified, to the summary report. The unit's final PDF (pdftotext) and Word file
(python-docx) carry the unit's name, the final score, the adjusted indicator, the problem and the 整改意见."""

import subprocess

import pytest
from docx import Document
from playwright.sync_api import expect

from bianzhi.models import User
from evaluations.models import Campaign
from reports.followup.models import Feedback, RectificationItem
from reports.models import ReportVersion
from scoring.models import ResultVersion

from ..evaluations.conftest import PNG, advance_to, make_world
from ..factories import UserFactory
from ..reports.conftest import PROBLEM, walk_to_report
from ..reports.helpers import reports_signed
from .test_registry_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUGGESTION = "限期更正门牌，三个月内报送整改情况"


def flat(text: str) -> str:
    return text.replace(" ", "").replace("\n", "")


def pdf_words(path) -> str:
    return flat(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout.decode())


def docx_words(path) -> str:
    document = Document(str(path))
    return flat("\n".join([p.text for p in document.paragraphs]
                          + [c.text for t in document.tables for row in t.rows for c in row.cells]))


def sign_on_the_page(page, target, number: int) -> None:
    page.goto(f"/reports/targets/{target.pk}/")
    page.get_by_label("我已核对报告的全部内容").check()
    page.get_by_role("button", name=f"签署第 {number} 版").click()
    expect(page.locator("body")).to_contain_text("报告已签署")


def download_files(page, target, tmp_path, number: int):
    page.goto(f"/reports/targets/{target.pk}/")
    files = page.locator("#files")
    expect(files.get_by_role("link", name="下载")).to_have_count(2, timeout=120_000)
    paths = []
    for n, suffix in enumerate(("pdf", "docx")):
        with page.expect_download() as download:
            files.get_by_role("link", name="下载").nth(n).click()
        path = tmp_path / f"report-v{number}.{suffix}"
        download.value.save_as(path)
        paths.append(path)
    return paths


def test_one_unit_through_the_whole_after_stage(browser_page, celery_worker_process, tmp_path):
    world = walk_to_report(make_world())
    target, page = world.target, browser_page
    reviewer = UserFactory(role=User.Role.REVIEWER, last_name="", first_name="赵复核")

    # 撰写报告: the team writes the three sections over the stored figures; the lead signs version 1
    login(page, world.evaluator)
    page.goto(f"/reports/targets/{target.pk}/")
    expect(page.locator(".report-facts")).to_contain_text(PROBLEM)
    page.get_by_label("主要成效").fill("严格执行三定规定。")
    page.get_by_label("存在问题").fill("个别内设机构名称与三定不符。")
    page.get_by_label("整改意见").fill(SUGGESTION)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("body")).to_contain_text("报告已保存")
    sign_on_the_page(page, target, 1)
    reports_signed(world.campaign, world.evaluator)  # the other unit's report, written directly
    advance_to(world, Campaign.Status.FEEDBACK)

    # 反馈结果: the office feeds back both units in one step
    page.goto(f"/followup/campaigns/{world.campaign.pk}/")
    form = page.locator("#feedback-form")
    form.get_by_label("确认向所选单位反馈评估结果").check()
    form.get_by_role("button", name="反馈结果").click()
    expect(page.locator(".messages")).to_contain_text("已向 2 个单位反馈评估结果")
    advance_to(world, Campaign.Status.REVIEW)  # opens the appeal windows
    page.context.clear_cookies()

    # 评估复核: the liaison contests two indicators, one with a file
    version = ResultVersion.objects.get(target=target)
    upheld, adjusted = sorted(version.indicators)[:2]
    full = version.indicators[adjusted]["full"]
    new_points = 0 if version.indicators[adjusted]["points"] == full else full
    adjusted_name = version.indicators[adjusted]["name"]
    login(page, world.liaison)
    page.goto(f"/followup/units/{target.pk}/")
    expect(page.locator("body")).to_contain_text(SUGGESTION)  # the signed 整改意见, once fed back
    page.locator("#appeal-link").click()
    for code, reason in ((upheld, "台账数字有误"), (adjusted, "已提交补充材料")):
        page.locator(f'input[name="codes"][value="{code}"]').check()
        page.locator(f"#reason-{code}").fill(reason)
    page.locator(f'input[name="files_{adjusted}"]').set_input_files(
        files=[{"name": "补充材料.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_label("确认提交复核申请").check()
    page.get_by_role("button", name="提交复核申请").click()
    expect(page.locator(".messages")).to_contain_text("复核申请已提交")
    page.context.clear_cookies()

    login(page, world.evaluator)
    page.goto(f"/followup/campaigns/{world.campaign.pk}/")
    page.locator(f"#unit-{target.pk}").get_by_role("link", name="待指定复核人员").click()
    page.get_by_label("复核人员").select_option(label="赵复核")
    page.get_by_role("button", name="指定").click()
    appeal_url = page.url
    page.context.clear_cookies()

    login(page, reviewer)
    page.goto(appeal_url)
    item = page.locator(f"#appeal-item-{upheld}")
    item.get_by_label("维持").check()
    item.get_by_label("理由").fill("依据台账，维持原分")
    item.get_by_role("button", name="作出决定").click()
    item = page.locator(f"#appeal-item-{adjusted}")
    item.get_by_label("调整", exact=True).check()
    item.get_by_label("调整后得分").fill(str(new_points))
    item.get_by_label("理由").fill("补充材料证明已落实")
    item.get_by_role("button", name="作出决定").click()
    expect(page.locator(f"#appeal-item-{adjusted}")).to_contain_text("调整为")
    page.context.clear_cookies()
    final = ResultVersion.objects.filter(target=target).order_by("-version").first()
    assert final.version == 2 and final.indicators[adjusted]["points"] == new_points
    assert ReportVersion.objects.filter(target=target).order_by("-number").first().number == 2  # to sign again

    # the lead signs version 2 (the written sections carried over); the worker renders its files
    login(page, world.evaluator)
    sign_on_the_page(page, target, 2)
    pdf_path, docx_path = download_files(page, target, tmp_path, 2)

    # the office locks the results, makes a 整改 item from the problem list; the liaison reports; it is verified
    page.goto(f"/followup/campaigns/{world.campaign.pk}/")
    form = page.locator("#finalize-form")
    form.get_by_label("确认将所选单位的评估结果定稿").check()
    form.get_by_role("button", name="定稿").click()
    expect(page.locator(f"#unit-{target.pk}")).to_contain_text("已定稿（第 2 版）")
    assert Feedback.objects.get(target=target).final_version == 2
    page.get_by_role("link", name="整改进度").first.click()
    form = page.locator("#candidates-form")
    form.get_by_label(PROBLEM).first.check()
    form.get_by_label("确认为所选各项新建整改事项").check()
    form.get_by_role("button", name="新建整改事项").click()
    expect(page.locator(".messages")).to_contain_text("已新建")
    page.context.clear_cookies()
    login(page, world.liaison)
    page.goto(f"/followup/units/{target.pk}/")
    card = page.locator(".card", has_text=PROBLEM).last
    card.get_by_label("整改情况").fill("已按三定规定更换全部门牌")
    card.get_by_role("button", name="报送整改情况").click()
    expect(page.locator(".messages")).to_contain_text("整改情况已报送")
    page.context.clear_cookies()
    login(page, world.evaluator)
    page.goto(f"/followup/units/{target.pk}/")
    card = page.locator(".card", has_text="已按三定规定更换全部门牌")
    card.get_by_label("核实通过，办结").check()
    card.get_by_role("button", name="提交核实结果").click()
    assert RectificationItem.objects.get(target=target).status == "closed"

    # 总结汇报: the summary report, rendered by the worker
    world.campaign.refresh_from_db()
    advance_to(world, Campaign.Status.SUMMARY)
    page.goto(f"/reports/campaigns/{world.campaign.pk}/")
    page.get_by_label("工作建议").fill("建立评估结果运用长效机制。")
    page.get_by_role("button", name="保存工作建议").click()
    page.get_by_role("button", name="生成总结报告").click()
    summary = page.locator("#summary")
    expect(summary.get_by_role("link", name="下载")).to_have_count(2, timeout=120_000)
    with page.expect_download() as summary_download:
        summary.get_by_role("link", name="下载").nth(0).click()
    summary_path = tmp_path / "summary.pdf"
    summary_download.value.save_as(summary_path)

    total = f"{final.total:.1f}"
    for text in (pdf_words(pdf_path), docx_words(docx_path)):
        assert target.unit.name in text and total in text and adjusted_name in text
        assert PROBLEM in text and SUGGESTION in text
    summary_text = pdf_words(summary_path)
    assert target.unit.name in summary_text and "建立评估结果运用长效机制" in summary_text and "整改" in summary_text
