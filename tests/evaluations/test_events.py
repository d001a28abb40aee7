"""Typed audit events: every type says itself in a Chinese sentence with the actor's full name; the pages, the CSV
and the API show that sentence; the trail survives TRUNCATE and the deletion of a user."""

import inspect
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bianzhi.models import User
from evaluations import events, services
from evaluations.models import Campaign, CampaignEvent, Upload
from reports.services import report_draft_save, report_sign
from reports.summary import summary_request, summary_text_save
from scoring import services as sc
from surveys import services as sv
from surveys.models import Form, Question

from ..factories import UserFactory
from ..scoring.test_tree_services import judge_all
from .conftest import PDF, PNG, advance_to, fill_and_submit, make_world

pytestmark = pytest.mark.django_db

T = CampaignEvent.Type
# Written before the typed events; kept so that old rows still say themselves, never written now.
LEGACY = {T.FORM_ISSUED, T.FORM_CHANGED, T.INDICATOR_TREE_CHANGED, T.AHP_JUDGEMENT}


def test_every_type_has_a_describer_and_every_event_function_writes_a_known_type():
    assert set(CampaignEvent.DESCRIBERS) == set(T.values)
    functions = [getattr(events, name) for name in dir(events) if name.startswith("event_") and name != "event_record"]
    written = set()
    for function in functions:
        types = re.findall(r"\bT\.([A-Z_]+)\b", inspect.getsource(function))
        assert types, f"{function.__name__} names no CampaignEvent.Type"
        written |= {getattr(T, name).value for name in types}
    assert written == set(T.values) - LEGACY  # one function (at least) per type written today


