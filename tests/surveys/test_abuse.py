"""Abuse control on the public forms, on an intranet: device cookie, soft per-address limits, quality flags,
voiding with a reason; and the clear pages for links that cannot be used."""

import logging
import re
import socket
import time
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bianzhi.exceptions import ApplicationError
from evaluations.models import Campaign, CampaignEvent
from surveys.models import Form, SurveyResponse
from surveys.selectors import campaign_form_counts, form_statistics
from surveys.services import (
    ballot_submit,
    ballots_issue,
    satisfaction_form_issue,
    start_token_issue,
    survey_response_void,
)

from ..factories import CampaignTargetFactory
from .conftest import STAFF_ANSWERS

pytestmark = pytest.mark.django_db

MIXED = {"duties": "satisfied", "efficiency": "basically_satisfied", "attitude": "satisfied",
         "openness": "dissatisfied", "problem_solving": "satisfied"}
SAME = dict.fromkeys(MIXED, "satisfied")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def link(evaluator):
    target = CampaignTargetFactory()
    return satisfaction_form_issue(campaign=target.campaign, actor=evaluator).links.get()


def started(seconds_ago: float) -> str:
    """A page served `seconds_ago`: each call is another page (another one-use start token)."""
    return start_token_issue(time.time() - seconds_ago)




def kept(page: str, code: str, value: str) -> bool:
    """The page shows that option ticked again."""
    return re.search(rf'id="{code}-{value}"[^>]*\bchecked\b', page) is not None


def url(link):
    return reverse("surveys:fill", args=[link.token])


def test_one_device_answers_once_per_link_another_device_may_answer(link):
    phone = Client()
    phone.get(url(link))
    assert "bz_device" in phone.cookies
    assert phone.post(url(link), {**MIXED, "_started": started(60)}).status_code == 302
    again = phone.post(url(link), {**MIXED, "_started": started(60)})
    assert again.status_code == 409 and "本设备上提交过" in again.content.decode()
    other = Client()
    other.get(url(link))
    assert other.post(url(link), {**MIXED, "_started": started(60)}).status_code == 302
    assert SurveyResponse.objects.count() == 2


def test_a_refused_answer_does_not_use_up_the_device(link):
    phone = Client()
    phone.get(url(link))
    assert phone.post(url(link), {"duties": "satisfied"}).status_code == 400
    assert phone.post(url(link), {**MIXED, "_started": started(60)}).status_code == 302


def colleague(link, ip: str = "10.0.0.1") -> Client:
    """Another phone behind the office's address, on the form's page: it holds the device cookie it was given."""
    client = Client(REMOTE_ADDR=ip)
    client.get(url(link))
    return client


def test_many_answers_from_one_address_are_flagged_then_refused_far_above_an_office_nat(link, settings):
    settings.SURVEY_IP_SOFT_LIMIT, settings.SURVEY_IP_HARD_LIMIT = 2, 3
    codes = [colleague(link).post(url(link), {**MIXED, "_started": started(60)}) for _i in range(4)]
    assert [r.status_code for r in codes] == [302, 302, 302, 429]
    refused = codes[-1].content.decode()  # the form again, with what was typed
    assert "同一网络提交过于频繁" in refused and kept(refused, "openness", "dissatisfied")
    assert list(SurveyResponse.objects.order_by("busy_network").values_list("busy_network", flat=True)) == [False, False, True]
    assert colleague(link, "10.0.0.2").post(url(link), {**MIXED, "_started": started(60)}).status_code == 302


def test_the_default_limits_let_an_office_of_two_hundred_behind_one_address_answer(link):
    for _i in range(200):
        assert colleague(link).post(url(link), {**MIXED, "_started": started(60)}).status_code == 302
    assert not SurveyResponse.objects.filter(busy_network=True).exists()


# ---------------------------------------------------------------------------------------------------------
# Issue 10 #17: one start token, one answer; no device cookie, a tighter budget
# ---------------------------------------------------------------------------------------------------------
def test_replaying_one_start_token_takes_one_answer_and_keeps_what_was_typed(link):
    token = started(60)  # a page served a minute ago, its token replayed by a script without cookies
    data = {**MIXED, "comment": "重放的意见", "_started": token}
    outcomes = [Client(REMOTE_ADDR=f"10.1.0.{i}").post(url(link), data) for i in range(20)]
    assert [r.status_code for r in outcomes] == [302] + [409] * 19
    assert SurveyResponse.objects.count() == 1
    page = outcomes[1].content.decode()
    assert "已经提交过一次" in page and "重放的意见" in page and kept(page, "openness", "dissatisfied")
    fresh = page.split('name="_started" value="')[1].split('"')[0]
    assert fresh and fresh != token  # a new page token: sent straight back, it is flagged as too fast
    assert Client(REMOTE_ADDR="10.1.1.1").post(url(link), {**MIXED, "_started": fresh}).status_code == 302
    assert SurveyResponse.objects.filter(too_fast=True).count() == 1


