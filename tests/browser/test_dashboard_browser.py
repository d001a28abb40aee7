"""The leaders' dashboard in a real browser, on a phone (375×667) and a meeting-room screen (1920×1080); and
every office and leader page at 375 px without sideways scrolling."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from bianzhi.models import User
from evaluations.models import Campaign

from ..factories import TEST_PASSWORD, UnitFactory, UserFactory
from ..reports.dashboard_data import stored_campaign
from ..test_url_permissions import site  # noqa: F401 (the fixture of the URL walk)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}
DESK = {"viewport": {"width": 1920, "height": 1080}}
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


def open_page(chromium, live_server, options):
    context = chromium.new_context(locale="zh-CN", base_url=live_server.url, accept_downloads=True, **options)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def sign_in(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_leader_picks_last_year_sees_the_ranking_a_units_radar_year_over_year_and_exports_the_heat_map(
        chromium, live_server, screen):
    leader = UserFactory(role=User.Role.LEADER, first_name="李主任")
    units = [UnitFactory(name=name) for name in ("临川市教育局", "临川市财政局", "临川市审计局", "临川市统计局")]
    stored_campaign(units=units, year=2024, status=Campaign.Status.CLOSED, name="2024年评估",
                    score=lambda i, d: [88, 82, 75, 58][i])
    stored_campaign(units=units, year=2025, status=Campaign.Status.CLOSED, name="2025年评估",
                    score=lambda i, d: [93, 78, 81, 62][i] + d % 3)
    stored_campaign(units=units[:3], year=2026, name="2026年评估")
    context, page = open_page(chromium, live_server, PHONE if screen == "phone" else DESK)
    try:
        sign_in(page, leader)
        expect(page.get_by_role("heading", name="领导看板")).to_be_visible()  # the leader's landing page
        assert page.evaluate(NO_OVERFLOW)
        # last year's campaign: compared with the year before by default
        page.get_by_label("评估活动", exact=True).select_option(label="2025 年 · 2025年评估")
        page.get_by_role("button", name="查看").click()
        expect(page.get_by_text("2025 年 · 2025年评估 · 当前阶段")).to_be_visible()
        ranking = page.locator("#ranking-table")
        expect(ranking.locator("tbody tr").first).to_contain_text("临川市教育局")
        expect(ranking.locator("tbody tr").first.locator("td").first).to_have_text("1")
        assert page.evaluate(NO_OVERFLOW)
        # a unit's radar against the city's average
        ranking.get_by_role("button", name="临川市审计局").click()
        expect(page.locator("#radar-unit")).to_have_value("1")
        legend = page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-radar')).getOption().legend[0].data")
        assert legend == ["全市平均", "临川市审计局"]
        # year over year
        page.get_by_role("link", name="年度对比").click()
        yoy = page.locator("#yoy")
        expect(yoy).to_contain_text("2024 年与 2025 年均参加评估的单位 4 个")
        expect(yoy).to_contain_text("临川市财政局：良好 → 一般")
        # the heat map's table, as xlsx
        heat = page.locator("#card-heatmap")
        with page.expect_download() as download:
            heat.get_by_role("link", name="导出 Excel").click()
        rows = list(load_workbook(BytesIO(open(download.value.path(), "rb").read())).active.values)
        assert rows[0][:2] == ("单位", "职能配置") and {r[0] for r in rows[1:]} == {u.name for u in units}
        # and a chart as a picture
        with page.expect_download() as download:
            page.locator("#card-radar").get_by_role("button", name="下载图片").click()
        assert open(download.value.path(), "rb").read()[:4] == b"\x89PNG"
        # the table view under a chart
        page.locator("#card-grades").get_by_role("button", name="表格").click()
        expect(page.locator("#table-grades")).to_contain_text("全部单位")
        # full screen for the meeting room: no header, nothing wider than the screen
        page.get_by_role("button", name="全屏展示").click()
        expect(page.locator("header.top")).to_be_hidden()
        assert page.evaluate(NO_OVERFLOW)
        page.screenshot(path=f"/tmp/dashboard-{screen}-fullscreen.png")
        page.get_by_role("button", name="退出全屏").click()
        expect(page.locator("header.top")).to_be_visible()
    finally:
        context.close()


def test_the_header_folds_into_a_menu_on_a_phone(chromium, live_server):
    leader = UserFactory(role=User.Role.LEADER)
    context, page = open_page(chromium, live_server, PHONE)
    try:
        sign_in(page, leader)
        expect(page.get_by_role("link", name="评估覆盖").first).to_be_hidden()
        page.wait_for_load_state("load")  # the menu's script is in place
        page.get_by_role("button", name="菜单").tap()
        expect(page.locator("header.top").get_by_role("link", name="评估覆盖")).to_be_visible()
        assert page.evaluate(NO_OVERFLOW)
    finally:
        context.close()


@pytest.mark.parametrize("screen", ["phone", "desk"])
def test_every_office_and_leader_page_fits_a_phone_and_a_desk(chromium, live_server, site, screen):  # noqa: F811
    """Each page the URL rules list (GET, HTML) as the evaluator, then the leader: no sideways scrolling at
    375 px nor at 1920 px (the campaign page, the results pages and the dashboard among them)."""
    from ..test_url_permissions import RULES, all_urls, as_user, url_for

    world, objects, keys, token = site
    wide, seen = [], set()
    checked = 0
    for user in (world.evaluator, world.leader):
        client = as_user(user)
        context, page = open_page(chromium, live_server, PHONE if screen == "phone" else DESK)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
        try:
            for name, params, _route in all_urls():
                rule = RULES.get(name)
                if rule is None or rule.public or not rule.get or name.startswith(("admin:", "api", "schema")) or "-" in name:
                    continue
                url, _owner = url_for(name, params, objects, keys, token)
                answer = client.get(url)
                if answer.status_code != 200 or not answer["Content-Type"].startswith("text/html"):
                    continue
                page.goto(url)
                page.wait_for_load_state("load")
                checked += 1
                seen.add(name)
                sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                if sizes[0] > sizes[1]:
                    wide.append((user.get_role_display(), name, url, sizes))
        finally:
            context.close()
    assert checked > 40, checked
    assert {"evaluations:campaign_detail", "scoring:results", "reports:dashboard"} <= seen
    assert not wide, wide
