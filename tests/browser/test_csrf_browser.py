"""A phone that drops its cookies mid-form: the Chinese CSRF page says what to do, and nothing typed is lost —
going back shows the answers, and reopening the form restores the draft kept on the device."""

import pytest
from playwright.sync_api import expect

from bianzhi.models import User
from surveys.models import SurveyResponse
from surveys.services import satisfaction_form_issue

from ..factories import CampaignTargetFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_blocked_cookie_costs_nothing_typed(phone_page):
    evaluator = UserFactory(role=User.Role.EVALUATOR)
    target = CampaignTargetFactory()
    link = satisfaction_form_issue(campaign=target.campaign, actor=evaluator).links.get()
    phone_page.goto(f"/f/{link.token}/")
    first = phone_page.locator("#survey-form input[type=radio]").first
    first.check()
    phone_page.locator("#survey-form textarea, #survey-form input[type=text]").last.fill("窗口服务很好")

    phone_page.context.clear_cookies()  # the phone blocks or loses the cookie
    phone_page.evaluate("document.getElementById('survey-form').noValidate = true")
    phone_page.locator("#survey-form button[type=submit]").click()
    expect(phone_page.get_by_role("heading")).to_contain_text("安全校验没有通过")
    expect(phone_page.get_by_text("Cookie", exact=False).first).to_be_visible()
    assert "CSRF" not in phone_page.content() and not SurveyResponse.objects.exists()

    phone_page.go_back()  # what was typed is still on the page
    expect(phone_page.locator("#survey-form input[type=radio]").first).to_be_checked()

    phone_page.goto(f"/f/{link.token}/")  # reopened: the draft on the device comes back
    expect(phone_page.locator("#survey-form input[type=radio]").first).to_be_checked()
    expect(phone_page.locator("#survey-form textarea, #survey-form input[type=text]").last).to_have_value("窗口服务很好")