def test_a_start_token_refused_for_a_wrong_answer_still_takes_the_corrected_one(link):
    client = colleague(link)
    token = started(60)
    assert client.post(url(link), {"duties": "satisfied", "_started": token}).status_code == 400
    assert client.post(url(link), {**MIXED, "_started": token}).status_code == 302
    assert not SurveyResponse.objects.get().too_fast


def test_answers_without_the_device_cookie_meet_a_tighter_budget_per_address(link, settings):
    settings.SURVEY_IP_NO_DEVICE_LIMIT = 10
    # 30 answers in a second from one address, each with a fresh page token and no cookie
    codes = [Client(REMOTE_ADDR="10.0.0.9").post(url(link), {**MIXED, "comment": f"第{i}份", "_started": started(60)})
             for i in range(30)]
    assert [r.status_code for r in codes] == [302] * 10 + [429] * 20
    refused = codes[-1].content.decode()
    assert "Cookie" in refused and "第29份" in refused and "您已填写的内容都已保留" in refused
    # phones that keep the cookie, behind the same address, are not held back; nor is another address
    assert colleague(link, "10.0.0.9").post(url(link), {**MIXED, "_started": started(60)}).status_code == 302
    assert Client(REMOTE_ADDR="10.0.0.8").post(url(link), {**MIXED, "_started": started(60)}).status_code == 302
    assert SurveyResponse.objects.count() == 12


def test_an_invented_device_cookie_counts_as_no_cookie(link, settings):
    settings.SURVEY_IP_NO_DEVICE_LIMIT = 3
    codes = []
    for i in range(5):
        forger = Client(REMOTE_ADDR="10.0.0.7")
        forger.cookies["bz_device"] = f"made-up-{i}"
        codes.append(forger.post(url(link), {**MIXED, "_started": started(60)}).status_code)
    assert codes == [302, 302, 302, 429, 429]


# ---------------------------------------------------------------------------------------------------------
# Issue 10 #11: the cache (Redis) unreachable: every valid answer is still taken, flagged, and logged
# ---------------------------------------------------------------------------------------------------------
def dead_port() -> int:
    with socket.socket() as s:  # bound then closed: nothing listens there
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{dead_port()}/0",
                                   "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    from django.core.cache import caches

    with pytest.raises(Exception):  # really unreachable
        caches["default"].get("probe")


def test_with_the_cache_unreachable_every_valid_answer_is_taken_flagged_and_logged(link, cache_down, caplog):
    client = Client(REMOTE_ADDR="10.0.0.1")
    page = client.get(url(link))
    assert page.status_code == 200
    token = page.content.decode().split('name="_started" value="')[1].split('"')[0]
    with caplog.at_level(logging.WARNING, logger="surveys.services.abuse"):
        codes = [client.post(url(link), {**MIXED, "_started": token}).status_code for _i in range(3)]
        codes.append(Client().post(url(link), {**MIXED, "_started": started(60)}).status_code)
    assert codes == [302, 302, 302, 302]
    assert SurveyResponse.objects.filter(unchecked=True).count() == 4
    assert "cache unreachable" in caplog.text
    bad = client.post(url(link), {"duties": "satisfied", "_started": token})
    assert bad.status_code == 400 and "请回答此题" in bad.content.decode()  # bad input is still told
    office_page = SurveyResponse.objects.first().flags
    assert "提交时未能防刷校验" in office_page


@pytest.mark.parametrize("seconds_ago, flagged", [(2, True), (60, False), (None, True)])
def test_an_answer_filled_in_a_few_seconds_is_flagged_and_the_time_is_not_kept(link, seconds_ago, flagged):
    data = dict(MIXED)
    if seconds_ago is not None:
        data["_started"] = started(seconds_ago)
    Client().post(url(link), data)
    response = SurveyResponse.objects.get()
    assert response.too_fast is flagged
    assert {f.get_internal_type() for f in SurveyResponse._meta.concrete_fields}.isdisjoint(
        {"DateTimeField", "DurationField", "FloatField", "TimeField"}
    )


def test_a_forged_start_time_counts_as_too_fast(link):
    Client().post(url(link), {**MIXED, "_started": "1700000000:forged"})
    assert SurveyResponse.objects.get().too_fast


@pytest.mark.parametrize("answers, flagged", [(SAME, True), (MIXED, False)])
def test_the_same_option_everywhere_is_flagged(link, answers, flagged):
    Client().post(url(link), {**answers, "_started": started(60)})
    assert SurveyResponse.objects.get().straight_lined is flagged


