"""The key flows in a real browser (Debian's chromium): an evaluator's login, a phone user's answer."""

import pytest
from playwright.sync_api import expect

from bianzhi.models import User
from surveys.models import SurveyResponse
from surveys.services import satisfaction_form_issue

from ..factories import TEST_PASSWORD, CampaignTargetFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_evaluator_logs_in_and_opens_the_campaign(browser_page):
    evaluator = UserFactory(role=User.Role.EVALUATOR, first_name="王评估")
    target = CampaignTargetFactory(campaign__name="浏览器评估", unit__name="临川市浏览器局")

    browser_page.goto("/")
    expect(browser_page.get_by_role("heading", name="登录")).to_be_visible()
    browser_page.get_by_label("用户名").fill(evaluator.username)
    browser_page.get_by_label("密码").fill("wrong")
    browser_page.get_by_role("button", name="登录").click()
    expect(browser_page.get_by_role("alert")).to_contain_text("用户名或密码不正确")
    expect(browser_page.get_by_label("用户名")).to_have_value(evaluator.username)

    browser_page.get_by_label("密码").fill(TEST_PASSWORD)
    browser_page.get_by_role("button", name="登录").click()
    expect(browser_page.get_by_role("heading", name="评估活动")).to_be_visible()
    browser_page.get_by_role("link", name="浏览器评估").click()
    expect(browser_page.get_by_role("cell", name="临川市浏览器局")).to_be_visible()
    assert browser_page.url.endswith(f"/campaigns/{target.campaign_id}/")


def test_phone_user_fills_the_public_form(phone_page):
    evaluator = UserFactory(role=User.Role.EVALUATOR)
    target = CampaignTargetFactory(unit__name="临川市手机局")
    link = satisfaction_form_issue(campaign=target.campaign, actor=evaluator).links.get()

    phone_page.goto(f"/f/{link.token}/")
    expect(phone_page.get_by_text("临川市手机局")).to_be_visible()
    # the page fits the phone: nothing wider than the screen
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375

    options = ["满意", "满意", "基本满意", "不满意"]  # the fifth question is left out on purpose
    for question, option in zip(phone_page.locator(".question fieldset").all(), options):
        question.get_by_text(option, exact=True).tap()
    phone_page.get_by_label("您对该单位还有什么意见或建议？（选填）", exact=False).fill("窗口很热情")
    # the form is novalidate: the server's check is what must hold, and it must keep what was typed
    phone_page.get_by_role("button", name="提交").tap()

    expect(phone_page.get_by_role("alert")).to_contain_text("您已填写的内容都已保留")
    expect(phone_page.locator("#q-problem_solving .error")).to_have_text("请回答此题")
    expect(phone_page.locator("#comment")).to_have_value("窗口很热情")
    expect(phone_page.get_by_role("radio", name="基本满意").nth(2)).to_be_checked()
    assert not SurveyResponse.objects.exists()

    phone_page.locator("#q-problem_solving").get_by_text("满意", exact=True).tap()
    phone_page.get_by_role("button", name="提交").tap()
    expect(phone_page.get_by_role("heading", name="提交成功，感谢您的参与！")).to_be_visible()
    assert SurveyResponse.objects.filter(target=target).count() == 1
