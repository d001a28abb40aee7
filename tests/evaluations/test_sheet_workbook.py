"""The long sheets in Excel (自评表): one scale from the tree's full marks, downloaded pre-filled, uploaded back
all or nothing with the problems named by row and column."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from bianzhi.exceptions import ApplicationError
from evaluations import services
from evaluations.indicators import campaign_indicators, indicator_scale
from evaluations.models import Campaign, SelfAssessmentItem
from evaluations.selectors import self_assessment_workbook
from evaluations.sheet_workbook import SELF_ASSESSMENT, indicator_workbook_read

from .conftest import advance_to

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_tree(db):
    """The default template with its guidelines (a browser test's flush removes the migration's copy)."""
    from scoring.services import default_template_ensure

    return default_template_ensure()
S = Campaign.Status


def workbook_of(world) -> openpyxl.Workbook:
    assessment = services.current_self_assessment(world.target)
    return openpyxl.load_workbook(io.BytesIO(self_assessment_workbook(target=world.target, assessment=assessment)))


def filled(wb: openpyxl.Workbook, value=lambda row: 8, note="情况属实") -> bytes:
    ws = wb["自评表"]
    for row in ws.iter_rows(min_row=2):
        negative = "起数" in str(row[4].value)
        row[5].value = 0 if negative else value(row)
        row[6].value = note
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_one_scale_from_the_trees_full_marks():
    from evaluations.indicators import CampaignIndicator

    points = indicator_scale(CampaignIndicator(code="D1_01", name="x", dimension_code="D1", full_marks=Decimal("15")))
    assert (points.low, points.high, points.decimals, points.label) == (0, 15, 1, "0–15 分，最多 1 位小数")
    assert points.error(Decimal("15")) == "" and points.error(Decimal("15.5")) == "须在 0 至 15 之间"
    assert points.error(Decimal("7.25")) == "最多保留 1 位小数"
    count = indicator_scale(CampaignIndicator(code="D6_10", name="x", dimension_code="D6", negative=True))
    assert count.counts and count.error(Decimal("1.5")) == "请输入整数" and count.error(Decimal(2)) == ""


def test_the_download_has_chinese_headers_instructions_every_indicator_and_the_scale_as_validation(world):
    advance_to(world, S.SELF_ASSESSMENT)
    services.self_assessment_save(target=world.target, actor=world.liaison, items={"D1_01": (Decimal("9.5"), "依法设立")})
    wb = workbook_of(world)
    assert wb.sheetnames == ["填写说明", "自评表"]
    assert "其余列请勿修改" in "".join(str(c.value) for c in wb["填写说明"]["A"])
    ws = wb["自评表"]
    assert [c.value for c in ws[1]] == ["编号", "维度", "指标", "评分标准", "分值范围", "自评分", "情况说明"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(campaign_indicators(world.campaign)) == 41
    first = rows[0]
    assert first[0] == "D1_01" and first[5] == 9.5 and first[6] == "依法设立" and first[4] == "0–10 分，最多 1 位小数"
    assert first[3], "the indicator's guideline is in the row"
    checks = ws.data_validations.dataValidation
    assert len(checks) == 41 and {(c.formula1, c.formula2) for c in checks} == {("0", "10")}
    assert {c.type for c in checks} == {"decimal", "whole"}  # the negative indicator takes a count


def test_an_upload_with_one_bad_row_saves_nothing_and_names_the_row(world):
    advance_to(world, S.SELF_ASSESSMENT)
    wb = workbook_of(world)
    wb["自评表"]["F5"] = 12  # D1_04 on a 0–10 scale
    data = filled(wb, value=lambda row: 12 if row[0].row == 5 else 8)
    read = services.self_assessment_import(target=world.target, actor=world.liaison, data=data)
    assert read.issue_total == 1 and not read.values
    issue = read.issues[0]
    assert (issue.sheet, issue.row, issue.column, issue.header) == ("自评表", 5, 6, "自评分")
    assert "须在 0 至 10 之间" in issue.message
    assert not SelfAssessmentItem.objects.filter(assessment__target=world.target, score__isnull=False).exists()


def test_a_good_upload_fills_all_41_rows_and_records_one_event(world):
    advance_to(world, S.SELF_ASSESSMENT)
    read = services.self_assessment_import(target=world.target, actor=world.liaison, data=filled(workbook_of(world)))
    assert read.issue_total == 0 and len(read.values) == 41
    items = SelfAssessmentItem.objects.filter(assessment__target=world.target)
    assert items.filter(score__isnull=True).count() == 0 and items.filter(narrative="情况属实").count() == 41
    assert world.campaign.events.filter(type="self_saved").count() == 1
    again = workbook_of(world)  # the download now carries what was uploaded
    assert {r[5] for r in again["自评表"].iter_rows(min_row=2, values_only=True)} == {8, 0}


@pytest.mark.parametrize("change, message", [
    (lambda ws: ws.cell(row=3, column=1, value="X9_99"), "不是本次评估的指标"),
    (lambda ws: ws.cell(row=3, column=1, value="D1_01"), "重复"),
    (lambda ws: ws.cell(row=3, column=6, value="很好"), "应填写数字"),
    (lambda ws: setattr(ws["F3"], "value", None), "请同时填写自评分"),
    (lambda ws: ws.cell(row=3, column=6, value="=1+7"), "是公式"),
    (lambda ws: ws.cell(row=1, column=6, value="分数"), "缺少表头“自评分”"),
])
def test_each_kind_of_mistake_is_named(world, change, message):
    advance_to(world, S.SELF_ASSESSMENT)
    wb = openpyxl.load_workbook(io.BytesIO(filled(workbook_of(world))))
    change(wb["自评表"])
    out = io.BytesIO()
    wb.save(out)
    read = services.self_assessment_import(target=world.target, actor=world.liaison, data=out.getvalue())
    assert read.issue_total >= 1 and any(message in i.message for i in read.issues), [str(i) for i in read.issues]
    assert not SelfAssessmentItem.objects.filter(assessment__target=world.target, score__isnull=False).exists()


def test_not_a_workbook_is_refused_in_chinese():
    read = indicator_workbook_read(b"not an xlsx", layout=SELF_ASSESSMENT, scales={}, names={})
    assert read.issue_total == 1 and "不是 Excel 工作簿" in read.issues[0].message


def test_only_the_units_liaison_and_only_while_writable(world):
    advance_to(world, S.SELF_ASSESSMENT)
    data = filled(workbook_of(world))
    with pytest.raises(PermissionDenied):
        services.self_assessment_import(target=world.target, actor=world.other_liaison, data=data)
    with pytest.raises(PermissionDenied):
        services.self_assessment_import(target=world.target, actor=world.evaluator, data=data)
    Campaign.objects.filter(pk=world.campaign.pk).update(status=S.CLOSED)
    with pytest.raises(ApplicationError):
        services.self_assessment_import(target=world.target, actor=world.liaison, data=data)
    assert not SelfAssessmentItem.objects.filter(score__isnull=False).exists()


def test_the_pages_download_and_upload(world):
    advance_to(world, S.SELF_ASSESSMENT)
    liaison = Client()
    liaison.force_login(world.liaison)
    download = liaison.get(reverse("evaluations:self_assessment_xlsx", args=[world.target.pk]))
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(download.content))
    wb["自评表"]["F2"] = 11
    out = io.BytesIO()
    wb.save(out)
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("evaluations:self_assessment_import", args=[world.target.pk])
    refused = liaison.post(url, {"file": SimpleUploadedFile("自评.xlsx", out.getvalue())})
    assert refused.status_code == 400 and "整份文件没有保存" in refused.content.decode()
    page = liaison.get(reverse("evaluations:self_assessment", args=[world.target.pk])).content.decode()
    assert "还有 41 项未填" in page and 'href="#ind-D1_01"' in page
    good = liaison.post(url, {"file": SimpleUploadedFile("自评.xlsx", filled(workbook_of(world)))}, follow=True)
    assert "已从 Excel 填入 41 项指标" in good.content.decode() and "全部指标已填写" in good.content.decode()


def test_stored_scores_are_converted_to_the_one_scale(world):
    """The migration's conversion: a 0–100 self-score becomes points of the tree's full marks; on the negative
    indicator, the incidents its deduction rule gives that score; a 0–20 sheet question rescaled linearly."""
    import importlib

    from django.apps import apps

    from surveys.models import Form, Question, SheetEntry, SheetSignoff
    from surveys.services import form_create

    convert = importlib.import_module("scoring.migrations.0007_h17_one_scale").convert
    advance_to(world, S.SELF_ASSESSMENT)
    items = SelfAssessmentItem.objects.filter(assessment__target=world.target)
    items.filter(indicator_code="D1_01").update(score=Decimal("85"))
    items.filter(indicator_code="D6_10").update(score=Decimal("50"))
    sheet = form_create(campaign=world.campaign, kind=Form.Kind.EVALUATION_SHEET, actor=world.evaluator)
    question = sheet.questions.get(indicator="D1_01")
    Question.objects.filter(pk=question.pk).update(max_score=20, decimals=1)
    SheetEntry.objects.create(question=question, target=world.target, evaluator=world.evaluator, score=Decimal("15"))
    SheetSignoff.objects.create(form=sheet, target=world.target, signed_by=world.evaluator, scores={question.code: "15"})
    convert(apps, None)
    assert items.get(indicator_code="D1_01").score == Decimal("8.5")
    assert items.get(indicator_code="D6_10").score == Decimal("1")  # 50 = 10 − 5 × 1 incident
    question.refresh_from_db()
    assert (question.min_score, question.max_score) == (0, 10)
    assert SheetEntry.objects.get(question=question).score == Decimal("7.5")
    assert SheetSignoff.objects.get(form=sheet).scores[question.code] == "7.5"