def test_a_voided_answer_is_kept_shown_voided_and_not_counted(link, evaluator):
    for answers in (MIXED, SAME):
        Client().post(url(link), {**answers, "_started": started(60)})
    suspicious = SurveyResponse.objects.get(straight_lined=True)
    with pytest.raises(ApplicationError, match="作废原因"):
        survey_response_void(response=suspicious, reason="  ", actor=evaluator)
    office = Client()
    office.force_login(evaluator)
    void_url = reverse("surveys:response_void", args=[link.form_id, link.target_id, suspicious.pk])
    assert office.post(void_url, {"reason": "同一选项，疑似刷票"}).status_code == 302
    suspicious.refresh_from_db()
    assert suspicious.is_voided and suspicious.void_reason == "同一选项，疑似刷票"
    assert SurveyResponse.objects.count() == 2 and suspicious.answers.count() == 5  # kept
    page = office.get(reverse("surveys:responses", args=[link.form_id, link.target_id])).content.decode()
    assert "已作废" in page and "同一选项，疑似刷票" in page
    unit = form_statistics(form=link.form).units[link.target_id]
    assert unit.responses == 1 and unit.total.valid == 5 and unit.total.satisfied == 4  # MIXED only
    assert link.form.campaign.events.filter(type=CampaignEvent.Type.RESPONSE_VOIDED).exists()


def test_settled_counts_are_read_once_and_a_void_is_counted_at_once(link, evaluator, django_assert_num_queries,
                                                                     django_capture_on_commit_callbacks):
    """From 撰写报告 on the forms take no answers: the dashboard's counts are kept in the cache, and a void (still
    allowed then) makes them read again."""
    for answers in (MIXED, SAME):
        Client().post(url(link), {**answers, "_started": started(60)})
    campaign = link.form.campaign
    campaign.status = Campaign.Status.REPORT
    campaign.save(update_fields=["status"])
    counts = campaign_form_counts(campaign=campaign)
    assert counts["answered"][Form.Kind.SATISFACTION] == (2, 1) and sum(counts["public"].values()) == 10
    with django_assert_num_queries(0):
        assert campaign_form_counts(campaign=campaign) == counts
    with django_capture_on_commit_callbacks(execute=True):
        survey_response_void(response=SurveyResponse.objects.get(straight_lined=True), reason="刷票", actor=evaluator)
    counts = campaign_form_counts(campaign=campaign)
    assert counts["answered"][Form.Kind.SATISFACTION] == (1, 1) and counts["public"] == {
        "satisfied": 3, "basically_satisfied": 1, "dissatisfied": 1}  # MIXED alone


def test_only_the_office_may_void(link, leader, liaison):
    Client().post(url(link), {**SAME, "_started": started(60)})
    response = SurveyResponse.objects.get()
    # a leader sees the form but may not act (403); another unit's liaison does not even see it (404)
    for user, refused in ((leader, 403), (liaison, 404)):
        client = Client()
        client.force_login(user)
        void_url = reverse("surveys:response_void", args=[link.form_id, link.target_id, response.pk])
        assert client.post(void_url, {"reason": "x"}).status_code == refused
    response.refresh_from_db()
    assert not response.is_voided


def test_staff_answers_leave_no_sheet_to_void_or_list_one_by_one(box, evaluator):
    ballot_submit(code=box.ballots.first().code, data=STAFF_ANSWERS)
    assert not SurveyResponse.objects.exists()  # counted in the unit's tallies, nothing else
    office = Client()
    office.force_login(evaluator)
    assert office.get(reverse("surveys:responses", args=[box.form_id, box.target_id])).status_code == 404
    api = office.get(f"/api/v1/forms/{box.form_id}/responses/")
    assert api.status_code == 404 and "不记名" in api.json()["detail"]


# ---------------------------------------------------------------------------------------------------------
# One-use invitations for the public form, and the pages that say why a link cannot be used
# ---------------------------------------------------------------------------------------------------------
def test_one_use_invitations_to_the_satisfaction_form(link, evaluator):
    box = ballots_issue(form=link.form, target=link.target, actor=evaluator, count=2)
    invitation = box.ballots.first()
    client = Client()
    assert client.post(reverse("surveys:fill", args=[invitation.code]), MIXED).status_code == 302
    used = client.get(reverse("surveys:fill", args=[invitation.code]))
    assert used.status_code == 410 and "已经使用过" in used.content.decode()


def test_a_form_not_yet_open_says_when_it_opens(link):
    link.form.opens_at = timezone.now() + timedelta(days=2)
    link.form.save()
    response = Client().post(url(link), MIXED)
    assert response.status_code == 403 and "尚未开始" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_deactivated_link_says_so(link):
    link.is_active = False
    link.save()
    response = Client().get(url(link))
    assert response.status_code == 410 and "已停用" in response.content.decode()


