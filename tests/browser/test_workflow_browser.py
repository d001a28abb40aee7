"""The campaign from plan to field visit in a real browser (Debian's chromium): the notice seen by the liaison,
the self-assessment uploaded, returned, resubmitted and accepted, the field visit recorded in its five steps
(with a local draft surviving a reload), and the audit trail showing every step."""

import pytest
from playwright.sync_api import expect

from bianzhi.models import User
from evaluations.models import Campaign, CampaignTarget, FieldVisit, Problem

from ..evaluations.conftest import PDF
from ..factories import TEST_PASSWORD, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, user):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def advance(page, campaign_pk: int, expected_stage: str):
    page.goto(f"/campaigns/{campaign_pk}/")
    page.get_by_role("button", name="进入下一阶段").click()
    expect(page.locator(".messages")).to_contain_text(f"已进入“{expected_stage}”阶段")


def test_a_campaign_from_plan_to_field_visit(browser_page, chromium, live_server, tmp_path):
    unit = UnitFactory(name="临川市浏览器局")
    liaison_user = UserFactory(role=User.Role.LIAISON, unit=unit, first_name="张填报")
    evaluator = UserFactory(role=User.Role.EVALUATOR, first_name="王评估")
    office = browser_page
    liaison_context = chromium.new_context(locale="zh-CN", base_url=live_server.url)
    liaison = liaison_context.new_page()
    liaison.set_default_timeout(15_000)

    # 制定方案: the evaluator creates the campaign, writes the plan and the notice, sets a deadline
    login(office, evaluator)
    office.get_by_role("link", name="新建评估活动").click()
    office.get_by_label("名称").fill("浏览器年度评估")
    office.get_by_label("临川市浏览器局").check()
    office.get_by_role("button", name="创建").click()
    expect(office.locator(".messages")).to_contain_text("已为 1 个单位建立评估任务包")
    campaign = Campaign.objects.get(name="浏览器年度评估")
    target = CampaignTarget.objects.get(campaign=campaign)
    assert target.liaison == liaison_user  # assigned at once
    office.get_by_role("link", name="设置、方案与通知").click()
    office.get_by_label("实施方案").fill("一、评估范围：市直单位。")
    office.get_by_label("评估通知").fill("请于截止日前完成自查自评并上传自评报告。")
    office.get_by_label("“部门自评”截止日期").fill("2026-12-31")
    office.get_by_role("button", name="保存").click()
    advance(office, campaign.pk, "发布通知")

    # 通知: the liaison lands on the workbench and sees the notice and the deadline
    login(liaison, liaison_user)
    expect(liaison.get_by_role("heading", name="工作台 · 临川市浏览器局")).to_be_visible()
    expect(liaison.locator(".notice-text").first).to_contain_text("请于截止日前完成自查自评")
    expect(liaison.get_by_text("2026年12月31日").first).to_be_visible()
    liaison.get_by_role("link", name="查阅评估通知").click()
    expect(liaison.locator("#notice")).to_contain_text("填报员已于")

    # 部门自评: scores for every indicator, the report uploaded, submitted
    advance(office, campaign.pk, "部门自评")
    liaison.goto(f"/campaigns/packages/{target.pk}/self/")
    for field in liaison.locator("input[name^=score_]").all():
        field.fill("8")
    liaison.locator("textarea[name=narrative_D1_01]").fill("职能依法设定")
    liaison.get_by_role("button", name="保存", exact=True).click()
    expect(liaison.locator(".messages")).to_contain_text("已保存")
    report = tmp_path / "自评报告.pdf"
    report.write_bytes(PDF)
    liaison.get_by_label("自评报告文件").set_input_files(str(report))
    liaison.get_by_role("button", name="上传", exact=True).first.click()
    expect(liaison.locator(".messages")).to_contain_text("已上传")
    liaison.get_by_role("button", name="提交自评").click()
    expect(liaison.locator("#assessment-status")).to_have_text("已提交")

    # the evaluator returns it with a reason
    office.goto("/campaigns/")
    office.locator("#tasks").get_by_role("link", name="审核自评").click()
    expect(office.get_by_role("link", name="自评报告.pdf")).to_be_visible()
    office.get_by_label("退回原因（退回时必填）").fill("请补充人员编制使用台账")
    office.get_by_role("button", name="退回修改").click()
    expect(office.locator(".messages")).to_contain_text("已退回")

    # the liaison sees why, changes a score and resubmits; the first version stays readable
    liaison.goto("/")
    expect(liaison.locator("#notifications")).to_contain_text("自评被退回")
    liaison.get_by_role("link", name="自评被退回，请修改后重新提交").click()
    expect(liaison.locator("#return-reason")).to_contain_text("请补充人员编制使用台账")
    liaison.locator("#dim-D3 > summary").click()
    liaison.locator("input[name=score_D3_03]").fill("7")
    liaison.get_by_role("button", name="提交自评").click()
    expect(liaison.locator("#assessment-status")).to_have_text("已提交")
    liaison.get_by_role("link", name="第 1 版（已退回）").click()
    expect(liaison.get_by_text("这是历史版本，只读。")).to_be_visible()

    # and the evaluator accepts it
    office.goto(f"/campaigns/packages/{target.pk}/self/")
    office.get_by_role("button", name="通过").click()
    expect(office.locator("#assessment-status")).to_have_text("已通过")
    advance(office, campaign.pk, "社会调查")
    advance(office, campaign.pk, "实地评估")

    # 实地评估: 听 查 看 访 评, on one page; a typed draft survives a reload before it is saved
    office.goto(f"/campaigns/packages/{target.pk}/visit/")
    office.get_by_label("面上听：单位汇报要点").fill("局长汇报三定执行情况")
    office.reload()
    expect(office.locator("#draft-banner")).to_be_visible()
    office.get_by_role("button", name="恢复草稿").click()
    expect(office.get_by_label("面上听：单位汇报要点")).to_have_value("局长汇报三定执行情况")
    office.get_by_label("评估日期").fill("2026-11-20")
    office.get_by_label("领导职数与管理任务适宜度").fill("副职超配一名")
    office.locator("input[name=problem_D3_02]").check()
    office.get_by_label("门牌与内设机构一致").select_option(label="相符")
    office.get_by_label("在用领导职数与核定一致").select_option(label="不符")
    office.get_by_label("人员在岗").select_option(label="相符")
    office.get_by_label("发放测评票数").fill("30")
    office.get_by_label("收回测评票数").fill("28")
    office.get_by_label("访谈对象（新增一条）").fill("办事群众李某")
    office.get_by_label("访谈记录").fill("窗口服务规范")
    office.get_by_label("综合评：总体评价").fill("总体较好，领导职数需规范")
    office.get_by_role("button", name="完成实地评估").click()
    expect(office.locator(".messages")).to_contain_text("实地评估已完成")
    expect(office.locator("#package-status")).to_have_text("实地评估完成")
    assert FieldVisit.objects.get(target=target).status == FieldVisit.Status.COMPLETED
    assert Problem.objects.filter(target=target, description="副职超配一名").exists()

    # the audit trail shows every step, on the unit's page and the campaign's
    events = office.locator("table.events")
    for step in ("查阅通知", "上传文件", "提交自评", "退回自评", "通过自评", "保存实地评估", "完成实地评估"):
        expect(events.get_by_role("cell", name=step, exact=True).first).to_be_visible()
    office.goto(f"/campaigns/{campaign.pk}/")
    for step in ("阶段变更", "修改设置", "修改截止日期", "创建评估活动"):
        expect(office.locator("table.events").get_by_role("cell", name=step, exact=True).first).to_be_visible()
    # each row says itself with the evaluator's name, never a dict
    expect(office.locator("table.events").get_by_text("王评估 将评估阶段由 制定方案 改为 发布通知")).to_be_visible()
    expect(office.locator("table.events").get_by_text("王评估 修改了截止日期：部门自评 由 — 改为 2026-12-31")).to_be_visible()
    expect(office.locator("table.events")).not_to_contain_text("{")
    liaison_context.close()
