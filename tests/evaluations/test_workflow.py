"""The campaign workflow through its services: fan-out, stages, self-assessment, uploads, field visit."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from bianzhi.exceptions import ApplicationError
from bianzhi.models import Unit, User
from evaluations import services
from evaluations.forms import CampaignCreateForm
from evaluations.models import Campaign, CampaignEvent, CampaignTarget, FieldVisit, Notification, SelfAssessment
from evaluations.services._common import target_move

from ..factories import UnitFactory, UserFactory
from .conftest import DOCX, PDF, PNG, accept_all, advance_to, fill_and_submit

pytestmark = pytest.mark.django_db
S, T = Campaign.Status, CampaignTarget.Status


# -- fan-out and scope ------------------------------------------------------------------------------------
def test_creating_a_campaign_fans_out_one_package_per_unit_with_its_liaison(evaluator):
    unit, orphan = UnitFactory(), UnitFactory()
    liaison = UserFactory(role=User.Role.LIAISON, unit=unit)
    campaign = services.campaign_create(name="评估", year=2026, units=[unit, orphan], actor=evaluator,
                                        kind=Campaign.Kind.EXECUTION)
    packages = {t.unit_id: t for t in campaign.targets.all()}
    assert packages[unit.pk].liaison == liaison and packages[unit.pk].status == T.PENDING
    assert packages[orphan.pk].liaison is None  # flagged on the campaign page, blocks the self-assessment
    assert campaign.kind == "execution" and campaign.blocks == ("execution",)


def test_scope_is_picked_by_level_kind_region_and_one_by_one(db):
    county_organ = UnitFactory(level=Unit.Level.COUNTY, region="东湖县")
    UnitFactory(level=Unit.Level.COUNTY, region="东湖县", kind=Unit.Kind.PUBLIC_INSTITUTION)
    UnitFactory(level=Unit.Level.COUNTY, region="西山区")
    picked = UnitFactory(level=Unit.Level.MUNICIPAL)
    form = CampaignCreateForm({"name": "县区评估", "year": 2026, "kind": "both", "levels": ["county"],
                               "kinds": ["party_government"], "regions": ["东湖县"], "units": [picked.pk]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["units"] == [county_organ, picked]
    assert CampaignCreateForm({"name": "默认", "year": 2026, "units": [picked.pk]}).is_valid()  # kind: both
    UnitFactory(level=Unit.Level.COUNTY, region="东湖县", status=Unit.Status.ABOLISHED, abolished_on=date(2025, 1, 1))  # 撤销: never in scope
    again = CampaignCreateForm({"name": "县区评估", "year": 2026, "levels": ["county"], "kinds": ["party_government"],
                                "regions": ["东湖县"]})
    assert again.is_valid() and again.cleaned_data["units"] == [county_organ]
    empty = CampaignCreateForm({"name": "空", "year": 2026, "kind": "both", "regions": ["无此县"]})
    assert not empty.is_valid() and "请至少选择一个被评估单位" in str(empty.errors)


def test_an_abolished_unit_cannot_be_evaluated(evaluator):
    gone = UnitFactory(name="临川市已撤销局", status=Unit.Status.ABOLISHED, abolished_on=date(2025, 1, 1))
    with pytest.raises(ApplicationError, match="已撤销的单位不能参加评估：临川市已撤销局"):
        services.campaign_create(name="评估", year=2026, units=[gone, UnitFactory()], actor=evaluator)
    assert not Campaign.objects.exists()


# -- the campaign's stages ----------------------------------------------------------------------------------
def test_the_notice_needs_the_plan_and_the_notice_text(evaluator):
    campaign = services.campaign_create(name="评估", year=2026, units=[UnitFactory()], actor=evaluator)
    with pytest.raises(ApplicationError, match="请先填写实施方案和评估通知"):
        services.campaign_advance(campaign=campaign, actor=evaluator)
    campaign.refresh_from_db()
    assert campaign.status == S.PLAN


def test_publishing_the_notice_notifies_each_liaison_and_moves_each_package(world):
    advance_to(world, S.NOTICE)
    assert world.target.status == T.NOTIFIED and world.other.status == T.NOTIFIED
    notes = Notification.objects.filter(kind=Notification.Kind.NOTICE)
    assert {n.user for n in notes} == {world.liaison, world.other_liaison}


def test_a_unit_without_a_liaison_blocks_the_self_assessment_until_one_exists(evaluator):
    unit = UnitFactory(name="临川市无人局")
    campaign = services.campaign_create(name="评估", year=2026, units=[unit], actor=evaluator,
                                        plan_text="方案", notice_text="通知")
    services.campaign_advance(campaign=campaign, actor=evaluator)
    with pytest.raises(ApplicationError, match="以下单位还没有填报员.*临川市无人局"):
        services.campaign_advance(campaign=campaign, actor=evaluator)
    assert Campaign.objects.get(pk=campaign.pk).status == S.NOTICE
    liaison = UserFactory(role=User.Role.LIAISON, unit=unit)  # the office creates the account
    campaign = services.campaign_advance(campaign=campaign, actor=evaluator)
    target = campaign.targets.get()
    assert campaign.status == S.SELF_ASSESSMENT and target.liaison == liaison and target.status == T.SELF_DRAFT


@pytest.mark.parametrize("role", [User.Role.LEADER, User.Role.LIAISON])
def test_only_the_office_moves_a_campaign(world, role):
    actor = world.leader if role == User.Role.LEADER else world.liaison
    with pytest.raises(PermissionDenied):
        services.campaign_advance(campaign=world.campaign, actor=actor)
    assert not world.campaign.events.filter(type=CampaignEvent.Type.STATUS_CHANGED).exists()


def test_the_survey_waits_for_every_self_assessment_to_be_accepted(world):
    advance_to(world, S.SELF_ASSESSMENT)
    fill_and_submit(world, world.target, world.liaison)
    services.self_assessment_accept(target=world.target, actor=world.evaluator)
    with pytest.raises(ApplicationError, match="还有 1 个单位的自评未通过审核（临川市乙局）"):
        services.campaign_advance(campaign=world.campaign, actor=world.evaluator)


def test_kind_and_cutoffs_are_fixed_once_the_self_assessment_starts(world):
    services.campaign_update(campaign=world.campaign, actor=world.evaluator, kind="benefit", excellent_min=92)
    advance_to(world, S.SELF_ASSESSMENT)
    with pytest.raises(ApplicationError, match="评估类型和等次分数线不能再修改"):
        services.campaign_update(campaign=world.campaign, actor=world.evaluator, kind="both")
    edit = world.campaign.events.get(type=CampaignEvent.Type.EDITED, data__has_key="changes")
    assert edit.data["changes"]["kind"] == {"from": "both", "to": "benefit"}


# -- self-assessment ----------------------------------------------------------------------------------------
def test_submit_needs_the_report_and_every_score(world):
    advance_to(world, S.SELF_ASSESSMENT)
    services.self_assessment_save(target=world.target, actor=world.liaison, items={"D1_01": (Decimal("9"), "依法履职")})
    with pytest.raises(ApplicationError, match="请先上传自评报告"):
        services.self_assessment_submit(target=world.target, actor=world.liaison)
    services.upload_add(target=world.target, actor=world.liaison, purpose="self_report", data=DOCX, name="报告.docx")
    with pytest.raises(ApplicationError, match="还有 40 项指标没有填写自评分"):
        services.self_assessment_submit(target=world.target, actor=world.liaison)


def test_submit_locks_return_reopens_a_new_version_and_keeps_the_old_one(world):
    advance_to(world, S.SELF_ASSESSMENT)
    fill_and_submit(world, world.target, world.liaison, score="7")
    with pytest.raises(ApplicationError, match="自评已提交"):  # locked
        services.self_assessment_save(target=world.target, actor=world.liaison, items={"D1_01": (Decimal(9), "")})
    with pytest.raises(ApplicationError, match="必须填写退回原因"):
        services.self_assessment_return(target=world.target, actor=world.evaluator, reason="  ")

    services.self_assessment_return(target=world.target, actor=world.evaluator, reason="佐证材料不全")

    first, second = world.target.self_assessments.order_by("version")
    assert (first.status, first.return_reason) == (SelfAssessment.Status.RETURNED, "佐证材料不全")
    assert second.status == SelfAssessment.Status.DRAFT and second.report_id == first.report_id
    assert second.items.get(indicator_code="D1_01").score == Decimal("7")  # carried over to edit
    services.self_assessment_save(target=world.target, actor=world.liaison, items={"D1_01": (Decimal("8.8"), "补充")})
    assert first.items.get(indicator_code="D1_01").score == Decimal("7")  # the earlier version is unchanged
    world.refresh()
    assert world.target.status == T.SELF_RETURNED
    returned = Notification.objects.get(user=world.liaison, kind=Notification.Kind.RETURNED)
    assert returned.body == "佐证材料不全"

    services.self_assessment_submit(target=world.target, actor=world.liaison)
    services.self_assessment_accept(target=world.target, actor=world.evaluator)
    world.refresh()
    assert world.target.status == T.SELF_ACCEPTED
    moves = [(e.data["from"], e.data["to"]) for e in world.target.events.filter(
        type=CampaignEvent.Type.TARGET_STATUS_CHANGED).order_by("id")]
    assert moves == [("pending", "notified"), ("notified", "self_draft"), ("self_draft", "self_submitted"),
                     ("self_submitted", "self_returned"), ("self_returned", "self_submitted"),
                     ("self_submitted", "self_accepted")]


def test_only_the_units_liaison_fills_and_only_its_team_reviews(world):
    advance_to(world, S.SELF_ASSESSMENT)
    for intruder in (world.other_liaison, world.evaluator, world.leader):
        with pytest.raises(PermissionDenied):
            services.self_assessment_save(target=world.target, actor=intruder, items={})
    fill_and_submit(world, world.target, world.liaison)
    for outsider in (world.outsider, world.leader, world.liaison):
        with pytest.raises(PermissionDenied):
            services.self_assessment_accept(target=world.target, actor=outsider)
    admin = UserFactory(role=User.Role.ADMIN)
    services.self_assessment_accept(target=world.target, actor=admin)


def test_illegal_package_moves_are_refused_in_chinese(world):
    advance_to(world, S.SELF_ASSESSMENT)
    with pytest.raises(ApplicationError, match="该单位的自评尚未提交，不能审核"):
        services.self_assessment_accept(target=world.target, actor=world.evaluator)
    with pytest.raises(ApplicationError, match="“临川市甲局”当前为“自评填报中”，不能变为“实地评估完成”"):
        target_move(target=world.target, to_status=T.FIELD_DONE, actor=world.evaluator)


# -- uploads ------------------------------------------------------------------------------------------------
def test_a_replaced_file_is_a_new_version_and_the_old_one_stays(world):
    advance_to(world, S.SELF_ASSESSMENT)
    first = services.upload_add(target=world.target, actor=world.liaison, purpose="evidence", indicator_code="D1_01",
                                data=PDF, name="../../依据.pdf")
    second = services.upload_replace(upload=first, actor=world.liaison, data=PNG, name="依据-新.png")
    first.refresh_from_db()
    assert (second.version, second.replaces, second.content_type) == (2, first, "image/png")
    assert not first.is_current and first.file.read() == PDF  # never overwritten
    assert first.original_name == "依据.pdf" and first.file.name != second.file.name
    item = services.current_self_assessment(world.target).items.get(indicator_code="D1_01")
    assert list(item.evidence.all()) == [second]
    with pytest.raises(ApplicationError, match="已有更新的版本"):
        services.upload_replace(upload=first, actor=world.liaison, data=PDF, name="x.pdf")


def test_uploads_are_checked_by_content_and_by_who(world, settings):
    advance_to(world, S.SELF_ASSESSMENT)
    with pytest.raises(ApplicationError, match="不支持的文件类型"):
        services.upload_add(target=world.target, actor=world.liaison, purpose="self_report",
                            data=b"MZ\x90 not a pdf", name="报告.pdf")
    settings.UPLOAD_MAX_BYTES = 10
    with pytest.raises(ApplicationError, match="超过"):
        services.upload_add(target=world.target, actor=world.liaison, purpose="self_report", data=PDF, name="a.pdf")
    with pytest.raises(PermissionDenied):
        services.upload_add(target=world.target, actor=world.other_liaison, purpose="self_report", data=PDF, name="a")
    assert not world.target.uploads.exists()


# -- field visit --------------------------------------------------------------------------------------------
VISIT = {"listen_notes": "单位汇报了三定执行情况", "signs_match": True, "posts_match": False, "people_in_place": True,
         "look_notes": "副职多配一名", "ballots_handed_out": 30, "ballots_returned": 28, "judgement": "总体较好"}


def test_a_field_visit_needs_its_five_steps_and_its_findings_become_the_problem_list(world):
    accept_all(world)
    advance_to(world, S.FIELD_VISIT)
    assert world.target.status == T.FIELD_VISIT and world.target.field_visit.team.name == "第一组"
    services.field_visit_save(target=world.target, actor=world.evaluator, fields={"listen_notes": "汇报"})
    with pytest.raises(ApplicationError, match="以下环节尚未完成：逐项查、现场看、深入访、综合评"):
        services.field_visit_complete(target=world.target, actor=world.evaluator)

    services.field_visit_save(
        target=world.target, actor=world.evaluator, fields=VISIT,
        checks={"D3_02": ("领导职数超核定 1 名", True), "D1_01": ("符合", False)},
        interview=("服务对象王某", "办事较方便"),
    )
    services.field_visit_complete(target=world.target, actor=world.evaluator, extra_problems=["档案管理不规范", ""])

    world.refresh()
    assert world.target.status == T.FIELD_DONE
    problems = sorted(p.description for p in world.target.problems.all())
    assert problems == ["档案管理不规范", "现场查看：在用领导职数与核定一致——不符。副职多配一名", "领导职数超核定 1 名"]
    with pytest.raises(ApplicationError, match="已完成，不能再修改"):
        services.field_visit_save(target=world.target, actor=world.evaluator, fields={"judgement": "改"})


def test_field_visit_refuses_outsiders_and_impossible_ballots(world):
    accept_all(world)
    advance_to(world, S.FIELD_VISIT)
    for outsider in (world.outsider, world.leader, world.liaison):
        with pytest.raises(PermissionDenied):
            services.field_visit_save(target=world.target, actor=outsider, fields={"judgement": "x"})
    with pytest.raises(ApplicationError, match="收回的测评票不能多于发放的测评票"):
        services.field_visit_save(target=world.target, actor=world.evaluator,
                                  fields={"ballots_handed_out": 5, "ballots_returned": 6})
    assert FieldVisit.objects.get(target=world.target).ballots_returned is None


def test_the_report_stage_waits_for_every_field_visit(world):
    accept_all(world)
    advance_to(world, S.FIELD_VISIT)
    with pytest.raises(ApplicationError, match="还有 2 个单位的实地评估未完成"):
        services.campaign_advance(campaign=world.campaign, actor=world.evaluator)