def test_no_external_captcha_or_cdn_on_the_public_page(link):
    page = Client().get(url(link)).content.decode()
    assert "http://" not in page.replace('http://127.0.0.1', '') and "https://" not in page
    assert "captcha" not in page.lower()


def test_staff_form_statistics_stay_hidden_below_five_answers_and_out_of_the_total(box, evaluator):
    other = CampaignTargetFactory(campaign=box.form.campaign)
    other_box = ballots_issue(form=box.form, target=other, actor=evaluator, count=6)
    ballots = list(box.ballots.all())
    for ballot in ballots[:4]:
        ballot_submit(code=ballot.code, data={**STAFF_ANSWERS, "d1": "dissatisfied"})
    for ballot in other_box.ballots.all()[:5]:
        ballot_submit(code=ballot.code, data=STAFF_ANSWERS)
    stats = form_statistics(form=box.form)
    small, large = stats.units[box.target_id], stats.units[other.pk]
    assert small.hidden and small.total.valid == 0 and not small.dimension_sentences()
    assert not large.hidden and large.total.rate == 1.0
    # the total leaves the small unit out, so total minus the others cannot reveal it
    assert stats.total.responses == 5 and stats.total.dimensions["D1"].rate == 1.0
    ballot_submit(code=ballots[4].code, data=STAFF_ANSWERS)
    stats = form_statistics(form=box.form)
    assert not stats.units[box.target_id].hidden
    assert stats.units[box.target_id].dimension_sentences()[0] == "对职能配置满意率达 20.0%"
    assert Form.objects.get(pk=box.form_id).kind == Form.Kind.STAFF_ASSESSMENT


def test_a_link_per_service_window_keeps_the_window_on_each_answer(link, evaluator):
    from surveys.services import survey_links_issue

    assert survey_links_issue(form=link.form, actor=evaluator, windows=("一号窗口",)) == 1
    assert survey_links_issue(form=link.form, actor=evaluator, windows=("一号窗口",)) == 0
    window_link = link.form.links.get(window="一号窗口")
    Client().post(url(window_link), {**MIXED, "_started": started(60)})
    assert SurveyResponse.objects.get().window == "一号窗口"
    assert form_statistics(form=link.form).units[link.target_id].responses == 1


def test_behind_a_proxy_the_address_it_forwards_is_counted(link, settings):
    settings.SURVEY_IP_SOFT_LIMIT, settings.SURVEY_IP_HARD_LIMIT = 1, 100
    settings.SURVEY_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    proxy = Client(REMOTE_ADDR="10.9.9.9")  # every request comes through the same proxy
    for phone in ("172.16.0.1", "172.16.0.2", "172.16.0.3"):
        forged_then_real = f"1.2.3.4, {phone}"  # only the last entry, appended by our proxy, is trusted
        proxy.post(url(link), {**MIXED, "_started": started(60)}, HTTP_X_FORWARDED_FOR=forged_then_real)
    assert SurveyResponse.objects.count() == 3 and not SurveyResponse.objects.filter(busy_network=True).exists()
    proxy.post(url(link), {**MIXED, "_started": started(60)}, HTTP_X_FORWARDED_FOR="172.16.0.1")
    assert SurveyResponse.objects.filter(busy_network=True).count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_a_replayed_page_is_refused_in_chinese_with_every_answer_kept(phone_page, link):
    """A script's trick, in a real browser: the device cookie dropped and a spent page token sent again."""
    from playwright.sync_api import expect

    def fill_in():
        for code, value in MIXED.items():
            phone_page.locator(f"#{code}-{value}").check()
        phone_page.locator("#comment").fill("窗口排队时间长")

    phone_page.goto(url(link))
    fill_in()
    token = phone_page.locator("input[name=_started]").input_value()
    phone_page.get_by_role("button", name="提交").tap()
    expect(phone_page.get_by_role("heading", name="提交成功，感谢您的参与！")).to_be_visible()
    phone_page.context.clear_cookies(name="bz_device")
    phone_page.goto(url(link))
    fill_in()
    phone_page.locator("input[name=_started]").evaluate("(el, t) => el.value = t", token)
    phone_page.get_by_role("button", name="提交").tap()
    expect(phone_page.get_by_role("alert").first).to_contain_text("已经提交过一次")
    expect(phone_page.locator("#openness-dissatisfied")).to_be_checked()
    expect(phone_page.locator("#comment")).to_have_value("窗口排队时间长")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
    assert SurveyResponse.objects.count() == 1
    phone_page.get_by_role("button", name="提交").tap()  # the page carries a fresh token: taken, as too fast
    expect(phone_page.get_by_role("heading", name="提交成功，感谢您的参与！")).to_be_visible()
    assert SurveyResponse.objects.count() == 2
