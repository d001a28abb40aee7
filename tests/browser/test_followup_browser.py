"""The after stage in a real browser: the office feeds back one unit's stored result; its liaison contests two
indicators with a file; the office assigns a reviewer from outside the unit's team, who upholds one and adjusts
the other (a new result version); the office locks the result; a problem of the field visit becomes a 整改 item
that the liaison reports on and the office verifies. Screenshots of each page at desk width and at 375 px."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from bianzhi.models import User
from evaluations.models import FieldVisit, Problem
from reports.followup.models import Feedback, RectificationItem
from scoring.models import ResultVersion

from ..evaluations.conftest import PNG, accept_all, advance_to, make_world
from ..factories import QuotaFactory, UserFactory
from .test_registry_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", Path(__file__).resolve().parents[2] / "var" / "test-artifacts")) / "followup"


def shoot(page, name: str) -> None:
    """The page at desk width and at 375 px, and no sideways scrolling of the page at 375 px."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-desk.png"), full_page=True)
    size = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 740})
    page.screenshot(path=str(SHOTS / f"{name}-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{name}: the page scrolls sideways at 375 px"
    page.set_viewport_size(size)


def logout(page) -> None:
    page.context.clear_cookies()


def test_feedback_appeal_review_final_lock_and_rectification(browser_page):
    page = browser_page
    world = make_world()
    QuotaFactory(unit=world.target.unit)
    accept_all(world)
    advance_to(world, "field_visit")
    visit = FieldVisit.objects.get(target=world.target)
    Problem.objects.create(target=world.target, visit=visit, stage="look", description="门牌与内设机构名称不一致")
    world.campaign.targets.update(status="field_done")
    advance_to(world, "feedback")
    version = ResultVersion.objects.get(target=world.target)
    upheld, adjusted = sorted(version.indicators)[:2]
    full = version.indicators[adjusted]["full"]
    new_points = 0 if version.indicators[adjusted]["points"] == full else full
    reviewer = UserFactory(role=User.Role.REVIEWER, last_name="", first_name="赵复核")
    on_team = UserFactory(role=User.Role.REVIEWER, last_name="", first_name="钱组员")
    world.target.team.members.add(on_team)

    # the office feeds back 甲's result only
    login(page, world.evaluator)
    page.goto(f"/followup/campaigns/{world.campaign.pk}/")
    form = page.locator("#feedback-form")
    form.locator(f'input[name="targets"][value="{world.other.pk}"]').uncheck()
    form.get_by_label("确认向所选单位反馈评估结果").check()
    form.get_by_role("button", name="反馈结果").click()
    expect(page.locator(".messages")).to_contain_text("已向 1 个单位反馈评估结果")
    expect(page.locator(f"#unit-{world.target.pk}")).not_to_contain_text("未反馈")
    expect(page.locator(f"#unit-{world.other.pk}")).to_contain_text("未反馈")
    shoot(page, "campaign")
    advance_to(world, "review")  # entering 评估复核 opens the windows
    logout(page)

    # the liaison sees the result and contests two indicators
    login(page, world.liaison)
    page.goto(f"/followup/units/{world.target.pk}/")
    expect(page.locator("#result")).to_contain_text("第 1 版")
    shoot(page, "unit-liaison")
    page.locator("#appeal-link").click()
    for code, reason in ((upheld, "台账数字有误"), (adjusted, "已提交补充材料")):
        page.locator(f'input[name="codes"][value="{code}"]').check()
        page.locator(f"#reason-{code}").fill(reason)
    page.locator(f'input[name="files_{adjusted}"]').set_input_files(
        files=[{"name": "补充材料.png", "mimeType": "image/png", "buffer": PNG}])
    shoot(page, "appeal-form")
    page.get_by_label("确认提交复核申请").check()
    page.get_by_role("button", name="提交复核申请").click()
    expect(page.locator(".messages")).to_contain_text("复核申请已提交")
    logout(page)

    # the office assigns a reviewer: one on the unit's team is offered but refused
    login(page, world.evaluator)
    page.goto(f"/followup/campaigns/{world.campaign.pk}/")
    page.locator(f"#unit-{world.target.pk}").get_by_role("link", name="待指定复核人员").click()
    expect(page.locator("#reviewer option", has_text="钱组员")).to_be_disabled()
    page.get_by_label("复核人员").select_option(label="赵复核")
    page.get_by_role("button", name="指定").click()
    expect(page.locator(".messages")).to_contain_text("已指定 赵复核 为复核人员")
    appeal_url = page.url
    logout(page)

    # the reviewer upholds one and adjusts the other
    login(page, reviewer)
    expect(page.get_by_role("link", name="临川市甲局")).to_be_visible()  # their home: the appeals assigned
    page.goto(appeal_url)
    expect(page.locator(f"#appeal-item-{adjusted}")).to_contain_text("补充材料.png")
    shoot(page, "appeal-reviewer")
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
    expect(page.locator(".badge").first).to_contain_text("已决定")
    assert ResultVersion.objects.filter(target=world.target).order_by("-version").first().version == 2
    logout(page)

    # the office locks the result and makes a 整改 item from the problem list
    login(page, world.evaluator)
    page.goto(f"/followup/campaigns/{world.campaign.pk}/")
    form = page.locator("#finalize-form")
    form.get_by_label("确认将所选单位的评估结果定稿").check()
    form.get_by_role("button", name="定稿").click()
    expect(page.locator(f"#unit-{world.target.pk}")).to_contain_text("已定稿（第 2 版）")
    assert Feedback.objects.get(target=world.target).final_version == 2
    page.get_by_role("link", name="整改进度").first.click()
    form = page.locator("#candidates-form")
    form.get_by_label("门牌与内设机构名称不一致").check()
    form.get_by_label("确认为所选各项新建整改事项").check()
    shoot(page, "rectifications")
    form.get_by_role("button", name="新建整改事项").click()
    expect(page.locator(".messages")).to_contain_text("已新建 1 项整改事项")
    logout(page)

    # the liaison reports with evidence, the office verifies
    login(page, world.liaison)
    page.goto(f"/followup/units/{world.target.pk}/")
    expect(page.locator("#result")).to_contain_text("第 2 版")
    card = page.locator(".card", has_text="门牌与内设机构名称不一致")
    card.get_by_label("整改情况").fill("已按三定规定更换全部门牌")
    card.locator('input[name="files"]').set_input_files(files=[{"name": "新门牌.png", "mimeType": "image/png", "buffer": PNG}])
    card.get_by_role("button", name="报送整改情况").click()
    expect(page.locator(".messages")).to_contain_text("整改情况已报送")
    logout(page)
    login(page, world.evaluator)
    page.goto(f"/followup/units/{world.target.pk}/")
    card = page.locator(".card", has_text="门牌与内设机构名称不一致")
    expect(card).to_contain_text("新门牌.png")
    shoot(page, "unit-office")
    card.get_by_label("核实通过，办结").check()
    card.get_by_role("button", name="提交核实结果").click()
    expect(page.locator(".card", has_text="门牌与内设机构名称不一致")).to_contain_text("已办结")
    assert RectificationItem.objects.get(target=world.target).status == "closed"
    page.goto(f"/campaigns/{world.campaign.pk}/board/")
    expect(page.locator("#after-steps")).to_contain_text("整改")
    shoot(page, "board")
