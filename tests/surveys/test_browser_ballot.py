"""The 测评表 on a phone, in a real browser: type the ballot code, fill one card per dimension, keep a draft
on the device when the page is closed, get every answer back on an error, then find the ballot spent."""

import pytest
from django.db.models import Sum
from playwright.sync_api import expect

from bianzhi.models import User
from surveys.models import Form, StaffComment, StaffTally, SurveyResponse
from surveys.services import ballots_issue, form_create

from ..factories import CampaignTargetFactory, QuotaFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_member_fills_a_ballot_on_a_small_phone(phone_page):
    evaluator = UserFactory(role=User.Role.EVALUATOR)
    target = CampaignTargetFactory(unit__name="临川市测评局")
    QuotaFactory(unit=target.unit, actual=6)
    form = form_create(campaign=target.campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator)
    box = ballots_issue(form=form, target=target, actor=evaluator)
    ballot = box.ballots.first()
    phone_page.set_viewport_size({"width": 360, "height": 640})

    # the code typed off the paper, the way people type it
    phone_page.goto("/f/")
    phone_page.get_by_label("票码", exact=False).fill(ballot.display_code.lower())
    phone_page.get_by_role("button", name="开始填写").tap()
    expect(phone_page.get_by_text("临川市测评局")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    cards = phone_page.locator("section.dimension")
    expect(cards).to_have_count(9)  # 8 dimensions + the comment
    expect(cards.nth(0).get_by_role("heading")).to_have_text("职能配置")
    # large touch targets
    option = cards.nth(0).locator("label.option").first.bounding_box()
    assert option["height"] >= 44

    # half filled, then the page is closed and opened again: the draft is still on the phone
    for n in range(4):
        cards.nth(n).get_by_text("满意", exact=True).tap()
    phone_page.get_by_label("意见或建议", exact=False).fill("希望增加编制")
    form_url = phone_page.url
    phone_page.goto("about:blank")  # a fresh load, not a reload the browser might restore by itself
    phone_page.goto(form_url)
    expect(phone_page.locator("#d1-satisfied")).to_be_checked()
    expect(phone_page.locator("#d4-satisfied")).to_be_checked()
    expect(phone_page.locator("#comment")).to_have_value("希望增加编制")

    # one more answer, one left out: the server refuses and keeps everything
    cards.nth(4).get_by_text("基本满意", exact=True).tap()
    for n in (5, 6):
        cards.nth(n).get_by_text("不满意", exact=True).tap()
    phone_page.get_by_role("button", name="提交").tap()
    expect(phone_page.get_by_role("alert")).to_contain_text("您已填写的内容都已保留")
    expect(phone_page.locator("#q-d8 .error")).to_have_text("请回答此题")
    expect(phone_page.locator("#d5-basically_satisfied")).to_be_checked()
    expect(phone_page.locator("#comment")).to_have_value("希望增加编制")
    box.refresh_from_db()
    assert box.used == 0 and not StaffComment.objects.exists()

    # keyboard: the last card's option is reachable and chosen without a pointer
    phone_page.locator("#d8-satisfied").focus()
    phone_page.keyboard.press("Space")
    expect(phone_page.locator("#d8-satisfied")).to_be_checked()
    phone_page.get_by_role("button", name="提交").tap()
    expect(phone_page.get_by_role("heading", name="提交成功，感谢您的参与！")).to_be_visible()
    box.refresh_from_db()
    assert box.used == 1 and box.is_spent(ballot.serial)  # counted in the unit's tallies, no answer sheet
    assert StaffTally.objects.filter(target=target).aggregate(n=Sum("pending"))["n"] == 8
    assert list(StaffComment.objects.values_list("text", flat=True)) == ["希望增加编制"]
    assert not SurveyResponse.objects.exists()
    assert phone_page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('bianzhi-draft')).length") == 0

    # the same ballot again: a clear page that says it was used
    phone_page.goto(f"/f/{ballot.code}/")
    expect(phone_page.get_by_role("heading")).to_contain_text("测评票已使用")
    expect(phone_page.get_by_role("alert")).to_contain_text("已经使用过")
