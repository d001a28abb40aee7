"""评估表: the evaluators' own files per indicator, the file question, and the sheet kept to the unit's team."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from bianzhi.exceptions import ApplicationError
from bianzhi.models import User
from evaluations.models import CampaignEvent, EvaluationTeam, Upload
from evaluations.services import upload_add
from surveys.models import Form, SheetEntry
from surveys.services import (
    form_create,
    question_add,
    sheet_entries_save,
    sheet_file_add,
    sheet_settings_update,
    sheet_signoff,
)

from ..evaluations.conftest import PDF, PNG
from ..factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload_url(sheet, target) -> str:
    return reverse("surveys:sheet_file_upload", args=[sheet.pk, target.pk])


def post_file(client, sheet, target, *, question="d1_01", data=PDF, name="核查记录.pdf", replaces=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    payload = {"question": question, "file": SimpleUploadedFile(name, data)}
    if replaces is not None:
        payload["replaces"] = str(replaces.pk)
    return client.post(upload_url(sheet, target), payload, follow=True)


def sheet_uploads(target):
    return Upload.objects.filter(target=target, purpose=Upload.Purpose.SHEET_EVIDENCE)


# ---------------------------------------------------------------------------------------------------------
# Evidence files per indicator
# ---------------------------------------------------------------------------------------------------------
def test_an_evaluators_file_is_stored_privately_audited_and_shown_beside_its_indicator(sheet, target, evaluator):
    client = client_for(evaluator)
    page = post_file(client, sheet, target)
    upload = sheet_uploads(target).get()
    assert (upload.question_code, upload.indicator_code, upload.uploaded_by, upload.version) == (
        "d1_01", "D1_01", evaluator, 1)
    assert upload.content_type == "application/pdf" and upload.original_name == "核查记录.pdf"
    assert upload.file.read() == PDF and not upload.file.name.startswith("/")
    event = CampaignEvent.objects.get(type=CampaignEvent.Type.FILE_UPLOADED)
    assert event.target == target and event.actor == evaluator
    assert event.data["purpose"] == "sheet_evidence" and event.data["question"] == "d1_01"
    body = page.content.decode()
    row = body[body.index('id="row-d1_01"'):body.index('id="row-d1_02"')]
    assert "核查记录.pdf" in row and reverse("evaluations:upload_download", args=[upload.pk]) in row
    assert "核查记录.pdf" not in body[body.index('id="row-d1_02"'):body.index("<!-- /rows -->")]


def test_a_pdf_name_with_png_bytes_is_refused_by_its_content(sheet, target, evaluator, settings):
    # The type is read from the bytes: a PNG named .pdf is kept as the PNG it is, never served as a PDF ...
    post_file(client_for(evaluator), sheet, target, data=PNG, name="扫描件.pdf")
    png = sheet_uploads(target).get()
    assert png.content_type == "image/png" and png.original_name == "扫描件.png"
    # ... and bytes of no accepted type are refused whatever the name says, with the reason in Chinese.
    page = post_file(client_for(evaluator), sheet, target, data=b"MZ\x90\x00 not a document" * 10, name="说明.pdf")
    assert "不支持的文件类型" in page.content.decode() and "说明.pdf" in page.content.decode()
    assert sheet_uploads(target).count() == 1


def test_an_oversize_file_is_refused_and_nothing_is_written(sheet, target, evaluator, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)
    page = post_file(client_for(evaluator), sheet, target, data=big, name="大文件.pdf")
    assert "文件超过 1 MB 的上限" in page.content.decode()
    assert not sheet_uploads(target).exists()
    assert not CampaignEvent.objects.filter(type=CampaignEvent.Type.FILE_UPLOADED).exists()


def test_a_new_version_never_overwrites_and_only_its_uploader_may_replace_it(sheet, target, evaluator):
    client = client_for(evaluator)
    post_file(client, sheet, target, data=PDF, name="v1.pdf")
    first = sheet_uploads(target).get()
    second_pdf = PDF.replace(b"1.4", b"1.7")
    page = post_file(client, sheet, target, data=second_pdf, name="v2.pdf", replaces=first)
    assert "第 2 版" in page.content.decode()
    first.refresh_from_db()
    new = first.replaced_by
    assert new.version == 2 and new.replaces == first and new.file.name != first.file.name
    assert first.file.read() == PDF and new.file.read() == second_pdf  # the old file is kept as it was
    assert client.get(reverse("evaluations:upload_download", args=[first.pk])).status_code == 200
    body = client.get(reverse("surveys:sheet", args=[sheet.pk, target.pk])).content.decode()
    assert "v2.pdf" in body and "v1.pdf" not in body  # the sheet lists current versions
    with pytest.raises(ApplicationError, match="最新版本"):
        sheet_file_add(form=sheet, target=target, question=sheet.questions.get(code="d1_01"), actor=evaluator,
                       data=PDF, name="again.pdf", replaces=first)
    colleague = UserFactory(role=User.Role.EVALUATOR)
    with pytest.raises(PermissionDenied, match="只能替换自己上传的附件"):
        sheet_file_add(form=sheet, target=target, question=sheet.questions.get(code="d1_01"), actor=colleague,
                       data=PDF, name="mine.pdf", replaces=new)
    with pytest.raises(ApplicationError, match="只能替换本题的附件"):
        sheet_file_add(form=sheet, target=target, question=sheet.questions.get(code="d1_02"), actor=evaluator,
                       data=PDF, name="other.pdf", replaces=new)
    assert sheet_uploads(target).count() == 2


def test_download_is_for_the_office_and_leaders_never_for_a_liaison(sheet, target, evaluator, leader):
    upload = sheet_file_add(form=sheet, target=target, question=sheet.questions.get(code="d1_01"), actor=evaluator,
                            data=PDF, name="记录.pdf")
    url = reverse("evaluations:upload_download", args=[upload.pk])
    other_liaison = UserFactory(role=User.Role.LIAISON, unit=UnitFactory())
    own_liaison = UserFactory(role=User.Role.LIAISON, unit=target.unit)
    assert client_for(other_liaison).get(url).status_code == 404
    assert client_for(own_liaison).get(url).status_code == 404  # the evaluators' working files are not the unit's
    assert client_for(leader).get(url).status_code == 200
    response = client_for(evaluator).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_the_workflow_upload_refuses_the_sheets_purpose(sheet, target, evaluator):
    with pytest.raises(ApplicationError, match="评估表页面"):
        upload_add(target=target, actor=evaluator, purpose=Upload.Purpose.SHEET_EVIDENCE, data=PDF, name="x.pdf",
                   indicator_code="D1_01")
    assert not Upload.objects.exists()


def test_no_file_after_the_lead_signed_the_sheet_off(sheet, target, evaluator):
    sheet = sheet_settings_update(form=sheet, combine=Form.Combine.MEAN, spread_limit=sheet.spread_limit,
                                  lead_evaluator=evaluator, actor=evaluator)
    codes = sheet.questions.values_list("code", flat=True)
    sheet_entries_save(form=sheet, target=target, evaluator=evaluator, data={code: "8" for code in codes})
    sheet_signoff(form=sheet, target=target, actor=evaluator)
    page = post_file(client_for(evaluator), sheet, target)
    assert "已由评估组长签署" in page.content.decode() and not sheet_uploads(target).exists()


# ---------------------------------------------------------------------------------------------------------
# The file question type
# ---------------------------------------------------------------------------------------------------------
def test_a_file_question_is_for_the_evaluation_sheet_only(sheet, evaluator):
    satisfaction = form_create(campaign=sheet.campaign, kind=Form.Kind.SATISFACTION, actor=evaluator)
    satisfaction.opens_at = sheet.opens_at = satisfaction.opens_at.replace(year=satisfaction.opens_at.year + 1)
    satisfaction.save()
    sheet.save()
    with pytest.raises(ApplicationError, match="附件题只能用于评估表"):
        question_add(form=satisfaction, actor=evaluator, type="file", text="上传照片")
    assert not satisfaction.questions.filter(type="file").exists()
    client = client_for(evaluator)
    page = client.post(reverse("surveys:question_add", args=[satisfaction.pk]), {"type": "file", "text": "照片"},
                       follow=True)
    assert "附件题只能用于评估表" in page.content.decode()
    question = question_add(form=sheet, actor=evaluator, type="file", text="现场核查照片", indicator="D8_01")
    assert question.type == "file" and question.min_score is None


def test_a_required_file_question_takes_files_on_the_sheet_and_must_have_one_before_signoff(sheet, target, evaluator):
    sheet.opens_at = sheet.opens_at.replace(year=sheet.opens_at.year + 1)
    sheet.save()
    question = question_add(form=sheet, actor=evaluator, type="file", text="现场核查照片", required=True)
    sheet.opens_at = sheet.created_at
    sheet.save()
    sheet = sheet_settings_update(form=sheet, combine=Form.Combine.MEAN, spread_limit=sheet.spread_limit,
                                  lead_evaluator=evaluator, actor=evaluator)
    codes = sheet.questions.filter(type="score").values_list("code", flat=True)
    sheet_entries_save(form=sheet, target=target, evaluator=evaluator, data={code: "8" for code in codes})
    with pytest.raises(ApplicationError, match="必答的附件题还没有上传文件：现场核查照片"):
        sheet_signoff(form=sheet, target=target, actor=evaluator)
    client = client_for(evaluator)
    body = client.get(reverse("surveys:sheet", args=[sheet.pk, target.pk])).content.decode()
    row = body[body.index(f'id="row-{question.code}"'):body.index("<!-- /row -->", body.index(f'id="row-{question.code}"'))]
    # a file, no score; the row's files open the page's one picker (data-code: where it goes)
    assert f'data-code="{question.code}"' in row and "sa-picker-slot" in row and f'name="{question.code}"' not in row
    post_file(client, sheet, target, question=question.code, data=PNG, name="门牌.png")
    assert sheet_uploads(target).get().question_code == question.code
    assert sheet_signoff(form=sheet, target=target, actor=evaluator).scores  # now complete


def test_a_file_cannot_go_to_a_question_of_another_form(sheet, target, evaluator):
    satisfaction = form_create(campaign=sheet.campaign, kind=Form.Kind.SATISFACTION, actor=evaluator)
    with pytest.raises(ApplicationError, match="不能上传附件"):
        sheet_file_add(form=sheet, target=target, question=satisfaction.questions.first(), actor=evaluator,
                       data=PDF, name="x.pdf")


# ---------------------------------------------------------------------------------------------------------
# The sheet is the unit's team's
# ---------------------------------------------------------------------------------------------------------
@pytest.fixture
def team(target, evaluator):
    team = EvaluationTeam.objects.create(campaign=target.campaign, name="第一组")
    team.members.set([evaluator])
    target.team = team
    target.save()
    return team


def test_an_evaluator_outside_the_units_team_gets_404_for_the_page_the_scores_and_the_files(sheet, target, team):
    outsider = UserFactory(role=User.Role.EVALUATOR)
    client = client_for(outsider)
    url = reverse("surveys:sheet", args=[sheet.pk, target.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"d1_01": "8"}).status_code == 404
    assert client.post(upload_url(sheet, target), {"question": "d1_01"}).status_code == 404
    assert not SheetEntry.objects.exists() and not sheet_uploads(target).exists()
    with pytest.raises(PermissionDenied, match="评估组成员"):  # the services say the same to any caller
        sheet_entries_save(form=sheet, target=target, evaluator=outsider, data={"d1_01": "8"})
    with pytest.raises(PermissionDenied, match="评估组成员"):
        sheet_file_add(form=sheet, target=target, question=sheet.questions.get(code="d1_01"), actor=outsider,
                       data=PDF, name="x.pdf")


def test_the_team_member_and_an_administrator_act_a_leader_reads(sheet, target, team, evaluator, leader):
    url = reverse("surveys:sheet", args=[sheet.pk, target.pk])
    assert client_for(evaluator).post(url, {"d1_01": "8"}).status_code == 302
    admin = UserFactory(role=User.Role.ADMIN)
    assert client_for(admin).post(url, {"d1_01": "7"}).status_code == 302
    assert SheetEntry.objects.count() == 2
    reader = client_for(leader)
    page = reader.get(url)
    assert page.status_code == 200 and 'form="up-d1_01"' not in page.content.decode()
    assert reader.post(url, {"d1_01": "1"}).status_code == 403
    assert reader.post(upload_url(sheet, target), {"question": "d1_01"}).status_code == 403
    assert SheetEntry.objects.count() == 2


def test_liaisons_are_refused_the_sheet_and_its_files_even_of_their_own_unit(sheet, target):
    # the sheet is the office's working paper: not there for a liaison (404), even of their own unit
    own = UserFactory(role=User.Role.LIAISON, unit=target.unit)
    for url in (reverse("surveys:sheet", args=[sheet.pk, target.pk]), upload_url(sheet, target)):
        assert client_for(own).get(url).status_code in (404, 405)
        assert client_for(own).post(url, {"question": "d1_01", "d1_01": "8"}).status_code == 404
    assert not SheetEntry.objects.exists()


# ---------------------------------------------------------------------------------------------------------
# The API: the same rules
# ---------------------------------------------------------------------------------------------------------
def api_url(sheet, target) -> str:
    return reverse("form-sheet", args=[sheet.pk, target.pk])


def test_the_api_shows_the_sheet_with_the_evaluators_files_and_saves_the_team_members_scores(sheet, target, team,
                                                                                           evaluator):
    sheet_file_add(form=sheet, target=target, question=sheet.questions.get(code="d1_01"), actor=evaluator,
                   data=PDF, name="记录.pdf")
    client = client_for(evaluator)
    saved = client.post(api_url(sheet, target), {"scores": {"d1_01": "8.5", "d1_01_reason": "职责法定"}},
                        content_type="application/json")
    assert saved.status_code == 200
    row = next(r for r in saved.json()["rows"] if r["code"] == "d1_01")
    assert row["entries"] == [{"evaluator": evaluator.username, "score": "8.5", "reason": "职责法定"}]
    assert row["combined"] == "8.5" and [f["original_name"] for f in row["evaluator_files"]] == ["记录.pdf"]
    assert row["evaluator_files"][0]["download_url"] == reverse(
        "evaluations:upload_download", args=[row["evaluator_files"][0]["id"]])
    refused = client.post(api_url(sheet, target), {"scores": {"d1_01": "11"}}, content_type="application/json")
    assert refused.status_code == 400 and "0 至 10 之间" in refused.content.decode()
    assert SheetEntry.objects.get().score == Decimal("8.5")  # unchanged: refused, not clamped


def test_the_api_gives_404_to_an_evaluator_outside_the_team_and_to_liaisons(sheet, target, team, leader):
    outsider = client_for(UserFactory(role=User.Role.EVALUATOR))
    assert outsider.get(api_url(sheet, target)).status_code == 404
    assert outsider.post(api_url(sheet, target), {"scores": {"d1_01": "8"}},
                         content_type="application/json").status_code == 404
    liaison = client_for(UserFactory(role=User.Role.LIAISON, unit=target.unit))
    assert liaison.get(api_url(sheet, target)).status_code == 404
    reader = client_for(leader)
    assert reader.get(api_url(sheet, target)).status_code == 200
    assert reader.post(api_url(sheet, target), {"scores": {"d1_01": "8"}},
                       content_type="application/json").status_code == 403
    assert not SheetEntry.objects.exists()


def test_the_api_takes_an_evaluators_file_by_the_same_checks_and_only_from_the_team(sheet, target, team, evaluator,
                                                                                   leader):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("form-sheet-files", args=[sheet.pk, target.pk])

    def send(client, data=PDF, name="记录.pdf", **extra):
        return client.post(url, {"question": "d1_01", "file": SimpleUploadedFile(name, data), **extra})

    member = client_for(evaluator)
    png = send(member, data=PNG[:8] + b"\x00", name="扫描件.pdf")
    assert png.status_code == 201  # PNG magic: accepted as the PNG it is
    assert png.json()["content_type"] == "image/png" and png.json()["original_name"] == "扫描件.png"
    bad = send(member, data=b"<html>not a document</html>", name="说明.pdf")
    assert bad.status_code == 400 and "不支持的文件类型" in bad.content.decode()
    created = send(member, replaces=png.json()["id"])
    assert created.status_code == 201 and created.json()["version"] == 2 and created.json()["question_code"] == "d1_01"
    assert send(client_for(UserFactory(role=User.Role.EVALUATOR))).status_code == 404
    assert send(client_for(UserFactory(role=User.Role.LIAISON, unit=target.unit))).status_code == 404
    assert send(client_for(leader)).status_code == 403
    assert sheet_uploads(target).count() == 2