def run_everything():
    """A campaign through every service that records an event, by named people."""
    world = make_world()
    office, liaison = world.evaluator, world.liaison
    User.objects.filter(pk=office.pk).update(first_name="王评估")
    office.refresh_from_db()
    campaign, target = world.campaign, world.target
    services.campaign_update(campaign=campaign, actor=office, name="年度评估（修订）", plan_text="新的方案")
    services.campaign_deadlines_set(campaign=campaign, actor=office, deadlines={"self_assessment": date(2026, 6, 30)})
    services.team_save(campaign=campaign, actor=office, name="第一组", members=[office], targets=[target, world.other],
                       team=target.team)
    # forms
    satisfaction = sv.satisfaction_form_issue(campaign=campaign, actor=office)
    link = satisfaction.links.get(target=target, window="")
    answers = {q.code: q.choices[0][0] for q in satisfaction.questions.all() if q.choices}
    sv.survey_response_void(response=sv.survey_response_submit(link=link, data=answers), reason="重复提交", actor=office)
    later = timezone.now() + timedelta(days=3)
    questionnaire = sv.form_create(campaign=campaign, kind=Form.Kind.QUESTIONNAIRE, actor=office, opens_at=later)
    added = sv.question_add(form=questionnaire, actor=office, type=Question.Type.SHORT_TEXT, text="新题")
    sv.question_update(question=added, actor=office, text="改过的题")
    sv.question_remove(question=added, actor=office)
    from surveys.services.editor import form_definition_save, form_template_save

    form_definition_save(form=questionnaire, actor=office,
                         definition={"questions": [{"type": "short_text", "text": "编辑器里的题"}]})
    form_template_save(form=questionnaire, name="下一年问卷", actor=office)
    sv.form_schedule(form=questionnaire, opens_at=later, closes_at=later + timedelta(days=10), actor=office)
    staff = sv.form_create(campaign=campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=office)
    sv.ballots_issue(form=staff, target=target, actor=office, count=5)
    sv.export_request(form=satisfaction, format="csv", actor=office)
    sv.form_sample_targets_set(form=satisfaction, actor=office, default=40, per_unit={target.pk: 60})
    sheet = sv.form_create(campaign=campaign, kind=Form.Kind.EVALUATION_SHEET, actor=office)
    sheet = sv.sheet_settings_update(form=sheet, combine=Form.Combine.LEAD, spread_limit=Decimal(2),
                                     lead_evaluator=office, actor=office)
    scores = {q.code: "7" for q in sheet.questions.filter(type=Question.Type.SCORE)}
    sv.sheet_entries_save(form=sheet, target=target, evaluator=office, data=scores)
    sv.sheet_signoff(form=sheet, target=target, actor=office)
    # the indicator tree and its weights
    tree = sc.campaign_tree_copy(campaign=campaign, template=sc.default_template_ensure(), actor=office)
    sc.tree_template_save(tree=tree, name="下一年模板", actor=office)
    dimension = sc.dimension_add(tree=tree, name="数字化履职", actor=office)
    sc.dimension_rename(dimension=dimension, name="数字化履职能力", actor=office)
    indicator = sc.indicator_add(dimension=tree.dimensions.get(code="D1"), actor=office, name="新指标")
    sc.indicator_update(indicator=indicator, actor=office, name="改名的指标")
    sc.indicator_remove(indicator=indicator, actor=office)
    sc.dimension_remove(dimension=dimension, actor=office)
    sc.tree_settings_update(tree=tree, actor=office, min_sample=20)
    expert = sc.expert_invite(tree=tree, name="李专家", actor=office)
    sc.expert_update(expert=expert, weight=Decimal(2), excluded=False, exclude_reason="", actor=office)
    judge_all(tree, expert)
    sc.weights_freeze(tree=tree, method="aij", ri_table="saaty1980", actor=office)
    # the stages, the notice, the self-assessment (returned once), the field visit, a report
    advance_to(world, Campaign.Status.NOTICE)
    services.target_notice_seen(target=target, actor=liaison)
    advance_to(world, Campaign.Status.SELF_ASSESSMENT)
    fill_and_submit(world, target, liaison)
    services.self_assessment_return(target=target, actor=office, reason="佐证材料不全")
    services.upload_add(target=target, actor=liaison, purpose=Upload.Purpose.EVIDENCE, data=PDF, name="佐证.pdf",
                        indicator_code="D1_01")
    services.self_assessment_submit(target=target, actor=liaison)
    fill_and_submit(world, world.other, world.other_liaison)
    for each in (target, world.other):
        services.self_assessment_accept(target=each, actor=office)
    advance_to(world, Campaign.Status.FIELD_VISIT)
    for each in (target, world.other):
        services.field_visit_save(
            target=each, actor=office, checks={"D1_01": ("三定齐全", False)}, interview=("张三", "访谈记录"),
            fields={"visit_date": date(2026, 9, 1), "listen_notes": "汇报", "signs_match": True, "posts_match": True,
                    "people_in_place": True, "ballots_handed_out": 3, "judgement": "良好"},
        )
        services.upload_add(target=each, actor=office, purpose=Upload.Purpose.PHOTO, data=PNG, name="门牌.png")
        services.field_visit_complete(target=each, actor=office)
    advance_to(world, Campaign.Status.REPORT)  # stores each unit's result (version 1)
    from scoring.results import result_revise

    report_draft_save(target=target, actor=office, achievements="成效", problems="问题", suggestions="整改")
    report_sign(target=target, actor=office, confirmed=True)  # asks for its files too
    result_revise(target=target, changes={"D1_01": 5}, reason="复核调整", actor=office)  # a new report version
    summary_text_save(campaign=world.campaign, actor=office, suggestions="建议")
    summary_request(campaign=world.campaign, actor=office)
    followup_everything(world)
    return world.refresh()


def followup_everything(world) -> None:
    """The after stage (reports.followup): settings, feedback, an appeal decided, 整改 items reported, verified,
    reminded and carried into the next campaign, the results locked."""
    from reports.followup import services as fu

    office, target = world.evaluator, world.target
    fu.followup_settings_save(campaign=world.campaign, actor=office, appeal_days=5)
    advance_to(world, Campaign.Status.FEEDBACK)
    fu.results_feed_back(campaign=world.campaign, actor=office, targets=[target, world.other])
    advance_to(world, Campaign.Status.REVIEW)
    appeal = fu.appeal_submit(target=target, actor=world.liaison, items=[("D1_01", "材料已补充", [])])
    reviewer = UserFactory(role=User.Role.REVIEWER, first_name="赵复核")
    fu.appeal_assign(appeal=appeal, reviewer=reviewer, actor=office)
    fu.appeal_item_decide(item=appeal.items.get(), actor=reviewer, decision="upheld", reason="依据充分")
    late = fu.rectification_create(target=target, actor=office, title="更换门牌", measures="按三定更换",
                                   deadline=timezone.localdate() - timedelta(days=1))
    fu.followup_remind(campaign=world.campaign, actor=office)
    fu.rectification_report(item=late, actor=world.liaison, text="已更换")
    fu.rectification_verify(item=late, actor=office, accept=True)
    fu.rectification_create(target=target, actor=office, title="清理超编", measures="消化", deadline=timezone.localdate())
    advance_to(world, Campaign.Status.CLOSED)  # the results locked (tests.reports.helpers.prepare_for)
    following = services.campaign_create(name="下一轮评估", year=2027, units=[target.unit], actor=office,
                                         plan_text="方案", notice_text="通知")
    services.campaign_advance(campaign=following, actor=office)  # 发布通知: the open item carried over


