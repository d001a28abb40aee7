"""反馈结果, 评估复核 and 整改 (reports.followup): the services, their rules and the hooks below."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bianzhi.exceptions import ApplicationError
from bianzhi.models import CalendarDay, User
from evaluations import hooks
from evaluations.models import Campaign, CampaignEvent, CampaignTarget, Notification, Problem
from evaluations.results_release import target_released
from evaluations.services import campaign_advance, campaign_create
from reports.followup import selectors, services
from reports.followup.models import Appeal, RectificationItem
from reports.followup.workdays import add_working_days
from scoring.models import ResultVersion

from ..evaluations.conftest import PDF, PNG, accept_all, advance_to, make_world
from ..factories import QuotaFactory, UserFactory, campaign_tree_factory

pytestmark = pytest.mark.django_db
S = Campaign.Status


def at_stage(stage):
    """Units with a stored result (version 1), at 反馈结果 (and, fed back, further on)."""
    world = make_world()
    QuotaFactory(unit=world.target.unit)
    accept_all(world)
    advance_to(world, S.FIELD_VISIT)
    world.campaign.targets.update(status="field_done")  # the field visit's own tests walk it
    advance_to(world, S.FEEDBACK)
    if stage != S.FEEDBACK:
        services.results_feed_back(campaign=world.campaign, actor=world.evaluator, targets=[world.target, world.other])
        advance_to(world, stage)
    return world


@pytest.fixture
def review():
    return at_stage(S.REVIEW)


def two_codes(target):
    version = ResultVersion.objects.filter(target=target).order_by("-version").first()
    return sorted(version.indicators)[:2]


# ---------------------------------------------------------------- working days, the window
def test_working_days_skip_weekends():
    assert add_working_days(date(2026, 12, 4), 10) == date(2026, 12, 18)  # Friday + 10 working days: Friday
    assert add_working_days(date(2026, 12, 5), 1) == date(2026, 12, 7)  # Saturday + 1: Monday
    assert add_working_days(date(2026, 12, 7), 4) == date(2026, 12, 11)  # Monday + 4: Friday, no weekend crossed
    assert add_working_days(date(2026, 12, 10), 2) == date(2026, 12, 14)  # Thursday + 2: Friday, (weekend), Monday


def test_working_days_follow_the_holiday_notice():
    # 国庆 2026 as a notice might set it: Thursday 10-01 to Wednesday 10-07 off, Saturday 10-10 worked.
    notice = {date(2026, 10, d): False for d in (1, 2, 5, 6, 7)} | {date(2026, 10, 10): True}
    # From Wednesday 09-30: Thu–Wed are off (the weekend too), then Thu 10-08, Fri 10-09, Sat 10-10 (worked), Mon 10-12
    assert add_working_days(date(2026, 9, 30), 4, notice) == date(2026, 10, 12)
    assert add_working_days(date(2026, 9, 30), 4) == date(2026, 10, 6)  # without the notice: Thu, Fri, Mon, Tue


def test_the_appeal_window_skips_the_holidays_the_office_entered():
    world = at_stage(S.FEEDBACK)
    services.results_feed_back(campaign=world.campaign, actor=world.evaluator, targets=[world.target])
    today = timezone.localdate()
    weekdays = [d for d in (today + timedelta(days=n) for n in range(1, 8)) if d.weekday() < 5][:3]
    CalendarDay.objects.bulk_create([CalendarDay(day=d, name="假日") for d in weekdays])
    advance_to(world, S.REVIEW)
    world.target.feedback.refresh_from_db()
    # the three next weekdays are holidays: 10 working days end where 13 weekdays would
    assert world.target.feedback.appeal_until == add_working_days(today, 13)


def test_feedback_is_per_unit_and_a_liaison_sees_no_score_before_their_own():
    world = at_stage(S.FEEDBACK)
    assert not target_released(world.target)
    services.results_feed_back(campaign=world.campaign, actor=world.evaluator, targets=[world.target])
    assert target_released(world.target) and not target_released(world.other)
    fed_back = CampaignTarget.objects.annotate(day=hooks.target_expression_of("feedback_on")).get(pk=world.target.pk)
    assert fed_back.day == timezone.localdate()
    assert Notification.objects.filter(user=world.liaison, title__contains="评估结果已反馈").exists()
    assert not Notification.objects.filter(user=world.other_liaison, title__contains="评估结果已反馈").exists()
    assert CampaignEvent.objects.filter(type="results_fed_back").get().sentence.count("临川市甲局") == 1
    with pytest.raises(ApplicationError, match="都已反馈"):  # fed back once
        services.results_feed_back(campaign=world.campaign, actor=world.evaluator, targets=[world.target])


def test_the_register_dates_a_result_by_the_units_own_feedback_day():
    from scoring.register import latest_final_results

    world = at_stage(S.FEEDBACK)
    services.results_feed_back(campaign=world.campaign, actor=world.evaluator, targets=[world.target],
                               on=date(2026, 3, 2))
    found = latest_final_results(unit_ids=[world.target.unit_id])
    assert found[world.target.unit_id].feedback_on == date(2026, 3, 2)


def test_entering_review_opens_the_windows_in_working_days(review):
    feedback = review.target.feedback
    assert feedback.appeal_until == add_working_days(timezone.localdate(), 10)


def test_late_and_repeated_appeals_are_refused(review):
    code, _other = two_codes(review.target)
    late = review.target.feedback.appeal_until + timedelta(days=1)
    with pytest.raises(ApplicationError, match="复核申请已于 .* 截止（反馈后 10 个工作日）"):
        services.appeal_submit(target=review.target, actor=review.liaison, items=[(code, "理由", [])], today=late)
    services.appeal_submit(target=review.target, actor=review.liaison, items=[(code, "理由", [("证明.pdf", PDF)])])
    with pytest.raises(ApplicationError, match="每次评估只能申请一次复核"):
        services.appeal_submit(target=review.target, actor=review.liaison, items=[(code, "再申请", [])])
    with pytest.raises(ApplicationError, match="写明"):
        services.appeal_submit(target=review.other, actor=review.other_liaison, items=[(code, " ", [])])


def test_a_reviewer_on_the_units_team_is_refused(review):
    code, _ = two_codes(review.target)
    appeal = services.appeal_submit(target=review.target, actor=review.liaison, items=[(code, "理由", [])])
    on_team = UserFactory(role=User.Role.REVIEWER, first_name="组内")
    review.target.team.members.add(on_team)
    with pytest.raises(ApplicationError, match="评估组的成员"):
        services.appeal_assign(appeal=appeal, reviewer=on_team, actor=review.evaluator)
    with pytest.raises(ApplicationError, match="不是复核人员"):
        services.appeal_assign(appeal=appeal, reviewer=review.outsider, actor=review.evaluator)
    reviewer = UserFactory(role=User.Role.REVIEWER)
    assert services.appeal_assign(appeal=appeal, reviewer=reviewer, actor=review.evaluator).reviewer == reviewer


def test_decisions_make_a_new_version_and_then_the_result_is_locked(review):
    up, adj = two_codes(review.target)
    appeal = services.appeal_submit(target=review.target, actor=review.liaison,
                                    items=[(up, "理由一", []), (adj, "理由二", [("照片.png", PNG)])])
    with pytest.raises(ApplicationError, match="复核申请尚未全部作出决定"):
        services.results_finalize(campaign=review.campaign, actor=review.evaluator, targets=[review.target])
    reviewer = UserFactory(role=User.Role.REVIEWER)
    services.appeal_assign(appeal=appeal, reviewer=reviewer, actor=review.evaluator)
    items = {i.indicator_code: i for i in appeal.items.all()}
    with pytest.raises(ApplicationError, match="指定的复核人员"):
        services.appeal_item_decide(item=items[up], actor=review.evaluator, decision="upheld", reason="x")
    services.appeal_item_decide(item=items[up], actor=reviewer, decision="upheld", reason="依据充分")
    assert ResultVersion.objects.filter(target=review.target).count() == 1  # 维持: no new version
    full = items[adj].full_marks
    services.appeal_item_decide(item=items[adj], actor=reviewer, decision="adjusted", reason="材料证明", points=full)
    latest = ResultVersion.objects.filter(target=review.target).order_by("-version").first()
    assert latest.version == 2 and latest.indicators[adj]["points"] == full
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.DECIDED
    assert selectors.appeals_fact(review.campaign) == {"units": 1, "open": 0, "items": 2, "decided": 2, "upheld": 1,
                                                  "adjusted": 1}
    assert Notification.objects.filter(user=review.liaison, title__contains="调整").exists()
    types = set(CampaignEvent.objects.filter(target=review.target).values_list("type", flat=True))
    assert {"appeal_submitted", "appeal_assigned", "appeal_item_decided", "result_revised"} <= types
    services.results_finalize(campaign=review.campaign, actor=review.evaluator, targets=[review.target])
    review.target.feedback.refresh_from_db()
    assert review.target.feedback.is_final and review.target.feedback.final_version == 2


def test_summary_needs_every_result_final_naming_the_units(review):
    with pytest.raises(ApplicationError, match="评估结果尚未定稿：临川市甲局、临川市乙局"):
        campaign_advance(campaign=review.campaign, actor=review.evaluator)
    with pytest.raises(ApplicationError, match="复核申请期限到"):  # the window is still open
        services.results_finalize(campaign=review.campaign, actor=review.evaluator, targets=[review.target])
    after = review.target.feedback.appeal_until + timedelta(days=1)
    services.results_finalize(campaign=review.campaign, actor=review.evaluator, targets=[review.target, review.other],
                              today=after)
    assert campaign_advance(campaign=review.campaign, actor=review.evaluator).status == S.SUMMARY


# ---------------------------------------------------------------- 整改
def test_items_from_the_problem_list_and_low_indicators_are_made_in_bulk_reported_and_verified(review):
    from evaluations.models import FieldVisit

    visit = FieldVisit.objects.get(target=review.target)
    Problem.objects.create(target=review.target, visit=visit, stage="look", description="门牌与内设机构不一致")
    candidates = selectors.rectification_candidates(campaign=review.campaign)
    problem = [c for c in candidates if c["source"] == "problem"]
    assert [c["title"] for c in problem] == ["门牌与内设机构不一致"]
    (item,) = services.rectifications_create_bulk(campaign=review.campaign, actor=review.evaluator, candidates=problem)
    assert not [c for c in selectors.rectification_candidates(campaign=review.campaign) if c["source"] == "problem"]
    services.rectification_report(item=item, actor=review.liaison, text="已更换门牌", files=[("门牌.png", PNG)])
    with pytest.raises(ApplicationError, match="退回请写明理由"):
        services.rectification_verify(item=item, actor=review.evaluator, accept=False)
    services.rectification_verify(item=item, actor=review.evaluator, accept=False, reason="照片不清楚")
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.RETURNED
    services.rectification_report(item=item, actor=review.liaison, text="补充清晰照片")
    services.rectification_verify(item=item, actor=review.evaluator, accept=True)
    item.refresh_from_db()
    assert item.status == "closed" and item.closed_on == timezone.localdate()
    fact = selectors.rectification_fact(review.campaign)
    assert fact["total"] == 1 and fact["closed"] == 1 and fact["by_unit"][0]["unit"] == "临川市甲局"


def test_the_overdue_sweep_reminds_once_a_week(review):
    item = services.rectification_create(target=review.target, actor=review.evaluator, title="清理超编",
                                         measures="三个月内消化", deadline=timezone.localdate() - timedelta(days=1))
    assert services.rectification_sweep() == 1
    assert services.rectification_sweep() == 0  # reminded today
    assert services.rectification_sweep(today=timezone.localdate() + timedelta(days=7)) == 1
    item.refresh_from_db()
    assert item.reminded_on == timezone.localdate() + timedelta(days=7)
    assert selectors.units_behind(campaign=review.campaign, today=timezone.localdate()) == [review.target]
    assert services.followup_remind(campaign=review.campaign, actor=review.evaluator) == 1


def _close(world):
    advance_to(world, S.CLOSED)  # (prepare_for locks the results)


def test_open_items_are_carried_into_the_next_campaign_and_feed_the_on_time_rule(review):
    due = timezone.localdate() + timedelta(days=30)
    done = services.rectification_create(target=review.target, actor=review.evaluator, title="完善三定", measures="修订",
                                         deadline=due)
    services.rectification_create(target=review.target, actor=review.evaluator, title="清理超编", measures="消化",
                                  deadline=due)
    services.rectification_report(item=done, actor=review.liaison, text="已修订")
    services.rectification_verify(item=done, actor=review.evaluator, accept=True)
    _close(review)
    nxt = campaign_create(name="下年度评估", year=2027, units=[review.target.unit], actor=review.evaluator,
                          plan_text="方案", notice_text="通知")
    target = nxt.targets.get()
    history = hooks.target_facts("rectification_history", [target])[target.pk]
    assert sorted(history, key=lambda r: r[1] is None) == [(due, timezone.localdate()), (due, None)]
    assert hooks.target_facts("rectification_history", [review.other])[review.other.pk] is None  # no earlier campaign
    assert [i.title for i in selectors.carried_open_items(target=target)] == ["清理超编"]
    client = Client()
    client.force_login(review.liaison)
    page = client.get(reverse("evaluations:package", args=[target.pk])).content.decode()
    assert "上一轮评估未办结的整改事项" in page and "清理超编" in page and "完善三定" not in page
    campaign_advance(campaign=nxt, actor=review.evaluator)  # 发布通知: carried over
    (carried,) = target.rectifications.all()
    assert carried.source == "carried" and carried.carried_from.title == "清理超编"
    from scoring.rules import rectification_on_time

    assert rectification_on_time(history, 10) == (5.0, "")  # 1 of 2 closed on time: 1 ÷ 2 × 10
    # the tree's rule reads it in the next campaign's result: D8_06 made "整改 closed on time", 10 marks → 5
    from scoring.models import TreeIndicator
    from scoring.results import results_compute

    campaign_tree_factory(actor=review.evaluator, campaign=nxt)
    TreeIndicator.objects.filter(tree__campaign=nxt, code="D8_06").update(rule="rectification_on_time", params={},
                                                                          full_marks=10)
    (result,) = results_compute(campaign=nxt)
    assert result.indicators["D8_06"]["points"] == pytest.approx(5.0)
    assert result.indicators["D8_06"]["evidence"] == "上一轮整改事项 2 项，按期办结 1 项"


# ---------------------------------------------------------------- who sees what
def test_a_liaison_sees_only_their_units_appeals_and_items_a_reviewer_only_what_was_assigned(review):
    code, _ = two_codes(review.target)
    mine = services.appeal_submit(target=review.target, actor=review.liaison, items=[(code, "理由", [("证.pdf", PDF)])])
    theirs = services.appeal_submit(target=review.other, actor=review.other_liaison, items=[(code, "理由", [])])
    reviewer, other_reviewer = UserFactory(role=User.Role.REVIEWER), UserFactory(role=User.Role.REVIEWER)
    services.appeal_assign(appeal=mine, reviewer=reviewer, actor=review.evaluator)
    services.appeal_assign(appeal=theirs, reviewer=other_reviewer, actor=review.evaluator)
    due = timezone.localdate() + timedelta(days=9)
    item = services.rectification_create(target=review.target, actor=review.evaluator, title="甲的事项", measures="改",
                                         deadline=due)
    other_item = services.rectification_create(target=review.other, actor=review.evaluator, title="乙的事项",
                                               measures="改", deadline=due)
    assert list(selectors.appeal_list_for_user(user=review.liaison)) == [mine]
    assert list(selectors.appeal_list_for_user(user=reviewer)) == [mine]
    assert list(selectors.rectification_list_for_user(user=review.liaison)) == [item]
    assert not selectors.rectification_list_for_user(user=reviewer).exists()

    def client(user):
        c = Client()
        c.force_login(user)
        return c

    liaison, rev = client(review.liaison), client(reviewer)
    assert liaison.get(reverse("reports:followup_appeal", args=[mine.pk])).status_code == 200
    assert liaison.get(reverse("reports:followup_appeal", args=[theirs.pk])).status_code == 404
    assert liaison.get(reverse("reports:followup_unit", args=[review.other.pk])).status_code == 404
    assert liaison.post(reverse("reports:followup_item_report", args=[other_item.pk]), {"text": "x"}).status_code == 404
    evidence = mine.items.get().evidence.get()
    assert liaison.get(reverse("reports:followup_file", args=[evidence.pk])).status_code == 200
    assert client(review.other_liaison).get(reverse("reports:followup_file", args=[evidence.pk])).status_code == 404
    page = rev.get(reverse("reports:followup_my_reviews")).content.decode()
    assert "临川市甲局" in page and "临川市乙局" not in page
    assert rev.get(reverse("reports:followup_appeal", args=[mine.pk])).status_code == 200
    assert rev.get(reverse("reports:followup_file", args=[evidence.pk])).status_code == 200  # the file of their appeal
    assert rev.get(reverse("reports:followup_appeal", args=[theirs.pk])).status_code == 404
    other_code_item = theirs.items.get()
    assert rev.post(reverse("reports:followup_appeal_decide", args=[other_code_item.pk]),
                    {"decision": "upheld", "reason": "x"}).status_code == 404
    assert rev.get(reverse("reports:followup_unit", args=[review.target.pk])).status_code == 404
    assert rev.get(reverse("reports:followup_campaign", args=[review.campaign.pk])).status_code == 404
    assert rev.get(reverse("reports:followup_item_report", args=[item.pk])).status_code in (404, 405)
    api = liaison.get(f"/api/v1/campaigns/{review.campaign.pk}/rectifications/").json()
    assert [i["title"] for i in api["items"]] == ["甲的事项"] and api["total"] == 1
    office = client(review.evaluator).get(f"/api/v1/campaigns/{review.campaign.pk}/rectifications/").json()
    assert office["total"] == 2


def test_the_progress_page_export_and_board(review):
    services.rectification_create(target=review.target, actor=review.evaluator, title="逾期事项", measures="改",
                                  deadline=timezone.localdate() - timedelta(days=3))
    c = Client()
    c.force_login(review.evaluator)
    page = c.get(reverse("reports:followup_rectifications", args=[review.campaign.pk])).content.decode()
    assert "逾期事项" in page and "已逾期" in page
    response = c.get(reverse("reports:followup_rectifications_xlsx", args=[review.campaign.pk]))
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["整改进度", "整改事项"] and wb["整改事项"]["C2"].value == "逾期事项"
    board = c.get(reverse("evaluations:campaign_board", args=[review.campaign.pk])).content.decode()
    assert "反馈" in board and "2/2 · 100%" in board and "催办" in board  # both units fed back
    response = c.post(reverse("reports:followup_remind", args=[review.campaign.pk]), {"confirm": "1"}, follow=True)
    assert "已向 1 个单位的填报员发送催办通知" in response.content.decode()
    assert CampaignEvent.objects.filter(type="followup_reminded").exists()
    assert Notification.objects.filter(user=review.liaison, title__startswith="催办").exists()
