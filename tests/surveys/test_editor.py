"""The form editor: a whole definition saved at once, new question types, multi show-if, templates, the xlsx
layout, and the scoring link (a matrix's rows feed their indicators)."""

import io
import json
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from bianzhi.exceptions import ApplicationError
from evaluations.models import CampaignEvent
from surveys import importers
from surveys.definition import DefinitionError, Tree, definition_clean
from surveys.models import Answer, Form, FormTemplate
from surveys.selectors import form_definition, form_indicator_points, form_questions, staff_dimension_rates
from surveys.services import (
    ballot_submit,
    ballots_issue,
    form_create,
    survey_answers_clean,
    survey_links_issue,
    survey_response_submit,
)
from surveys.services.editor import (
    form_definition_import,
    form_definition_save,
    form_template_apply,
    form_template_save,
    form_tree,
    tag_names,
)

from ..factories import CampaignTargetFactory

pytestmark = pytest.mark.django_db

SCALE = [{"label": "满意", "points": 1}, {"label": "基本满意", "points": 0.6}, {"label": "不满意", "points": 0}]
TREE = Tree(indicators={"D1_01": "D1", "D6_08": "D6"}, dimensions=frozenset({"D1", "D6"}))


def built(kind="questionnaire"):
    """A form as an official builds it in the editor: a single choice with "other", a matrix of two rated
    dimensions, a follow-up shown only on two earlier answers, a number and a date."""
    return {"title": "新问卷", "intro": "说明", "questions": [
        {"type": "single_choice", "text": "您的身份", "options": [{"label": "干部"}, {"label": "群众"},
                                                               {"label": "其他", "other": True}]},
        {"type": "matrix", "text": "请评价以下方面", "options": SCALE,
         "rows": [{"label": "职能配置", "dimension": "D1"}, {"label": "履职尽责", "indicator": "D6_08"}]},
        {"type": "multiple_choice", "text": "存在哪些问题", "required": False, "min": 1, "max": 2,
         "options": [{"label": "职责交叉"}, {"label": "人员不足"}, {"label": "其他"}]},
        {"type": "long_text", "text": "请具体说明", "required": False,
         "show_if": [{"question": "q1", "values": ["o2"]}, {"question": "q3", "values": ["o2"]}]},
        {"type": "number", "text": "来办事的次数", "min": 0, "max": 100, "required": False},
        {"type": "date", "text": "最近一次办事日期", "required": False},
    ]}


@pytest.fixture
def campaign():
    return CampaignTargetFactory().campaign


@pytest.fixture
def form(campaign, evaluator):
    return form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))


def data(**values):
    q = QueryDict(mutable=True)
    for k, v in values.items():
        q.setlist(k, v if isinstance(v, list) else [v])
    return q


# ---------------------------------------------------------------------------------------------------------
# The definition (pure)
# ---------------------------------------------------------------------------------------------------------
def test_codes_are_generated_and_kept_and_show_if_follows_a_renamed_code():
    clean = definition_clean(built(), kind="questionnaire", tree=TREE)
    assert [q["code"] for q in clean["questions"]] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    assert [o["code"] for o in clean["questions"][0]["options"]] == ["o1", "o2", "o3"]
    assert clean["questions"][1]["rows"][1] == {"code": "r2", "label": "履职尽责", "indicator": "D6_08", "dimension": "D6"}
    assert clean["questions"][3]["show_if"] == [{"question": "q1", "values": ["o2"]}, {"question": "q3", "values": ["o2"]}]
    # a duplicate code (a copied card) gets a new one; kept codes stay
    twice = {"questions": [{"code": "duties", "type": "short_text", "text": "a"}, {"code": "duties", "type": "short_text", "text": "b"}]}
    assert [q["code"] for q in definition_clean(twice, kind="satisfaction", tree=TREE)["questions"]] == ["duties", "q1"]


@pytest.mark.parametrize("change, message", [
    (lambda d: d["questions"][1].update(rows=[]), "第 2 题：矩阵至少需要一行"),
    (lambda d: d["questions"][0].update(options=[{"label": "只有一个"}]), "第 1 题：至少需要两个选项"),
    (lambda d: d["questions"][3].update(show_if=[{"question": "q5", "values": ["o1"]}]), "只能依据它前面的选择题"),
    (lambda d: d["questions"][0].update(type="file"), "这类表册不能使用该题型"),
    (lambda d: d["questions"][1]["rows"][0].update(indicator="D9_09"), "第 2 题第 1 行：没有这个评估指标"),
    (lambda d: d["questions"][0]["options"][0].update(points=3), "须在 0 至 1 之间"),
    (lambda d: d["questions"][4].update(min=5, max=1), "最大值须大于最小值"),
])
def test_a_wrong_definition_names_the_question(change, message):
    definition = built()
    change(definition)
    with pytest.raises(DefinitionError) as info:
        definition_clean(definition, kind="questionnaire", tree=TREE)
    assert any(message in e for e in info.value.errors), info.value.errors