def test_every_event_type_says_itself_in_chinese_with_the_actors_name():
    world = run_everything()
    rows = list(CampaignEvent.objects.select_related("actor", "target__unit"))
    written = {e.type for e in rows}
    assert written == set(T.values) - LEGACY, f"not written: {set(T.values) - LEGACY - written}"
    for event in rows:
        sentence = event.sentence
        assert sentence.startswith(event.who + " "), sentence
        assert "{" not in sentence and "None" not in sentence and "[" not in sentence, sentence
    named = world.campaign.events.get(type=T.STATUS_CHANGED, data__to="self_assessment")
    assert named.sentence == "王评估 将评估阶段由 发布通知 改为 部门自评"
    judged = world.campaign.events.filter(type=T.JUDGEMENT_SAVED).first()
    assert judged.actor is None and judged.sentence.startswith("专家 李专家 保存了")


def test_the_issues_sentence(world):
    User.objects.filter(pk=world.evaluator.pk).update(first_name="王评估")
    world.evaluator.refresh_from_db()
    event = events.event_campaign_advanced(campaign=world.campaign, actor=world.evaluator,
                                           from_status=Campaign.Status.SELF_ASSESSMENT, to_status=Campaign.Status.SURVEY)
    assert event.sentence == "王评估 将评估阶段由 部门自评 改为 社会调查"


def test_rows_written_before_the_typed_events_still_say_themselves(world):
    old = CampaignEvent.objects.create(campaign=world.campaign, type=T.FORM_CHANGED, actor=world.evaluator,
                                       data={"action": "question_removed", "form": "satisfaction", "question": "q3"})
    assert old.sentence.startswith(f"{old.who} 修改表册") and "q3" in old.sentence
    edited = CampaignEvent.objects.create(campaign=world.campaign, type=T.EDITED, actor=world.evaluator,
                                          data={"deadlines": {"report": {"from": None, "to": "2026-12-01"}}})
    assert "撰写报告 由 — 改为 2026-12-01" in edited.sentence


def test_pages_csv_and_api_show_sentences_and_full_names_never_dicts_or_usernames(world):
    named = UserFactory(role=User.Role.EVALUATOR, first_name="赵评估", username="zhao_login")
    services.team_save(campaign=world.campaign, actor=named, name="第二组", members=[named], targets=[])
    services.campaign_deadlines_set(campaign=world.campaign, actor=named, deadlines={"report": date(2026, 12, 1)})
    client = Client()
    client.force_login(named)
    page = client.get(reverse("evaluations:campaign_detail", args=[world.campaign.pk])).content.decode()
    events_table = page.split('class="events"')[1].split("</table>")[0]
    assert "赵评估 建立了评估组“第二组”" in events_table and "赵评估 修改了截止日期：撰写报告 由 — 改为 2026-12-01" in events_table
    assert "zhao_login" not in events_table and "{" not in events_table
    csv = client.get(reverse("evaluations:campaign_events_export", args=[world.campaign.pk])).content.decode("utf-8-sig")
    assert "赵评估 修改了截止日期" in csv and "zhao_login" not in csv
    api = client.get(f"/api/v1/campaigns/{world.campaign.pk}/events/").json()
    rows = api["results"] if isinstance(api, dict) else api
    mine = [r for r in rows if r["actor"] == "赵评估"]
    assert mine and all(r["sentence"].startswith("赵评估 ") for r in mine)


def test_the_actors_name_stays_on_the_row_and_the_user_cannot_be_deleted(world):
    User.objects.filter(pk=world.evaluator.pk).update(first_name="王评估")
    world.evaluator.refresh_from_db()
    event = events.event_deadlines_set(campaign=world.campaign, actor=world.evaluator, changes={})
    with pytest.raises(ProtectedError):
        world.evaluator.delete()
    User.objects.filter(pk=world.evaluator.pk).update(first_name="改了名")  # a later rename does not rewrite history
    assert CampaignEvent.objects.get(pk=event.pk).who == "王评估"


def test_postgresql_refuses_truncate_of_the_audit_trail(world, postgres):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL bianzhi.audit_maintenance = ''")  # as any session but the test runner's flush
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending foreign-key checks, out of the way
        cursor.execute("TRUNCATE evaluations_campaignevent CASCADE")
    assert world.campaign.events.exists()
