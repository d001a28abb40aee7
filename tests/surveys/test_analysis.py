"""Results per question: counts and percentages, the filters (unit, dimension, date, another answer), the
cross-tab, and the staff assessment's aggregate-only view above its minimum count."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.analysis import Filters, form_analysis
from surveys.models import Form, SurveyResponse
from surveys.services import ballot_submit, ballots_issue, form_create, survey_links_issue, survey_response_submit
from surveys.services.editor import form_definition_save

from ..factories import CampaignTargetFactory

pytestmark = pytest.mark.django_db

SCALE = [{"label": "满意", "points": 1}, {"label": "基本满意", "points": 0.6}, {"label": "不满意", "points": 0}]
QUESTIONS = [
    {"type": "single_choice", "text": "身份", "options": [{"label": "干部"}, {"label": "群众"}]},
    {"type": "matrix", "text": "评价", "options": SCALE, "counts_for_satisfaction": True,
     "rows": [{"label": "职能配置", "dimension": "D1"}, {"label": "履职尽责", "dimension": "D6"}]},
    {"type": "number", "text": "次数", "min": 0, "max": 10, "required": False},
    {"type": "short_text", "text": "一句话", "required": False},
]


def opened(form, evaluator, questions=QUESTIONS):
    form_definition_save(form=form, definition={"questions": questions}, actor=evaluator)
    Form.objects.filter(pk=form.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    return Form.objects.get(pk=form.pk)


@pytest.fixture
def answered(evaluator):
    target = CampaignTargetFactory()
    other = CampaignTargetFactory(campaign=target.campaign)
    form = form_create(campaign=target.campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    form = opened(form, evaluator)
    survey_links_issue(form=form, actor=evaluator)
    sheets = [(target, "o1", "o1", "o3", "2", "窗口 排队 太久"), (target, "o2", "o2", "o1", "9", "排队 太久"),
              (other, "o2", "o1", "o1", "4", "满意")]
    for unit, who, r1, r2, n, text in sheets:
        survey_response_submit(link=form.links.get(target=unit, window=""),
                               data={"q1": who, "q2__r1": r1, "q2__r2": r2, "q3": n, "q4": text})
    return form, target, other


def test_each_question_gets_its_chart_counts_and_percentages(answered):
    form, _target, _other = answered
    result = form_analysis(form=form, filters=Filters())
    single, matrix, number, text = result.questions
    assert result.responses == 3 and single.chart == "pie" and matrix.chart == "stacked"
    assert single.rows == [{"label": "干部", "count": 1, "percent": "33.3%"}, {"label": "群众", "count": 2, "percent": "66.7%"}]
    assert matrix.matrix["series"] == [{"name": "满意", "data": [2, 2]}, {"name": "基本满意", "data": [1, 0]},
                                       {"name": "不满意", "data": [0, 1]}]
    assert number.chart == "histogram" and sum(r["count"] for r in number.rows) == 3 and number.mean == 5
    assert text.chart == "words" and ("排队", 2) in text.words and ("太久", 2) in text.words


def test_filters_and_the_cross_tab(answered):
    form, target, other = answered
    assert form_analysis(form=form, filters=Filters(target_id=other.pk)).responses == 1
    only = form_analysis(form=form, filters=Filters(where_question="q1", where_value="o2"))
    assert only.responses == 2 and only.questions[0].rows[1]["count"] == 2
    assert form_analysis(form=form, filters=Filters(dimension="D6")).questions[0].question.code == "q2"
    SurveyResponse.objects.filter(form=form, target=other).update(submitted_on=date(2026, 1, 1))
    assert form_analysis(form=form, filters=Filters(date_from=date(2026, 6, 1))).responses == 2
    crossed = form_analysis(form=form, filters=Filters(by="q1"))
    assert crossed.questions[0].cross is None  # not by itself
    by_text = form_analysis(form=form, filters=Filters(by="q1"))
    assert by_text.questions[1].cross is None  # a matrix is read in its own table


def test_the_staff_assessment_is_aggregate_only_above_its_minimum(evaluator, settings):
    settings.SURVEY_MIN_RESPONSES_FOR_STATS = 3
    target = CampaignTargetFactory()
    small = CampaignTargetFactory(campaign=target.campaign)
    form = form_create(campaign=target.campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    form = opened(form, evaluator, QUESTIONS[:2] + [{"type": "long_text", "text": "意见", "required": False}])
    for unit, n in ((target, 3), (small, 2)):
        box = ballots_issue(form=form, target=unit, actor=evaluator, count=n)
        for ballot in box.ballots.all():
            ballot_submit(code=ballot.code, data={"q1": "o1", "q2__r1": "o1", "q2__r2": "o2", "q3": "说真话"})
    result = form_analysis(form=form, filters=Filters(date_from=date(2030, 1, 1), where_question="q1", where_value="o2"))
    assert result.aggregate_only and result.responses == 3 and result.hidden_units == 1
    assert [q.question.code for q in result.questions] == ["q1", "q2"]  # no comments here
    assert result.questions[0].rows[0]["count"] == 3  # the small unit is not counted, the filters ignored
    assert result.questions[1].matrix["series"][0]["data"] == [3, 0]
    assert form_analysis(form=form, filters=Filters(target_id=small.pk)).responses == 0
    client = Client()
    client.force_login(evaluator)
    page = client.get(reverse("surveys:analysis", args=[form.pk]) + "?by=q1&from=2030-01-01").content.decode()
    assert 'id="aggregate-note"' in page and 'name="by"' not in page and 'name="from"' not in page