# ---------------------------------------------------------------------------------------------------------
# Saving, answering, the scoring link
# ---------------------------------------------------------------------------------------------------------
def test_the_editor_replaces_the_questions_and_records_one_event(form, evaluator):
    form_definition_save(form=form, definition=built(), actor=evaluator)
    form.refresh_from_db()
    assert form.title == "新问卷" and form.questions.count() == 6
    matrix = form.questions.get(position=2)
    assert matrix.type == "matrix" and matrix.points == {"o1": 1.0, "o2": 0.6, "o3": 0.0}
    event = form.campaign.events.get(type=CampaignEvent.Type.FORM_EDITED)
    assert "新增 6 道" in event.sentence and "删除 10 道" in event.sentence
    assert form_definition(form=form)["questions"][0]["options"][2]["other"] is True


def test_saving_the_editor_unchanged_writes_and_records_nothing(form, evaluator):
    form_definition_save(form=form, definition=built(), actor=evaluator)
    form = Form.objects.get(pk=form.pk)
    before = (form.updated_at, list(form.questions.values_list("pk", "position")))
    form_definition_save(form=form, definition=form_definition(form=form), actor=evaluator)
    form.refresh_from_db()
    assert (form.updated_at, list(form.questions.values_list("pk", "position"))) == before
    assert form.campaign.events.filter(type=CampaignEvent.Type.FORM_EDITED).count() == 1


def test_editing_stops_when_the_form_opens(form, evaluator):
    form.opens_at = timezone.now() - timedelta(minutes=1)
    form.save()
    with pytest.raises(ApplicationError, match="已开始填报"):
        form_definition_save(form=form, definition=built(), actor=evaluator)


def test_answers_of_every_new_type_are_checked_on_the_server(form, evaluator):
    form_definition_save(form=form, definition=built(), actor=evaluator)
    questions = form_questions(form=Form.objects.get(pk=form.pk))
    good = data(q1="o3", q1__other="外单位", q2__r1="o1", q2__r2="o2", q3=["o2"], q4="因为人少", q5="3", q6="2026-11-30")
    cleaned = survey_answers_clean(questions=questions, data=good)
    assert cleaned["q2"] == {"r1": "o1", "r2": "o2"} and cleaned["q1__other"] == "外单位"
    assert "q4" not in cleaned  # shown only when q1 is 群众 AND q3 includes 人员不足
    cleaned = survey_answers_clean(questions=questions, data=data(q1="o2", q2__r1="o1", q2__r2="o1", q3=["o2"], q4="x"))
    assert cleaned["q4"] == "x"
    for bad, code, message in [
        (data(q1="o1", q2__r1="o1"), "q2", "请为每一行选择一项"),
        (data(q1="o3", q2__r1="o1", q2__r2="o1"), "q1", "请填写说明"),
        (data(q1="o1", q2__r1="o1", q2__r2="o1", q3=["o1", "o2", "o3"]), "q3", "最多选择 2 项"),
        (data(q1="o1", q2__r1="o1", q2__r2="o1", q5="101"), "q5", "不能大于 100"),
        (data(q1="o1", q2__r1="o1", q2__r2="o1", q6="2026-13-01"), "q6", "请填写日期"),
        (data(q1="o1", q2__r1="o9", q2__r2="o1"), "q2", "选项无效"),
    ]:
        with pytest.raises(ValidationError) as info:
            survey_answers_clean(questions=questions, data=bad)
        assert message in info.value.message_dict[code][0], (code, info.value.message_dict)


