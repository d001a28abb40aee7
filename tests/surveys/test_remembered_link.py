"""A submit to a link its process has already read (a form page, an earlier submit) is judged on that copy
(surveys.selectors.survey_link_remembered), and its INSERT checks again, in the same statement, every fact it
was judged by. The changes below are made by UPDATE, as another machine would make them, without the form's
version changing: only the database's own check can see them, and it must see them at once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evaluations.guard import may_write, stages_allowing
from evaluations.models import Campaign
from surveys.models import Answer, Form, SurveyLink, SurveyResponse
from surveys.selectors import survey_link_remembered
from surveys.services import satisfaction_form_issue

from ..factories import CampaignTargetFactory

ANSWERS = {"duties": "satisfied", "efficiency": "satisfied", "attitude": "satisfied",
           "openness": "basically_satisfied", "problem_solving": "dissatisfied", "comment": "窗口排队太久"}


@pytest.fixture
def link(evaluator, postgres):  # links are remembered on PostgreSQL only: the INSERT's check is written for it
    target = CampaignTargetFactory()
    return satisfaction_form_issue(campaign=target.campaign, actor=evaluator).links.get()


def url(link):
    return reverse("surveys:fill", args=[link.token])


@pytest.fixture
def page_read(client, link):
    """The phone opened the form: this process now remembers the link."""
    assert client.get(url(link)).status_code == 200
    assert survey_link_remembered(token=link.token) is not None


def test_a_submit_to_a_remembered_link_is_one_statement_and_saves_everything(client, link, page_read,
                                                                              django_assert_num_queries):
    with django_assert_num_queries(1):  # the answer sheet and its answers, the link's facts checked in it
        response = client.post(url(link), ANSWERS)
    assert response.status_code == 302 and response["Location"] == reverse("surveys:thanks", args=[link.token])
    saved = SurveyResponse.objects.get()
    assert (saved.form_id, saved.target_id, saved.window) == (link.form_id, link.target_id, link.window)
    assert dict(saved.answers.values_list("question__code", "choice")) == {**ANSWERS, "comment": ""}
    assert saved.answers.get(question__code="comment").text == "窗口排队太久"


def _close_campaign(link):
    Campaign.objects.filter(forms__links=link).update(status=Campaign.Status.CLOSED)


def _campaign_to_report(link):
    Campaign.objects.filter(forms__links=link).update(status=Campaign.Status.REPORT)


def _deactivate_link(link):
    SurveyLink.objects.filter(pk=link.pk).update(is_active=False)


def _deadline_passed(link):
    now = timezone.now()
    Form.objects.filter(pk=link.form_id).update(opens_at=now - timedelta(days=7), closes_at=now - timedelta(minutes=1))


def _opening_postponed(link):
    Form.objects.filter(pk=link.form_id).update(opens_at=timezone.now() + timedelta(days=1))


@pytest.mark.parametrize(("change", "status", "says"), [
    (_close_campaign, 410, "评估已结束"),
    (_campaign_to_report, 410, "当前阶段为"),
    (_deactivate_link, 410, "该链接已停用"),
    (_deadline_passed, 410, "已截止"),
    (_opening_postponed, 403, "尚未开始"),
])
def test_a_change_after_the_page_was_read_refuses_the_submit_at_once(client, link, page_read, change, status, says):
    change(link)
    response = client.post(url(link), ANSWERS)
    assert response.status_code == status and says in response.content.decode()
    assert not SurveyResponse.objects.exists() and not Answer.objects.exists()


def test_a_refused_submit_gives_back_the_device_and_page_for_the_answer_taken_once_reopened(client, link, page_read):
    _campaign_to_report(link)
    assert client.post(url(link), ANSWERS).status_code == 410
    Campaign.objects.filter(forms__links=link).update(status=Campaign.Status.SURVEY)
    assert client.post(url(link), ANSWERS).status_code == 302  # same phone, same page: not "already answered"
    assert SurveyResponse.objects.count() == 1


def test_a_new_version_of_the_form_still_takes_the_answer_once(client, link, page_read):
    form = Form.objects.get(pk=link.form_id)
    form.intro = "新的填表说明"
    form.save()  # a new version (updated_at): the remembered copy no longer matches it
    assert client.post(url(link), ANSWERS).status_code == 302
    assert SurveyResponse.objects.count() == 1 and Answer.objects.count() == len(ANSWERS)
    assert survey_link_remembered(token=link.token).form.updated_at == form.updated_at  # read afresh


def test_a_missing_answer_on_a_remembered_link_is_refused_in_chinese_and_keeps_what_was_typed(client, link, page_read):
    partial = {**ANSWERS}
    del partial["efficiency"]
    response = client.post(url(link), partial)
    body = response.content.decode()
    assert response.status_code == 400 and "请回答此题" in body and "窗口排队太久" in body
    assert not SurveyResponse.objects.exists()


def test_the_database_checks_the_stages_the_guard_allows():
    assert set(stages_allowing("public_answer")) == {
        status for status in Campaign.Status.values if may_write(Campaign(status=status), "public_answer")}


def test_a_process_remembers_a_bounded_number_of_links(client, link, evaluator, monkeypatch):
    from surveys import selectors

    monkeypatch.setattr(selectors, "REMEMBERED_LINKS", 2)
    others = [satisfaction_form_issue(campaign=CampaignTargetFactory().campaign, actor=evaluator).links.get()
              for _i in range(3)]
    for each in [link, *others]:
        assert client.get(url(each)).status_code == 200
        assert survey_link_remembered(token=each.token) is not None
        assert len(selectors._LINKS) <= 2
