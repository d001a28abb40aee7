"""Form definitions: the four default templates, question types, show-if, a campaign's own editable copy."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bianzhi.exceptions import ApplicationError
from evaluations.models import CampaignEvent
from scoring.indicators import DIMENSIONS, INDICATORS
from surveys.defaults import FORM_KINDS, form_template
from surveys.models import Answer, Form, Question
from surveys.services import form_create, question_update, survey_answers_clean, survey_links_issue

from ..factories import CampaignFactory, CampaignTargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    return CampaignTargetFactory().campaign


def test_every_default_question_feeds_a_real_dimension_and_indicator():
    for kind in FORM_KINDS:
        template = form_template(kind, DIMENSIONS)
        codes = [q["code"] for q in template["questions"]]
        assert len(codes) == len(set(codes)), kind
        for q in template["questions"]:
            if q.get("dimension"):
                assert q["dimension"] in {d.code for d in DIMENSIONS}, (kind, q["code"])
            if q.get("indicator"):
                assert q["indicator"] in INDICATORS and q["indicator"].startswith(q["dimension"]), (kind, q["code"])
            for value in q.get("points", {}):
                assert value in {v for v, _label in q["choices"]}, (kind, q["code"])


def test_the_evaluation_sheet_scores_all_41_indicators_and_the_staff_form_all_8_dimensions(campaign, evaluator):
    sheet = form_create(campaign=campaign, kind=Form.Kind.EVALUATION_SHEET, actor=evaluator)
    assert sorted(sheet.questions.values_list("indicator", flat=True)) == sorted(INDICATORS)
    assert set(sheet.questions.values_list("type", flat=True)) == {Question.Type.SCORE}
    staff = form_create(campaign=campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator)
    rated = staff.questions.filter(counts_for_satisfaction=True)
    assert sorted(rated.values_list("dimension", flat=True)) == [d.code for d in DIMENSIONS]


def test_each_campaign_gets_its_own_copy_and_creating_twice_adds_nothing(campaign, evaluator):
    first = form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator)
    again = form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator)
    other = form_create(campaign=CampaignFactory(), kind=Form.Kind.QUESTIONNAIRE, actor=evaluator)
    assert first.pk == again.pk and first.questions.count() == len(form_template("questionnaire", DIMENSIONS)["questions"])
    assert other.pk != first.pk and other.questions.count() == first.questions.count()
    assert campaign.events.filter(data__form="questionnaire").count() == 1


def test_a_question_is_editable_until_the_form_opens(campaign, evaluator):
    form = form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    question = form.questions.get(code="respondent")
    question_update(question=question, actor=evaluator, text="您的身份：", choices=[["staff", "职工"], ["other", "其他"]])
    question.refresh_from_db()
    assert question.text == "您的身份：" and question.choice_values == {"staff", "other"}
    form.opens_at = timezone.now() - timedelta(minutes=1)
    form.save()
    with pytest.raises(ApplicationError, match="题目不能再修改"):
        question_update(question=question, actor=evaluator, text="改")
    question.refresh_from_db()
    assert question.text == "您的身份："


def test_question_edit_refuses_duplicate_options_and_other_fields(campaign, evaluator):
    form = form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    question = form.questions.get(code="respondent")
    with pytest.raises(ApplicationError, match="不重复"):
        question_update(question=question, actor=evaluator, choices=[["a", "甲"], ["a", "乙"]])
    with pytest.raises(ApplicationError, match="不能修改"):
        question_update(question=question, actor=evaluator, indicator="D1_01")


def test_question_edit_page_keeps_what_was_typed_on_an_error(campaign, evaluator):
    form = form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    question = form.questions.get(code="respondent")
    client = Client()
    client.force_login(evaluator)
    url = reverse("surveys:question_edit", args=[form.pk, question.pk])
    response = client.post(url, {"text": "新的题目文字", "choices": "a=甲"})
    assert response.status_code == 400 and "新的题目文字" in response.content.decode()
    assert "至少需要两个" in response.content.decode()


# ---------------------------------------------------------------------------------------------------------
# Question types
# ---------------------------------------------------------------------------------------------------------
@pytest.fixture
def questionnaire(campaign, evaluator):
    return list(form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator).questions.all())


VALID = {"respondent": "staff", "duty_overlap": "good", "quota_fit": "fair", "division_of_work": "very_good",
         "cooperation": "good", "workload": "poor", "overall": "7.5"}


def test_all_types_are_cleaned_to_their_values(questionnaire):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.update(VALID)
    data.setlist("problems", ["other", "overlap"])
    data["problems_other"] = "编外人员多"
    data["suggestion"] = "建议"
    cleaned = survey_answers_clean(questions=questionnaire, data=data)
    assert cleaned["overall"] == Decimal("7.5")
    assert cleaned["problems"] == ["overlap", "other"]  # in the options' order
    assert cleaned["problems_other"] == "编外人员多" and cleaned["respondent"] == "staff"


@pytest.mark.parametrize("raw, message", [
    ("10.5", "0 至 10 之间"), ("-1", "0 至 10 之间"), ("7.25", "最多保留 1 位小数"), ("七", "请输入数字"),
    ("NaN", "请输入数字"),
])
def test_a_score_out_of_range_or_too_precise_is_refused_not_clamped(questionnaire, raw, message):
    with pytest.raises(ValidationError) as info:
        survey_answers_clean(questions=questionnaire, data={**VALID, "overall": raw})
    assert message in info.value.message_dict["overall"][0]


def test_score_bounds_are_accepted(questionnaire):
    for raw in ("0", "10", "10.0"):
        assert survey_answers_clean(questions=questionnaire, data={**VALID, "overall": raw})["overall"] == Decimal(raw)


def test_an_unknown_option_in_a_multiple_choice_is_refused(questionnaire):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.update(VALID)
    data.setlist("problems", ["overlap", "bribery"])
    with pytest.raises(ValidationError) as info:
        survey_answers_clean(questions=questionnaire, data=data)
    assert "problems" in info.value.message_dict


def test_show_if_drops_the_answer_of_a_hidden_question(questionnaire):
    cleaned = survey_answers_clean(questions=questionnaire, data={**VALID, "problems": "overlap", "problems_other": "x"})
    assert "problems_other" not in cleaned
    cleaned = survey_answers_clean(questions=questionnaire, data={**VALID, "problems": "other", "problems_other": "x"})
    assert cleaned["problems_other"] == "x"


def test_text_longer_than_allowed_is_refused(questionnaire):
    with pytest.raises(ValidationError) as info:
        survey_answers_clean(questions=questionnaire, data={**VALID, "problems": "other", "problems_other": "长" * 201})
    assert "200 字以内" in info.value.message_dict["problems_other"][0]


def test_questionnaire_link_saves_every_type_and_rerenders_checkboxes_on_error(client, campaign, evaluator):
    form = form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator)
    survey_links_issue(form=form, actor=evaluator)
    url = reverse("surveys:fill", args=[form.links.get().token])
    page = client.get(url).content.decode()
    assert 'type="checkbox"' in page and 'inputmode="decimal"' in page and 'data-show-when="problems=other"' in page
    bad = client.post(url, {**VALID, "overall": "11", "problems": ["overlap", "idle"]})
    body = bad.content.decode()
    assert bad.status_code == 400 and body.count("checked") == 8  # 6 radios + 2 checkboxes kept
    assert 'value="11"' in body
    assert client.post(url, {**VALID, "problems": ["overlap", "idle"]}).status_code == 302
    answers = {a.question.code: a for a in Answer.objects.select_related("question")}
    assert answers["problems"].choices == ["overlap", "idle"] and answers["overall"].number == Decimal("7.5")


def test_a_campaign_adds_its_own_question_of_each_type_and_removes_one(campaign, evaluator):
    from surveys.services import question_add, question_remove

    form = form_create(campaign=campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    score = question_add(form=form, actor=evaluator, type="score", text="人员岗位适应度打分", indicator="D3_05",
                         min_score=Decimal(0), max_score=Decimal(5), decimals=1)
    assert (score.code, score.position, score.dimension) == ("q10", 10, "D3")
    multi = question_add(form=form, actor=evaluator, type="multiple_choice", text="多选",
                         choices=[["a", "甲"], ["b", "乙"]], required=False)
    assert multi.code == "q11" and multi.choices == [["a", "甲"], ["b", "乙"]]
    with pytest.raises(ApplicationError, match="满分须高于最低分"):
        question_add(form=form, actor=evaluator, type="score", text="x", min_score=Decimal(5), max_score=Decimal(5))
    with pytest.raises(ApplicationError, match="没有这个评估指标"):
        question_add(form=form, actor=evaluator, type="short_text", text="x", indicator="D9_01")
    with pytest.raises(ApplicationError, match="不支持的题型"):
        question_add(form=form, actor=evaluator, type="signature", text="签名")
    with pytest.raises(ApplicationError, match="附件题只能用于评估表"):  # an anonymous form takes no files
        question_add(form=form, actor=evaluator, type="file", text="附件")
    question_remove(question=multi, actor=evaluator)
    assert list(form.questions.values_list("code", flat=True))[-1] == "q10"
    assert campaign.events.filter(type=CampaignEvent.Type.QUESTION_REMOVED).exists()


def test_a_question_others_depend_on_cannot_be_removed_and_an_open_form_takes_no_new_question(campaign, evaluator):
    from surveys.services import question_add, question_remove

    form = form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    with pytest.raises(ApplicationError, match="显示条件依赖此题"):
        question_remove(question=form.questions.get(code="problems"), actor=evaluator)
    form.opens_at = timezone.now() - timedelta(minutes=1)
    form.save()
    with pytest.raises(ApplicationError, match="已开始填报"):
        question_add(form=form, actor=evaluator, type="long_text", text="新题")
    assert not form.questions.filter(text="新题").exists()


def test_add_a_question_from_the_page_and_see_it_on_the_public_form(campaign, evaluator):
    form = form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    survey_links_issue(form=form, actor=evaluator)
    client = Client()
    client.force_login(evaluator)
    added = client.post(reverse("surveys:question_add", args=[form.pk]),
                        {"type": "single_choice", "text": "您是否了解本单位“三定”规定？", "choices": "yes=了解\nno=不了解",
                         "required": "on"}, follow=True)
    assert "题目已添加" in added.content.decode()
    form.opens_at = timezone.now() - timedelta(minutes=1)
    form.save()
    page = client.get(reverse("surveys:fill", args=[form.links.get().token])).content.decode()
    assert "您是否了解本单位“三定”规定？" in page and 'value="yes"' in page
