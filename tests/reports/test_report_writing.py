"""撰写报告: a unit's report drafted from its stored result, edited by its team, signed by the lead, frozen;
rendered as PDF and Word from the signed version; a 复核 revision makes a new version; the stages check it."""

import io
import subprocess
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations import services as ev
from evaluations.models import Campaign, CampaignEvent
from reports.followup.services import results_feed_back
from reports.models import Report, ReportVersion, SummaryReport
from reports.services import report_draft_save, report_sign, reports_generate_all
from reports.summary import summary_request, summary_text_save
from scoring.results import result_revise
from scoring.selectors import target_result

from ..factories import UserFactory
from .conftest import JUDGEMENT, PROBLEM
from .helpers import results_final

pytestmark = pytest.mark.django_db

TEXT = {"achievements": "严格执行三定规定。\n机构编制管理规范。", "problems": "个别内设机构名称与三定不符。",
        "suggestions": "限期更正门牌，三个月内报送整改情况。"}


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout.decode()


def docx_text(path) -> str:
    doc = Document(path if hasattr(path, "read") else str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def write_and_sign(world, target, capture):
    report_draft_save(target=target, actor=world.evaluator, **TEXT)
    with capture(execute=True):  # tasks run in-process in the tests
        return report_sign(target=target, actor=world.evaluator, confirmed=True)


def test_the_draft_is_prefilled_from_the_stored_result_and_signing_freezes_it(report_world, django_capture_on_commit_callbacks):
    world = report_world
    version = write_and_sign(world, world.target, django_capture_on_commit_callbacks)
    version.refresh_from_db()
    result = target_result(target=world.target)
    assert version.is_signed and version.number == 1 and version.result_version_id == result.pk
    facts = version.facts
    assert facts["result"]["total"] == f"{round(result.total, 1)}" and facts["visit"]["judgement"] == JUDGEMENT
    assert PROBLEM in [p["text"] for p in facts["problems"]] and len(facts["indicators"]) == 41
    assert len(facts["dimensions"]) == 8 and all("average" in d for d in facts["dimensions"])
    with pytest.raises(ValueError):
        version.save()  # never edited after signing
    # files: PDF and Word, from the signed version
    pdf, docx = (Report.objects.get(target=world.target, kind=k) for k in (Report.Kind.UNIT, Report.Kind.UNIT_DOCX))
    assert pdf.is_ready and docx.is_ready and pdf.version == version and docx.file.name.endswith("-v1.docx")
    for text in (pdf_text(pdf.file.path), docx_text(docx.file.path)):
        flat = text.replace(" ", "").replace("\n", "")
        assert world.target.unit.name in flat and facts["result"]["total"] in flat
        assert PROBLEM in flat and TEXT["suggestions"] in flat and JUDGEMENT in flat
    assert "满意率" in pdf_text(pdf.file.path) or "不足最少人数" in pdf_text(pdf.file.path)
    report_draft_save(target=world.target, actor=world.evaluator, **TEXT)  # saved unchanged: nothing new
    assert ReportVersion.objects.filter(target=world.target).count() == 1
    # saving a change drafts version 2; version 1 and its files stay
    report_draft_save(target=world.target, actor=world.evaluator, **{**TEXT, "suggestions": "新的整改意见"})
    assert ReportVersion.objects.get(target=world.target, number=1).suggestions == TEXT["suggestions"]
    assert ReportVersion.objects.get(target=world.target, number=2).signed_at is None
    assert CampaignEvent.objects.filter(type=CampaignEvent.Type.REPORT_SIGNED, target=world.target).count() == 1


def test_only_the_team_writes_and_only_the_lead_signs(report_world):
    world = report_world
    with pytest.raises(PermissionDenied):
        report_draft_save(target=world.target, actor=world.outsider, **TEXT)
    report_draft_save(target=world.target, actor=world.evaluator, **TEXT)
    with pytest.raises(ApplicationError, match="请勾选确认"):
        report_sign(target=world.target, actor=world.evaluator, confirmed=False)
    from surveys.models import Form

    lead = UserFactory(role=User.Role.EVALUATOR)
    Form.objects.filter(campaign=world.campaign, kind=Form.Kind.EVALUATION_SHEET).update(lead_evaluator=lead)
    if Form.objects.filter(campaign=world.campaign, kind=Form.Kind.EVALUATION_SHEET, lead_evaluator=lead).exists():
        with pytest.raises(PermissionDenied, match="评估组长"):
            report_sign(target=world.target, actor=world.evaluator, confirmed=True)


def test_an_empty_section_cannot_be_signed(report_world):
    world = report_world
    report_draft_save(target=world.target, actor=world.evaluator, **{**TEXT, "suggestions": ""})
    with pytest.raises(ApplicationError, match="整改意见"):
        report_sign(target=world.target, actor=world.evaluator, confirmed=True)


def test_a_revised_result_makes_a_new_version_that_carries_the_text_and_new_files(report_world, django_capture_on_commit_callbacks):
    world = report_world
    first = write_and_sign(world, world.target, django_capture_on_commit_callbacks)
    old_file = Report.objects.get(target=world.target, kind=Report.Kind.UNIT).file.name
    Campaign.objects.filter(pk=world.campaign.pk).update(status=Campaign.Status.REVIEW)
    result_revise(world.target, {"D2_01": 1}, "复核调整", world.evaluator)
    second = ReportVersion.objects.get(target=world.target, number=2)
    assert second.result_version.version == 2 and not second.is_signed and second.suggestions == first.suggestions
    assert "复核" in second.reason
    with django_capture_on_commit_callbacks(execute=True):
        report_sign(target=world.target, actor=world.evaluator, confirmed=True)
    report = Report.objects.get(target=world.target, kind=Report.Kind.UNIT)
    assert report.version.number == 2 and report.file.name != old_file and report.file.name.endswith("-v2.pdf")
    assert report.file.storage.exists(old_file)  # the signed v1's file is kept


def test_feedback_needs_every_report_signed_and_closing_needs_the_summary(report_world, django_capture_on_commit_callbacks):
    world = report_world
    with pytest.raises(ApplicationError, match="尚未签署：临川市甲局、临川市乙局"):
        ev.campaign_advance(campaign=world.campaign, actor=world.evaluator)
    write_and_sign(world, world.target, django_capture_on_commit_callbacks)
    with pytest.raises(ApplicationError, match="尚未签署：临川市乙局"):
        ev.campaign_advance(campaign=world.campaign, actor=world.evaluator)
    write_and_sign(world, world.other, django_capture_on_commit_callbacks)
    campaign = ev.campaign_advance(campaign=world.campaign, actor=world.evaluator)
    assert campaign.status == Campaign.Status.FEEDBACK
    campaign = ev.campaign_advance(campaign=campaign, actor=world.evaluator)
    results_final(campaign, world.evaluator)  # every result fed back and locked (reports.followup)
    campaign = ev.campaign_advance(campaign=campaign, actor=world.evaluator)
    assert campaign.status == Campaign.Status.SUMMARY
    with pytest.raises(ApplicationError, match="总结报告尚未生成"):
        ev.campaign_advance(campaign=campaign, actor=world.evaluator)
    summary_text_save(campaign=campaign, actor=world.evaluator, suggestions="建立评估结果运用长效机制。")
    with django_capture_on_commit_callbacks(execute=True):
        summary_request(campaign=campaign, actor=world.evaluator)
    pdf = SummaryReport.objects.get(campaign=campaign, kind=SummaryReport.Kind.PDF)
    docx = SummaryReport.objects.get(campaign=campaign, kind=SummaryReport.Kind.DOCX)
    assert pdf.is_ready and docx.is_ready, (pdf.error, docx.error)
    for text in (pdf_text(pdf.file.path), docx_text(docx.file.path)):
        flat = text.replace(" ", "").replace("\n", "")
        assert "临川市甲局" in flat and "建立评估结果运用长效机制" in flat and "整改" in flat and PROBLEM in flat
    assert ev.campaign_advance(campaign=campaign, actor=world.evaluator).status == Campaign.Status.CLOSED


def test_generate_all_renders_each_signed_unit_once_and_zips_them(report_world, client, django_capture_on_commit_callbacks):
    world = report_world
    with pytest.raises(ApplicationError, match="还没有已签署"):
        reports_generate_all(campaign=world.campaign, actor=world.evaluator)
    for target in (world.target, world.other):
        write_and_sign(world, target, django_capture_on_commit_callbacks)
    attempts = dict(Report.objects.values_list("pk", "attempts"))
    with django_capture_on_commit_callbacks(execute=True):
        assert reports_generate_all(campaign=world.campaign, actor=world.evaluator) == 2
    assert dict(Report.objects.values_list("pk", "attempts")) == attempts  # rendered already: nothing twice
    client.force_login(world.evaluator)
    assert client.get(reverse("reports:bulk_status", args=[world.campaign.pk])).json()["percent"] == 100
    response = client.get(reverse("reports:zip", args=[world.campaign.pk]))
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert len(names) == 4 and sum(n.endswith(".docx") for n in names) == 2


def test_a_liaison_sees_their_units_report_only_after_feedback(report_world, client, django_capture_on_commit_callbacks):
    world = report_world
    for target in (world.target, world.other):
        write_and_sign(world, target, django_capture_on_commit_callbacks)
    own = Report.objects.get(target=world.target, kind=Report.Kind.UNIT)
    other = Report.objects.get(target=world.other, kind=Report.Kind.UNIT)
    client.force_login(world.liaison)
    assert client.get(reverse("reports:download", args=[own.pk])).status_code == 404  # before feedback
    assert client.get(reverse("reports:write", args=[world.target.pk])).status_code == 403  # sees the unit, not the draft
    ev.campaign_advance(campaign=world.campaign, actor=world.evaluator)
    assert client.get(reverse("reports:download", args=[own.pk])).status_code == 404  # 反馈结果, not yet to this unit
    results_feed_back(campaign=world.campaign, actor=world.evaluator, targets=[world.target])
    assert client.get(reverse("reports:download", args=[own.pk])).status_code == 200
    assert client.get(reverse("reports:download", args=[other.pk])).status_code == 404
    assert client.get(reverse("reports:campaign", args=[world.campaign.pk])).status_code == 403


def test_a_bad_word_template_is_refused_with_the_jinja_error_and_a_good_one_is_used(report_world, client):
    world = report_world
    client.force_login(world.evaluator)
    from reports import word

    bad = Document(io.BytesIO(word.default_bytes(word.UNIT)))
    bad.add_paragraph("{{ unit.name ")  # an unclosed tag
    buffer = io.BytesIO()
    bad.save(buffer)
    page = reverse("reports:campaign", args=[world.campaign.pk])
    response = client.post(reverse("reports:template_upload"), {
        "kind": "unit", "next": page, "file": SimpleUploadedFile("坏模板.docx", buffer.getvalue())}, follow=True)
    body = response.content.decode()
    assert "Word 模板有误" in body and "模板第" in body
    response = client.post(reverse("reports:template_upload"), {
        "kind": "unit", "next": page, "file": SimpleUploadedFile("不是.docx", b"plain text")}, follow=True)
    assert "这不是 Word" in response.content.decode()
    good = Document(io.BytesIO(word.default_bytes(word.UNIT)))
    good.add_paragraph("本报告由{{ unit.name }}评估组出具")
    buffer = io.BytesIO()
    good.save(buffer)
    response = client.post(reverse("reports:template_upload"), {
        "kind": "unit", "next": page, "file": SimpleUploadedFile("我们的模板.docx", buffer.getvalue())}, follow=True)
    assert "已启用" in response.content.decode()
    downloaded = client.get(reverse("reports:template_download", args=["unit"]))
    assert "评估组出具" in docx_text(io.BytesIO(b"".join(downloaded.streaming_content)))