def test_a_matrix_row_feeds_its_indicator_in_scoring(form, evaluator):
    form_definition_save(form=form, definition=built(), actor=evaluator)
    Form.objects.filter(pk=form.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    form.refresh_from_db()
    survey_links_issue(form=form, actor=evaluator)
    link = form.links.get()
    for row2 in ("o1", "o2"):
        survey_response_submit(link=link, data=data(q1="o1", q2__r1="o1", q2__r2=row2))
    stored = Answer.objects.filter(question__type="matrix").first()
    assert stored.value in ({"r1": "o1", "r2": "o1"}, {"r1": "o1", "r2": "o2"})
    points = form_indicator_points(form.campaign, ("questionnaire",))["questionnaire"][link.target_id]
    assert points["D6_08"] == (pytest.approx(0.8), 2)


def test_a_staff_assessment_matrix_counts_per_row_and_dimension(campaign, evaluator, settings):
    settings.SURVEY_MIN_RESPONSES_FOR_STATS = 2
    form = form_create(campaign=campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    form_definition_save(form=form, definition={"questions": [
        {"type": "matrix", "text": "请评价", "options": SCALE, "counts_for_satisfaction": True,
         "rows": [{"label": "职能配置", "dimension": "D1"}, {"label": "履职尽责", "dimension": "D6"}]}]}, actor=evaluator)
    Form.objects.filter(pk=form.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    target = campaign.targets.get()
    box = ballots_issue(form=Form.objects.get(pk=form.pk), target=target, actor=evaluator, count=2)
    for ballot, r2 in zip(box.ballots.all(), ("o1", "o3"), strict=True):
        ballot_submit(code=ballot.code, data=data(q1__r1="o1", q1__r2=r2))
    rates = staff_dimension_rates(campaign)[target.pk]
    assert rates["D1"] == (1.0, 2) and rates["D6"] == (0.5, 2)


# ---------------------------------------------------------------------------------------------------------
# Templates and the xlsx layout
# ---------------------------------------------------------------------------------------------------------
def test_a_template_saved_this_year_starts_next_years_form(form, evaluator):
    form_definition_save(form=form, definition=built(), actor=evaluator)
    template = form_template_save(form=Form.objects.get(pk=form.pk), name="2026 年问卷", actor=evaluator)
    next_year = form_create(campaign=CampaignTargetFactory().campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator,
                            opens_at=timezone.now() + timedelta(days=1))
    form_template_apply(form=next_year, template=FormTemplate.objects.get(pk=template.pk), actor=evaluator)
    definition = form_definition(form=next_year)
    assert [q["text"] for q in definition["questions"]] == [q["text"] for q in built()["questions"]]
    assert definition["questions"][3]["show_if"] == [{"question": "q1", "values": ["o2"]}, {"question": "q3", "values": ["o2"]}]


def test_the_xlsx_layout_round_trips_with_labels_only(form, evaluator):
    form_definition_save(form=form, definition=built(), actor=evaluator)
    form = Form.objects.get(pk=form.pk)
    data_bytes = importers.definition_xlsx(form_definition(form=form), tag_names=tag_names(form))
    sheet = openpyxl.load_workbook(io.BytesIO(data_bytes))["题目"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "第1题=群众；第3题=人员不足" in cells and "履职尽责" in cells  # labels and names, no codes
    assert not any(isinstance(c, str) and c in {"q1", "o2", "D6_08", "r1"} for c in cells)
    before = form_definition(form=form)["questions"]
    form_definition_import(form=form, data=data_bytes, actor=evaluator)
    after = form_definition(form=Form.objects.get(pk=form.pk))["questions"]
    assert after == before


def test_a_bad_workbook_is_refused_whole_with_cells_named(form, evaluator):
    form_definition_save(form=form, definition=built(), actor=evaluator)
    form = Form.objects.get(pk=form.pk)
    book = openpyxl.load_workbook(io.BytesIO(importers.definition_xlsx(form_definition(form=form), tag_names=tag_names(form))))
    sheet = book["题目"]
    sheet["B2"] = "签名题"
    sheet.append(["", "矩阵行", "多出来的行", "", "", "", "没有的指标", "", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ApplicationError) as info:
        form_definition_import(form=form, data=out.getvalue(), actor=evaluator)
    errors = info.value.extra["errors"]
    assert any("第2行「题型」" in e for e in errors) and any("「维度或指标」" in e and "没有的指标" in e for e in errors)
    assert form.questions.count() == 6  # nothing changed


# ---------------------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------------------
def test_the_editor_page_saves_and_refuses_with_reasons(client, form, evaluator):
    client.force_login(evaluator)
    url = reverse("surveys:form_editor", args=[form.pk])
    page = client.get(url)
    assert page.status_code == 200 and "editor-data" in page.content.decode()
    bad = built()
    bad["questions"][1]["rows"] = []
    refused = client.post(url, {"definition": json.dumps(bad)})
    assert refused.status_code == 400 and "矩阵至少需要一行" in refused.content.decode()
    assert client.post(url, {"definition": json.dumps(built())}).status_code == 302
    preview = client.post(reverse("surveys:form_preview", args=[form.pk]), {"definition": json.dumps(built())})
    body = preview.content.decode()
    assert 'name="q2__r1"' in body and 'data-show-when="q1=o2;q3=o2"' in body and "disabled" in body


def test_the_tree_names_the_tags(form):
    tree = form_tree(form)
    assert tree.indicators["D6_08"] == "D6" and tag_names(form)["D6_08"] == tree_name(form, "D6_08")


def tree_name(form, code):
    from evaluations.indicators import campaign_indicators

    return campaign_indicators(form.campaign)[code].name


def test_a_number_above_a_million_is_refused(form, evaluator):
    form_definition_save(form=form, definition=built(), actor=evaluator)
    questions = form_questions(form=Form.objects.get(pk=form.pk))
    with pytest.raises(ValidationError):
        survey_answers_clean(questions=questions, data=data(q1="o1", q2__r1="o1", q2__r2="o1", q5=str(Decimal("1e7"))))
