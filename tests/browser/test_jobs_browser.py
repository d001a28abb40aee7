"""A job's status on a page, in a real browser: polling follows a report until it fails, then stops with the
Chinese message; 重新生成 queues a fresh attempt whose download link appears without a reload."""

import time
from unittest.mock import patch

import pytest
from playwright.sync_api import expect

from bianzhi.jobs import JobStatus
from reports.models import Report

from ..factories import TEST_PASSWORD, CampaignTargetFactory, QuotaFactory, UserFactory
from ..reports.helpers import signed_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_polling_stops_with_the_message_when_a_report_fails_and_a_retry_succeeds(browser_page, tmp_path):
    target = CampaignTargetFactory(unit__name="临川市轮询局")
    QuotaFactory(unit=target.unit, approved=10, actual=9)
    evaluator = UserFactory(role="evaluator")
    version = signed_report(target, evaluator)  # files are rendered from the signed report
    report = Report.objects.create(target=target, requested_by=evaluator, version=version)  # queued: the page polls it
    page = browser_page
    status_calls = []
    page.on("request", lambda request: "/status/" in request.url and status_calls.append(time.monotonic()))
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(evaluator.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"/campaigns/{target.campaign_id}/")
    cell = page.locator(f"#target-{target.pk} .report-cell")
    expect(cell.locator(".job-label")).to_contain_text("排队中")
    while not status_calls:
        page.wait_for_timeout(200)

    # the worker fails it: the page shows why and stops asking
    Report.objects.filter(pk=report.pk).update(status=JobStatus.FAILED, error="生成失败（系统错误：OSError: no font），请重新生成")
    expect(cell.locator(".job-message")).to_contain_text("生成失败（系统错误：OSError: no font）")
    page.wait_for_timeout(500)
    calls = len(status_calls)
    page.wait_for_timeout(3500)
    assert len(status_calls) == calls, "the page kept polling a failed job"
    page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)

    # 重新生成: a fresh attempt (tasks run in-process here), its link appears in place
    with patch("reports.services.weasyprint.HTML", side_effect=OSError("still no font")):
        cell.get_by_role("button", name="重新生成").click()
        expect(cell.locator(".job-message")).to_contain_text("still no font")
    cell.get_by_role("button", name="重新生成").click()
    expect(cell.get_by_role("link", name="下载 PDF")).to_be_visible()
    report.refresh_from_db()
    assert report.is_ready and report.attempts == 1 and report.version == version
