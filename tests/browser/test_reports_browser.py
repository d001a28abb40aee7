"""One unit, in chromium, from its stored result to its signed report and files rendered by a real worker
process, then the campaign's summary: the PDF (pdftotext) and the Word file (python-docx) say the unit's name,
its final score, the field visit's problem and the 整改意见."""

import subprocess

import pytest
from docx import Document
from playwright.sync_api import expect

from reports.models import Report, ReportVersion, SummaryReport

from ..evaluations.conftest import make_world
from ..factories import TEST_PASSWORD
from ..reports.conftest import PROBLEM, walk_to_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUGGESTION = "限期更正门牌，三个月内报送整改情况"


def flat(text: str) -> str:
    return text.replace(" ", "").replace("\n", "")


def test_a_unit_report_is_written_signed_rendered_by_a_worker_and_summarised(browser_page, celery_worker_process,
                                                                              tmp_path):
    world = walk_to_report(make_world())
    target = world.target
    page = browser_page
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(world.evaluator.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()

    # 撰写报告: the figures are filled in from the stored result; the team writes the three sections
    page.goto(f"/campaigns/{world.campaign.pk}/")
    page.locator(f"#target-{target.pk}").get_by_role("link", name="撰写报告").click()
    expect(page.locator(".report-facts")).to_contain_text(PROBLEM)
    total = page.locator(".report-total").inner_text()
    page.get_by_label("主要成效").fill("严格执行三定规定。")
    page.get_by_label("存在问题").fill("个别内设机构名称与三定不符。")
    page.get_by_label("整改意见").fill(SUGGESTION)
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator("body")).to_contain_text("报告已保存")
    page.screenshot(path=str(tmp_path / "draft.png"), full_page=True)

    # the lead signs, with a confirmation; the worker renders the PDF and the Word file; the page follows
    assert page.get_by_label("我已核对报告的全部内容").get_attribute("required") is not None  # no signing unconfirmed
    page.get_by_label("我已核对报告的全部内容").check()
    page.get_by_role("button", name="签署第 1 版").click()
    expect(page.locator("body")).to_contain_text("报告已签署")
    files = page.locator("#files")
    expect(files.get_by_role("link", name="下载")).to_have_count(2, timeout=90_000)
    assert ReportVersion.objects.get(target=target).is_signed
    with page.expect_download() as pdf_download:
        files.get_by_role("link", name="下载").nth(0).click()
    with page.expect_download() as docx_download:
        files.get_by_role("link", name="下载").nth(1).click()
    pdf_path, docx_path = tmp_path / "report.pdf", tmp_path / "report.docx"
    pdf_download.value.save_as(pdf_path)
    docx_download.value.save_as(docx_path)
    log = celery_worker_process.log_text()
    assert log.count("bianzhi.jobs.run") >= 2 and "succeeded" in log  # rendered by the worker process
    assert all(r.attempts == 1 for r in Report.objects.filter(target=target))

    pdf_text = flat(subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, check=True).stdout.decode())
    document = Document(str(docx_path))
    docx_text = flat("\n".join([p.text for p in document.paragraphs]
                               + [c.text for t in document.tables for row in t.rows for c in row.cells]))
    for text in (pdf_text, docx_text):
        assert target.unit.name in text and total in text and PROBLEM in text and SUGGESTION in text

    # 总结汇报: the office writes its suggestions and asks for the summary; the worker renders it with progress
    page.goto(f"/reports/campaigns/{world.campaign.pk}/")
    page.get_by_label("工作建议").fill("建立评估结果运用长效机制。")
    page.get_by_role("button", name="保存工作建议").click()
    expect(page.locator("body")).to_contain_text("工作建议已保存")
    page.get_by_role("button", name="生成总结报告").click()
    summary = page.locator("#summary")
    expect(summary.get_by_role("link", name="下载")).to_have_count(2, timeout=90_000)
    page.screenshot(path=str(tmp_path / "campaign-reports.png"), full_page=True)
    with page.expect_download() as summary_download:
        summary.get_by_role("link", name="下载").nth(0).click()
    summary_path = tmp_path / "summary.pdf"
    summary_download.value.save_as(summary_path)
    text = flat(subprocess.run(["pdftotext", str(summary_path), "-"], capture_output=True, check=True).stdout.decode())
    assert target.unit.name in text and "建立评估结果运用长效机制" in text and PROBLEM in text
    assert SummaryReport.objects.filter(campaign=world.campaign, status=SummaryReport.Status.READY).count() == 2

    # and at 375 px the page does not scroll sideways
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/reports/targets/{target.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path="/tmp/h13-report-375.png", full_page=True)
