import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Answer, SurveyResponse
from surveys.services import satisfaction_form_issue

from ..factories import CampaignTargetFactory

pytestmark = pytest.mark.django_db

ANSWERS = {"duties": "satisfied", "efficiency": "satisfied", "attitude": "satisfied",
           "openness": "basically_satisfied", "problem_solving": "dissatisfied"}


@pytest.fixture
def link(evaluator):
    target = CampaignTargetFactory()
    form = satisfaction_form_issue(campaign=target.campaign, actor=evaluator)
    return form.links.get()


def test_public_form_opens_without_login_and_thanks_the_person(client, link):
    page = client.get(reverse("surveys:fill", args=[link.token]))
    assert page.status_code == 200
    assert 'name="viewport"' in page.content.decode()
    response = client.post(reverse("surveys:fill", args=[link.token]), {**ANSWERS, "comment": "好"})
    assert response.status_code == 302 and response["Location"] == reverse("surveys:thanks", args=[link.token])
    saved = SurveyResponse.objects.get()
    assert saved.target_id == link.target_id
    assert dict(saved.answers.exclude(choice="").values_list("question__code", "choice")) == ANSWERS
    assert saved.answers.get(question__code="comment").text == "好"


def test_missing_answer_is_refused_in_chinese_and_keeps_what_was_typed(client, link):
    partial = {**ANSWERS, "comment": "窗口排队太久"}
    del partial["efficiency"]
    response = client.post(reverse("surveys:fill", args=[link.token]), partial)
    body = response.content.decode()
    assert response.status_code == 400
    assert "请回答此题" in body and "您已填写的内容都已保留" in body
    assert "窗口排队太久" in body
    assert body.count("checked") == 4  # the four answers given are still selected
    assert not SurveyResponse.objects.exists() and not Answer.objects.exists()


def test_tampered_choice_value_is_refused_and_nothing_is_saved(client, link):
    response = client.post(reverse("surveys:fill", args=[link.token]), {**ANSWERS, "duties": "very_satisfied'--"})
    assert response.status_code == 400
    assert "所选选项无效" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_unknown_link_says_so_in_chinese(client, db):
    response = client.get(reverse("surveys:fill", args=["not-a-real-token"]))
    assert response.status_code == 404 and "链接无效" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_closed_form_says_so_and_takes_nothing(client, link, method):
    link.form.closes_at = timezone.now()
    link.form.opens_at = link.form.closes_at - timezone.timedelta(days=7)
    link.form.save()
    response = getattr(client, method)(reverse("surveys:fill", args=[link.token]), ANSWERS)
    assert response.status_code == 410 and "已截止" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_issuing_twice_adds_no_second_link(evaluator, link):
    satisfaction_form_issue(campaign=link.form.campaign, actor=evaluator)
    assert link.form.links.count() == 1
