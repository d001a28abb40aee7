"""Readable everywhere (issue 15 #5): the office's form pages, the audit trail and the exports show wording,
labels and people's names, never codes ("D6 D6_08", "problems ∈ other", "duties=满意"), dicts or usernames.

Walks the pages and exports of a form built in the editor and answered, and looks for every code the form
has (questions, options, matrix rows, the tree's tags) in what a person reads: the pages' text (not their
markup or scripts) and every cell of the exports outside their codebook sheet."""

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import Export, Form
from surveys.services import export_build, form_create, survey_links_issue, survey_response_submit
from surveys.services.editor import form_definition_save

from ..factories import CampaignTargetFactory

pytestmark = pytest.mark.django_db

SCALE = [{"label": "满意", "points": 1}, {"label": "基本满意", "points": 0.6}, {"label": "不满意", "points": 0}]
DEFINITION = {"questions": [
    {"type": "single_choice", "text": "您的身份", "indicator": "D6_08",
     "options": [{"label": "干部"}, {"label": "群众"}, {"label": "其他情况", "other": True}]},
    {"type": "matrix", "text": "请评价以下方面", "options": SCALE,
     "rows": [{"label": "职能配置", "dimension": "D1"}, {"label": "履职尽责", "indicator": "D6_08"}]},
    {"type": "multiple_choice", "text": "存在哪些问题", "required": False,
     "options": [{"label": "职责交叉"}, {"label": "人员不足"}]},
    {"type": "long_text", "text": "请具体说明", "required": False, "show_if": [{"question": "q3", "values": ["o2"]}]},
    {"type": "number", "text": "办事次数", "required": False},
]}
CODES = {"q1", "q2", "q3", "q4", "q5", "o1", "o2", "o3", "r1", "r2", "D1", "D6", "D6_08"}
DICT_OR_SET = re.compile(r"\{'|': '|∈|\w+=\w+")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


def leaked(text: str) -> set[str]:
    words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", text))
    return (words & CODES) | set(DICT_OR_SET.findall(text))


@pytest.fixture
def answered(evaluator):
    evaluator.first_name = "王评估"
    evaluator.save()
    target = CampaignTargetFactory(unit__name="临川市可读局")
    form = form_create(campaign=target.campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator,
                       opens_at=timezone.now() + timedelta(days=1))
    form_definition_save(form=form, definition=DEFINITION, actor=evaluator)
    Form.objects.filter(pk=form.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    form = Form.objects.get(pk=form.pk)
    survey_links_issue(form=form, actor=evaluator)
    link = form.links.get(window="")
    for identity, r2 in (("o1", "o1"), ("o3", "o2"), ("o2", "o3")):
        survey_response_submit(link=link, data={"q1": identity, "q1__other": "外单位", "q2__r1": "o1", "q2__r2": r2,
                                                "q3": ["o1", "o2"], "q4": "人手少", "q5": "3"})
    return form, target


def test_the_office_pages_show_labels_and_names_never_codes(answered, evaluator):
    form, target = answered
    client = Client()
    client.force_login(evaluator)
    pages = [
        reverse("surveys:form_detail", args=[form.pk]),
        reverse("surveys:responses", args=[form.pk, target.pk]),
        reverse("surveys:results", args=[form.pk]),
        reverse("surveys:unit_results", args=[form.pk, target.pk]),
        reverse("surveys:analysis", args=[form.pk]) + "?by=q1",
        reverse("evaluations:campaign_detail", args=[form.campaign_id]),
    ]
    problems = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        if found := leaked(text) | ({evaluator.username} & set(text.split())):
            problems[url] = found
    assert not problems, problems
    review = visible_text(client.get(pages[1]).content.decode())
    assert "履职尽责：基本满意" in review and "其他情况（外单位）" in review and "职责交叉、人员不足" in review
    detail = visible_text(client.get(pages[0]).content.decode())
    assert "第 3 题选择了“人员不足”" in detail and "社会公众和服务对象满意度" in detail


def test_the_exports_have_chinese_headers_and_codes_only_in_the_codebook(answered, evaluator):
    form, _target = answered
    xlsx = export_build(export_id=Export.objects.create(form=form, format="xlsx").pk)
    book = openpyxl.load_workbook(io.BytesIO(xlsx.file.read()))
    assert book.sheetnames == ["答卷", "编码说明"]
    cells = " ".join(str(c) for row in book["答卷"].iter_rows(values_only=True) for c in row if c is not None)
    assert not leaked(cells), leaked(cells)
    assert "q2.r1" in " ".join(str(c) for row in book["编码说明"].iter_rows(values_only=True) for c in row if c)
    raw = export_build(export_id=Export.objects.create(form=form, format="csv").pk).file.read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    assert "2. 请评价以下方面：履职尽责" in rows[0]
    assert not leaked(" ".join(" ".join(r) for r in rows))
    client = Client()
    client.force_login(evaluator)
    analysis = openpyxl.load_workbook(io.BytesIO(client.get(reverse("surveys:analysis_export", args=[form.pk])).content))
    cells = " ".join(str(c) for row in analysis["统计"].iter_rows(values_only=True) for c in row if c is not None)
    assert not leaked(cells), leaked(cells)
    events = client.get(reverse("evaluations:campaign_events_export", args=[form.campaign_id]))
    text = b"".join(events.streaming_content).decode("utf-8-sig") if events.streaming else events.content.decode("utf-8-sig")
    assert "王评估" in text and not leaked(text) and evaluator.username not in text
