"""AHP in a real browser: three experts judge a campaign's tree through their links (live feedback), the
evaluator aggregates and freezes the weights, and an edit afterwards is refused."""

import pytest
from playwright.sync_api import expect

from bianzhi.models import User
from scoring import services
from scoring.models import Judgement, WeightFreeze

from ..factories import TEST_PASSWORD, UserFactory, campaign_tree_factory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# (matrix page, {select id: answer}) per expert; the third expert's dimensions are inconsistent at first
CONSISTENT = {"root": {"p0_1": "3", "p0_2": "5", "p1_2": "2"}, "D1": {"p0_1": "2", "p0_2": "4", "p1_2": "2"},
              "D2": {"p0_1": "-3"}}


def small_tree(evaluator):
    """The default tree trimmed to 3 dimensions (3, 2 and 1 indicators): 3 pages of judgements per expert."""
    tree = campaign_tree_factory(actor=evaluator)
    for code in ("D4", "D5", "D6", "D7", "D8"):
        services.dimension_remove(dimension=tree.dimensions.get(code=code), actor=evaluator)
    for code in ("D1_04", "D1_05", "D3_02", "D3_03", "D3_04", "D3_05"):
        services.indicator_remove(indicator=tree.indicators.get(code=code), actor=evaluator)
    return tree


def judge(page, url, node, answers):
    page.goto(f"{url}{node}/")
    for select, value in answers.items():
        page.select_option(f"#{select}", value)
    expect(page.locator("#feedback")).to_contain_text("CR =")  # live, before saving
    page.get_by_role("button", name="保存判断").click()
    expect(page.get_by_text("判断已保存")).to_be_visible()


def test_three_experts_judge_the_evaluator_freezes_then_edits_are_refused(browser_page, phone_page):
    evaluator = UserFactory(role=User.Role.EVALUATOR, first_name="王评估")
    tree = small_tree(evaluator)
    page = browser_page
    page.goto("/")
    page.get_by_label("用户名").fill(evaluator.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"/campaigns/{tree.campaign_id}/")
    page.get_by_role("link", name="专家判断与权重集结").click()
    for name in ("张教授", "李处长", "王研究员"):
        page.get_by_label("专家姓名").fill(name)
        page.get_by_role("button", name="邀请专家（生成专属链接）").click()
        expect(page.get_by_text("已邀请专家")).to_be_visible()
    links = [page.locator(".expert-link").nth(k).input_value() for k in range(3)]

    # the experts, on their phones, without accounts
    for url in links[:2]:
        for node, answers in CONSISTENT.items():
            judge(phone_page, url, node, answers)
    phone_page.goto(f"{links[2]}root/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375  # fits the phone
    phone_page.select_option("#p0_1", "9")
    phone_page.select_option("#p1_2", "9")
    phone_page.select_option("#p0_2", "-9")  # A > B > C yet C > A: inconsistent
    expect(phone_page.locator("#feedback")).to_contain_text("未通过一致性检验")
    expect(phone_page.locator("#feedback .hints li").first).to_contain_text("CR 将从")
    expect(phone_page.locator("#feedback .hints li").first).to_contain_text("把「")
    phone_page.get_by_role("button", name="保存判断").click()  # saved anyway
    expect(phone_page.get_by_text("判断已保存")).to_be_visible()
    for select, value in CONSISTENT["root"].items():  # revised: now consistent
        phone_page.select_option(f"#{select}", value)
    expect(phone_page.locator("#feedback")).to_contain_text("通过一致性检验（CR < 0.10）")
    phone_page.get_by_role("button", name="保存判断").click()
    for node in ("D1", "D2"):
        judge(phone_page, links[2], node, CONSISTENT[node])
    assert Judgement.objects.filter(expert__tree=tree).count() == 9

    # the evaluator sees the three experts, aggregates and freezes
    page.reload()
    expect(page.locator("#experts tbody tr")).to_have_count(3)
    page.get_by_label("集结方法").select_option("aip")
    page.get_by_role("button", name="按此方法计算").click()
    expect(page.locator("#group-weights")).to_contain_text("职能配置")
    tree_tab = page.context.new_page()  # a page opened before the freeze still shows the edit forms
    tree_tab.goto(f"/scoring/campaigns/{tree.campaign_id}/tree/")
    page.get_by_role("button", name="冻结权重").click()
    # the confirmation page shows the weights it will freeze; nothing is frozen without the tick
    expect(page.locator("#freeze-weights")).to_contain_text("职能配置")
    page.get_by_role("button", name="确认冻结").click()
    expect(page.get_by_text("请勾选确认后再冻结")).to_be_visible()
    assert not WeightFreeze.objects.filter(tree=tree).exists()
    page.get_by_label("我已核对以上权重，确认冻结（冻结后不能再修改）").check()
    page.get_by_role("button", name="确认冻结").click()
    expect(page.get_by_text("权重已冻结：此后指标体系和权重不能再修改")).to_be_visible()
    freeze = WeightFreeze.objects.get(tree=tree)
    assert freeze.method == "aip" and [e["name"] for e in freeze.experts] == ["张教授", "李处长", "王研究员"]
    expect(page.locator("#ind-D1_01")).to_contain_text(f"{freeze.global_weights['D1_01']:.4f}")

    # every edit is refused now: the stale tab's rename, and the expert's page
    tree_tab.get_by_label("维度名称 D1").fill("改名")
    tree_tab.get_by_role("button", name="重命名").first.click()
    expect(tree_tab.get_by_text("指标权重已冻结，指标体系、专家判断和权重都不能再修改")).to_be_visible()
    assert tree.dimensions.get(code="D1").name == "职能配置"
    phone_page.goto(f"{links[0]}root/")
    expect(phone_page.get_by_role("alert")).to_contain_text("权重已冻结")
    expect(phone_page.locator("#p0_1")).to_be_disabled()
