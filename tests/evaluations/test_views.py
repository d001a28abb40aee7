"""The workflow's pages and API, through HTTP: what each role sees and may do."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from evaluations import services
from evaluations.indicators import campaign_indicator_codes
from evaluations.models import Campaign, CampaignTarget, Notification, SelfAssessment, Upload

from .conftest import DOCX, PDF, accept_all, advance_to, fill_and_submit

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def scores(campaign, value="8"):
    return {f"score_{c}": value for c in campaign_indicator_codes(campaign)} | {"narrative_D1_01": "依法设立"}


def test_the_liaison_fills_uploads_and_submits_through_the_pages(world):
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    liaison = login(world.liaison)
    page = liaison.get(reverse("evaluations:self_assessment", args=[world.target.pk])).content.decode()
    assert "合法合规度" in page and "执行情况" in page and "使用效益" in page and "提交自评" in page

    # a wrong score is refused and everything typed is kept
    bad = scores(world.campaign) | {"score_D1_02": "120", "action": "save"}
    response = liaison.post(reverse("evaluations:self_assessment_save", args=[world.target.pk]), bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert "自评分须在 0 至 10 之间" in text and "依法设立" in text and 'value="120"' in text

    upload = liaison.post(reverse("evaluations:upload_create", args=[world.target.pk]),
                          {"purpose": "self_report", "file": SimpleUploadedFile("自评报告.docx", DOCX)}, follow=True)
    assert "已上传" in upload.content.decode()
    evidence = liaison.post(reverse("evaluations:upload_create", args=[world.target.pk]),
                            {"purpose": "evidence", "indicator_code": "D1_01",
                             "file": SimpleUploadedFile("依据.pdf", b"not a pdf at all")}, follow=True)
    assert "不支持的文件类型" in evidence.content.decode()

    liaison.post(reverse("evaluations:self_assessment_save", args=[world.target.pk]),
                 scores(world.campaign) | {"action": "submit"})
    assessment = SelfAssessment.objects.get(target=world.target)
    assert assessment.status == SelfAssessment.Status.SUBMITTED
    assert assessment.report.content_type.endswith("wordprocessingml.document")

    # the evaluator sees the scores and the report, and returns it with a reason
    office = login(world.evaluator)
    review = office.get(reverse("evaluations:self_assessment", args=[world.target.pk])).content.decode()
    assert "自评报告.docx" in review and "退回修改" in review
    empty = office.post(reverse("evaluations:self_assessment_review", args=[world.target.pk]),
                        {"action": "return", "reason": ""}, follow=True)
    assert "退回自评必须填写退回原因" in empty.content.decode()
    office.post(reverse("evaluations:self_assessment_review", args=[world.target.pk]),
                {"action": "return", "reason": "请补充编制使用情况"})
    again = liaison.get(reverse("evaluations:self_assessment", args=[world.target.pk])).content.decode()
    assert "第 1 版被退回：请补充编制使用情况" in again
    old = liaison.get(reverse("evaluations:self_assessment_version", args=[world.target.pk, 1])).content.decode()
    assert "这是历史版本，只读。" in old and "已退回" in old


def test_files_are_served_only_to_who_may_see_the_unit(world, settings):
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    login(world.liaison).post(reverse("evaluations:upload_create", args=[world.target.pk]),
                              {"purpose": "self_report", "file": SimpleUploadedFile("r.pdf", PDF)})
    upload = Upload.objects.get()
    url = reverse("evaluations:upload_download", args=[upload.pk])
    for user, expected in ((world.liaison, 200), (world.evaluator, 200), (world.leader, 200), (world.other_liaison, 404)):
        response = login(user).get(url)
        assert response.status_code == expected, user.role
        if expected == 200:
            assert b"".join(response.streaming_content) == PDF and response["Content-Type"] == "application/pdf"
    assert Client().get(url).status_code == 302
    assert upload.file.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))  # private storage, not static files


def test_the_board_shows_each_unit_by_step(world):
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    board = login(world.leader).get(reverse("evaluations:campaign_board", args=[world.campaign.pk])).content.decode()
    row = board[board.index(f'id="board-{world.target.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "临川市甲局" in row and row.count('class="cell in_progress"') == 2 and "未开始" in row


def test_the_audit_trail_exports_as_csv(world):
    world.evaluator.first_name = "王评估"
    world.evaluator.save()
    advance_to(world, Campaign.Status.NOTICE)
    response = login(world.leader).get(reverse("evaluations:campaign_events_export", args=[world.campaign.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["时间", "操作人", "单位", "事件", "内容"]
    # the actor's full name and a sentence, never a username or a dict
    assert any(r[1] == "王评估" and r[3] == "阶段变更" and r[4] == "王评估 将评估阶段由 制定方案 改为 发布通知" for r in rows)
    assert any(r[2] == "临川市甲局" and r[3] == "单位进度变更" and "临川市甲局 的进度由 待通知 改为 已通知" in r[4] for r in rows)
    named = [r for r in rows[1:] if r[3] in ("阶段变更", "单位进度变更")]  # written after the name was given
    assert named and not any(world.evaluator.username in cell or "{" in cell for r in named for cell in r)


def test_the_field_visit_page_keeps_what_was_typed_when_refused(world):
    accept_all(world)
    advance_to(world, Campaign.Status.FIELD_VISIT)
    office = login(world.evaluator)
    url = reverse("evaluations:field_visit", args=[world.target.pk])
    response = office.post(url, {"listen_notes": "局长汇报", "ballots_handed_out": "3", "ballots_returned": "9",
                                 "finding_D1_01": "三定齐全", "action": "save"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "收回的测评票不能多于发放的测评票" in text and "局长汇报" in text and "三定齐全" in text
    assert 'data-draft-key="visit-' in text  # the local draft script is on the page
    assert login(world.leader).post(url, {"judgement": "x"}).status_code == 403
    assert login(world.liaison).get(url).status_code == 403  # interview notes are the office's


def test_the_api_lists_packages_and_moves_them(world):
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    liaison = login(world.liaison)
    listed = liaison.get("/api/v1/packages/").json()["results"]
    assert [p["unit"] for p in listed] == ["临川市甲局"]
    assert liaison.get(f"/api/v1/packages/{world.other.pk}/").status_code == 404
    created = liaison.post(f"/api/v1/packages/{world.target.pk}/uploads/",
                           {"purpose": "self_report", "file": SimpleUploadedFile("r.pdf", PDF)})
    assert created.status_code == 201 and created.json()["sha256"]
    refused = liaison.post(f"/api/v1/packages/{world.target.pk}/transition/", {"action": "submit"})
    assert refused.status_code == 400 and "还有 41 项指标没有填写自评分" in refused.json()["message"]
    assert login(world.leader).post(f"/api/v1/packages/{world.target.pk}/transition/",
                                    {"action": "accept"}).status_code == 403
    replaced = liaison.post(f"/api/v1/uploads/{created.json()['id']}/replace/",
                            {"file": SimpleUploadedFile("r2.docx", DOCX)})
    assert replaced.status_code == 201 and replaced.json()["version"] == 2
    assert [u["version"] for u in login(world.other_liaison).get("/api/v1/uploads/").json()["results"]] == []
    events = login(world.evaluator).get(f"/api/v1/packages/{world.target.pk}/events/").json()["results"]
    assert {"file_uploaded", "target_status_changed"} <= {e["type"] for e in events}
    advance = login(world.evaluator).post(f"/api/v1/campaigns/{world.campaign.pk}/advance/")
    assert advance.status_code == 400 and "自评未通过审核" in advance.json()["message"]
    assert CampaignTarget.objects.get(pk=world.target.pk).status == CampaignTarget.Status.SELF_DRAFT


def test_an_evaluators_home_lists_the_reviews_of_their_team_only(world):
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    fill_and_submit(world, world.target, world.liaison)
    home = login(world.evaluator).get(reverse("home"), follow=True).content.decode()
    assert "待办事项" in home and "临川市甲局" in home and "审核自评" in home
    other_team = login(world.outsider).get(reverse("evaluations:campaign_list")).content.decode()
    assert "审核自评" not in other_team  # the units belong to 第一组, which the outsider is not in


def test_results_published_reach_each_liaison(world):
    accept_all(world)
    advance_to(world, Campaign.Status.FIELD_VISIT)
    for target in (world.target, world.other):
        services.field_visit_save(target=target, actor=world.evaluator, checks={"D1_01": ("符合", False)},
                                  interview=("群众", "满意"),
                                  fields={"listen_notes": "汇报", "signs_match": True, "posts_match": True,
                                          "people_in_place": True, "ballots_handed_out": 10, "judgement": "好"})
        services.field_visit_complete(target=target, actor=world.evaluator)
    advance_to(world, Campaign.Status.FEEDBACK)
    published = Notification.objects.filter(kind=Notification.Kind.RESULTS)
    assert {n.user for n in published} == {world.liaison, world.other_liaison}


def test_evidence_is_replaced_by_a_new_version_from_the_page(world):
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    liaison = login(world.liaison)
    liaison.post(reverse("evaluations:upload_create", args=[world.target.pk]),
                 {"purpose": "evidence", "indicator_code": "D2_01", "file": SimpleUploadedFile("三定.pdf", PDF)})
    first = Upload.objects.get()
    page = liaison.get(reverse("evaluations:self_assessment", args=[world.target.pk])).content.decode()
    assert reverse("evaluations:upload_replace", args=[first.pk]) in page and "三定.pdf" in page
    response = liaison.post(reverse("evaluations:upload_replace", args=[first.pk]),
                            {"file": SimpleUploadedFile("三定-修订.docx", DOCX)}, follow=True)
    assert "已上传新版本（第 2 版），旧版本仍可查阅" in response.content.decode()
    assert liaison.get(reverse("evaluations:upload_download", args=[first.pk])).status_code == 200
    assert login(world.other_liaison).post(reverse("evaluations:upload_replace", args=[first.pk]),
                                           {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404


def test_a_team_is_changed_from_its_page_and_the_change_is_recorded(world):
    office = login(world.evaluator)
    team = world.target.team
    url = reverse("evaluations:team_edit", args=[world.campaign.pk, team.pk])
    page = office.get(url).content.decode()
    assert 'value="第一组"' in page and "修改评估组" in page
    office.post(url, {"name": "第一组", "members": [world.outsider.pk], "targets": [world.target.pk]})
    world.refresh()
    assert world.other.team is None and list(team.members.all()) == [world.outsider]
    change = world.campaign.events.filter(data__has_key="team").first().data["team"]  # newest first
    assert change["from"]["units"] == sorted([world.target.unit.code, world.other.unit.code])
    assert change["to"]["units"] == [world.target.unit.code] and change["to"]["members"] == [world.outsider.username]
