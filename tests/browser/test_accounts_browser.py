"""Accounts in a real browser (issue 17): the administrator creates the liaison accounts of a campaign's units
in one step and prints their one-time codes; a liaison signs in with a code and sets a password; the
security audit shows it."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bianzhi.models import User

from ..conftest import ARTIFACTS
from ..factories import TEST_PASSWORD, CampaignFactory, CampaignTargetFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Qingshan2026lake"


def login(page, username, password=TEST_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def shot(page, name: str) -> None:
    if os.environ.get("SCREENSHOTS"):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(ARTIFACTS) / f"{name}.png"), full_page=True)


def test_admin_creates_liaisons_in_one_step_and_a_liaison_signs_in_with_a_code(browser_page, chromium, live_server):
    page = browser_page
    campaign = CampaignFactory(name="2026 年度评估")
    for code, name in (("M201", "临川市审计局"), ("M202", "临川市水利局"), ("M203", "临川市文旅局")):
        CampaignTargetFactory(campaign=campaign, unit=UnitFactory(code=code, name=name))
    admin = UserFactory(role=User.Role.ADMIN, first_name="系统管理员")
    login(page, admin.username)

    page.get_by_role("navigation").get_by_role("link", name="账号管理").click()
    expect(page.get_by_role("heading", name="账号管理")).to_be_visible()
    shot(page, "accounts-list-desk")
    form = page.locator("#scope-liaisons")
    form.get_by_label("单位范围").select_option(label="评估活动：2026 2026 年度评估")
    form.get_by_label("打印").check()
    form.get_by_role("button", name="创建账号并生成登录码").click()

    slips = page.locator(".code-slip")
    expect(slips).to_have_count(3)
    expect(page.locator("#codes")).to_contain_text("临川市水利局")
    shot(page, "accounts-codes-desk")
    slip = page.locator('.code-slip[data-username="liaison_m202"]')
    code = slip.locator(".code").inner_text().strip()
    assert len(code) == 14

    # the liaison, on their own phone: the code, then their own password
    phone = chromium.new_context(locale="zh-CN", base_url=live_server.url, viewport={"width": 375, "height": 667},
                                 is_mobile=True, has_touch=True)
    try:
        liaison = phone.new_page()
        liaison.set_default_timeout(15_000)
        liaison.goto("/accounts/login/")
        liaison.get_by_role("link", name="使用一次性登录码登录").click()
        liaison.get_by_label("用户名").fill("LIAISON_M202")  # as printed, any case
        liaison.get_by_label("一次性登录码").fill(code)
        shot(liaison, "accounts-code-login-phone")
        liaison.get_by_role("button", name="登录").click()
        expect(liaison.get_by_role("heading", name="设置新密码")).to_be_visible()
        shot(liaison, "accounts-password-phone")
        liaison.goto("/")  # any page leads back to the password first
        expect(liaison.get_by_role("heading", name="设置新密码")).to_be_visible()
        liaison.get_by_label("新密码", exact=True).fill("short1")
        liaison.get_by_label("再次输入新密码").fill("short1")
        liaison.get_by_role("button", name="保存新密码").click()
        expect(liaison.locator("main form")).to_contain_text("至少 10 个字符")
        liaison.get_by_label("新密码", exact=True).fill(NEW_PASSWORD)
        liaison.get_by_label("再次输入新密码").fill(NEW_PASSWORD)
        liaison.get_by_role("button", name="保存新密码").click()
        expect(liaison.locator(".messages")).to_contain_text("密码已设置")
        expect(liaison.locator("header .who")).to_contain_text("部门填报员")
    finally:
        phone.close()

    # the administrator reads it in the security audit
    page.get_by_role("navigation").get_by_role("link", name="安全审计").click()
    page.get_by_label("用户名").fill("liaison_m202")
    page.get_by_role("button", name="查询").click()
    table = page.locator("#audit-table")
    expect(table).to_contain_text("使用一次性登录码登录")
    expect(table).to_contain_text("修改密码")
    expect(table).to_contain_text("创建账号")
    expect(table.locator('tr[data-kind="login_code"]')).to_have_count(1)
    shot(page, "accounts-audit-desk")
    assert User.objects.get(username="liaison_m202").check_password(NEW_PASSWORD)
