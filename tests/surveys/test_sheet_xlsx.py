"""The evaluation sheet (评估表) in Excel: downloaded with the evaluator's draft, uploaded back all or nothing,
on the scale the self-assessment uses; the page marks what is still to score."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations.models import Campaign
from surveys.models import SheetEntry
from surveys.selectors import sheet_workbook
from surveys.services import sheet_entries_save, sheet_import, sheet_settings_update, sheet_signoff

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_tree(db):
    """The default template with its guidelines (a browser test's flush removes the migration's copy)."""
    from scoring.services import default_template_ensure

    return default_template_ensure()


def upload(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def filled(sheet, target, evaluator, value=lambda n: 7) -> openpyxl.Workbook:
    wb = openpyxl.load_workbook(io.BytesIO(sheet_workbook(form=sheet, target=target, evaluator=evaluator)))
    for n, row in enumerate(wb["评估表"].iter_rows(min_row=2), start=2):
        row[5].value = 0 if "起数" in str(row[4].value) else value(n)
        row[6].value = f"理由{n}"
    return wb


def test_the_round_trip_download_fill_upload_and_sign(sheet, target, evaluator):
    sheet_entries_save(form=sheet, target=target, evaluator=evaluator, data={"d1_01": "9.5", "d1_01_reason": "依法"})
    wb = openpyxl.load_workbook(io.BytesIO(sheet_workbook(form=sheet, target=target, evaluator=evaluator)))
    ws = wb["评估表"]
    assert [c.value for c in ws[1]] == ["编号", "维度", "指标", "评分标准", "分值范围", "评分", "评分理由"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 41 and rows[0][0] == "D1_01" and rows[0][5] == 9.5 and rows[0][6] == "依法"
    assert rows[0][4] == "0–10 分，最多 1 位小数" and rows[0][1]  # the dimension's name, not a code
    assert len(ws.data_validations.dataValidation) == 41

    # one bad row: refused, named, nothing saved (not even the good rows)
    bad = filled(sheet, target, evaluator, value=lambda n: 10.5 if n == 4 else 7)
    read = sheet_import(form=sheet, target=target, evaluator=evaluator, data=upload(bad))
    assert read.issue_total == 1 and (read.issues[0].row, read.issues[0].header) == (4, "评分")
    assert "须在 0 至 10 之间" in read.issues[0].message
    assert SheetEntry.objects.filter(target=target).count() == 1

    read = sheet_import(form=sheet, target=target, evaluator=evaluator, data=upload(filled(sheet, target, evaluator)))
    assert read.issue_total == 0 and len(read.values) == 41
    entries = SheetEntry.objects.filter(target=target, evaluator=evaluator)
    assert entries.count() == 41 and entries.get(question__code="d1_01").score == Decimal("7")
    assert entries.get(question__code="d1_02").reason == "理由3"
    again = openpyxl.load_workbook(io.BytesIO(sheet_workbook(form=sheet, target=target, evaluator=evaluator)))
    assert [r[5] for r in again["评估表"].iter_rows(min_row=2, max_row=3, values_only=True)] == [7, 7]

    sheet_settings_update(form=sheet, combine=sheet.combine, spread_limit=sheet.spread_limit, lead_evaluator=evaluator,
                          actor=evaluator)
    sheet_signoff(form=sheet, target=target, actor=evaluator)
    with pytest.raises(ApplicationError, match="已由评估组长签署"):  # signed: the upload is refused too
        sheet_import(form=sheet, target=target, evaluator=evaluator, data=upload(filled(sheet, target, evaluator)))


def test_only_the_team_and_only_while_writable(sheet, target, evaluator):
    data = upload(filled(sheet, target, evaluator))
    for intruder in (UserFactory(role=User.Role.LIAISON, unit=target.unit), UserFactory(role=User.Role.LEADER)):
        with pytest.raises(PermissionDenied):
            sheet_import(form=sheet, target=target, evaluator=intruder, data=data)
    Campaign.objects.filter(pk=sheet.campaign_id).update(status=Campaign.Status.CLOSED)
    with pytest.raises(ApplicationError):
        sheet_import(form=sheet, target=target, evaluator=evaluator, data=data)
    assert not SheetEntry.objects.exists()


def test_the_page_marks_rows_to_score_and_takes_the_upload(sheet, target, evaluator):
    client = Client()
    client.force_login(evaluator)
    url = reverse("surveys:sheet", args=[sheet.pk, target.pk])
    page = client.get(url).content.decode()
    assert "还有 41 项未评分" in page and 'href="#row-d1_01"' in page and "评分标准" in page
    assert page.count('type="file"') == 2  # one picker for the page (moved into a row when opened) + the xlsx
    download = client.get(reverse("surveys:sheet_xlsx", args=[sheet.pk, target.pk]))
    assert download.status_code == 200
    post = reverse("surveys:sheet_xlsx_upload", args=[sheet.pk, target.pk])
    bad = filled(sheet, target, evaluator, value=lambda n: "很好" if n == 2 else 7)
    refused = client.post(post, {"file": SimpleUploadedFile("评估表.xlsx", upload(bad))})
    assert refused.status_code == 400 and "应填写数字" in refused.content.decode()
    done = client.post(post, {"file": SimpleUploadedFile("评估表.xlsx", upload(filled(sheet, target, evaluator)))},
                       follow=True).content.decode()
    assert "已从 Excel 填入 41 项评分" in done and "我已为全部指标评分" in done
