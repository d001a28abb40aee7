"""Each unit's result from its sources, stored at 撰写报告 and versioned; the page, the API and the export.

Expected scores are computed by hand in the comments (full marks 10 for every indicator of the default tree).
"""

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bianzhi.models import LeadershipPost, Quota, UnitVersion, User
from evaluations.models import Campaign, CampaignDeadline, CampaignEvent, CampaignTarget, SelfAssessment
from evaluations.services import campaign_advance
from scoring.indicators import DIMENSIONS
from scoring.models import ResultVersion, TreeIndicator
from scoring.results import result_revise, results_compute, results_store
from scoring.selectors import campaign_results, target_result, target_score
from surveys.models import Answer, Form, Question, SheetSignoff, StaffTally, SurveyResponse
from surveys.services import (
    ballot_submit,
    ballots_issue,
    form_create,
    sheet_entries_save,
    sheet_settings_update,
    sheet_signoff,
    survey_links_issue,
    survey_response_submit,
)

from ..factories import CampaignTargetFactory, QuotaFactory, UnitFactory, UserFactory, campaign_tree_factory
from ..reports.helpers import reports_signed
from .results_data import campaign_with_sources

pytestmark = pytest.mark.django_db
SHEET_CODES = [i.code.lower() for d in DIMENSIONS for i in d.indicators]

SATISFACTION = {"duties": "satisfied", "efficiency": "satisfied", "attitude": "satisfied", "openness": "satisfied",
                "problem_solving": "satisfied"}


@pytest.fixture
def target(evaluator):
    tree = campaign_tree_factory(actor=evaluator)
    return tree.campaign.targets.get()


def _indicator(result, code):
    return result.indicators[code]


def test_a_new_campaign_has_no_grade_and_a_unit_without_quotas_does_not_score_100(target):
    (result,) = campaign_results(campaign=target.campaign)
    assert result.provisional and not result.complete and result.grade == ""
    assert result.grade_label == "数据不全" and result.total is None and result.scored == 0
    for code in ("D3_03", "D8_02", "D3_02"):  # nothing in the registry: missing, with the reason
        assert _indicator(result, code)["points"] is None
    assert {m["code"] for m in result.missing} == set(result.indicators)
    assert next(m for m in result.missing if m["code"] == "D3_03")["why"] == "台账中没有核定编制"


def test_overstaffing_in_one_kind_is_caught_although_another_kind_is_vacant_and_posts_over_lower_d3_02(target):
    unit = target.unit
    QuotaFactory(unit=unit, kind=Quota.Kind.ADMINISTRATIVE, approved=10, actual=12)
    QuotaFactory(unit=unit, kind=Quota.Kind.SERVICE_WORKER, approved=10, actual=5)
    LeadershipPost.objects.create(unit=unit, rank="division_deputy", approved=3, actual=4)
    result = target_result(target=target)
    assert _indicator(result, "D3_03")["points"] == pytest.approx(7.5)  # min(12,10) + min(5,10) = 15 of 20 × 10
    assert _indicator(result, "D8_02")["points"] == 0.0  # 行政编制 2 over: 10 − 10 × 1
    assert "行政编制 超编 2 人" in _indicator(result, "D8_02")["evidence"]
    assert _indicator(result, "D3_02")["points"] == pytest.approx(5.0)  # 4 副处 of 3: 10 − 5 × 1
    assert "副处级 实配 4／核定 3，超 1 人" in _indicator(result, "D3_02")["evidence"]
    # equal weights: D3_02 and D3_03 weigh 1/8 × 1/5 each, D8_02 1/8 × 1/6:
    # (5/40 + 7.5/40 + 0/48) / (1/40 + 1/40 + 1/48) = 5.3125 / 0.0708333 × 10 = 75.0 → total on 100: 53.0
    assert float(result.total) == pytest.approx(100 * (0.5 / 40 + 0.75 / 40) / (2 / 40 + 1 / 48), abs=0.005)


def test_the_staff_assessment_feeds_its_dimension_and_is_missing_below_the_minimum(target, evaluator, settings):
    settings.SURVEY_MIN_RESPONSES_FOR_STATS = 5
    QuotaFactory(unit=target.unit)
    form = form_create(campaign=target.campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator)
    box = ballots_issue(form=form, target=target, actor=evaluator, count=5)
    ballots = list(box.ballots.all())
    answers = [{f"d{n}": "satisfied" for n in range(1, 9)}] * 3 + [
        {**{f"d{n}": "satisfied" for n in range(1, 9)}, "d3": "basically_satisfied", "d4": "dissatisfied"}] * 2
    for ballot, data in zip(ballots[:4], answers[:4]):
        ballot_submit(code=ballot.code, data=data)
    result = target_result(target=target)
    assert _indicator(result, "D3_05")["points"] is None  # 4 answers < 5: missing, not zero
    assert "测评表答卷不足最少人数" in _indicator(result, "D3_05")["why"]
    ballot_submit(code=ballots[4].code, data=answers[4])
    result = target_result(target=target)
    # 编制配置: 3 × 满意 (1) + 2 × 基本满意 (0.6) = 4.2 of 5 → 0.84 × 10 = 8.4 (a 满意率 would give 10)
    assert _indicator(result, "D3_05")["points"] == pytest.approx(8.4)
    # 工作机制 feeds D4_01 and D4_04: 3 × 1 + 2 × 0 = 3 of 5 → 6.0
    assert _indicator(result, "D4_01")["points"] == pytest.approx(6.0)
    assert _indicator(result, "D4_04")["points"] == pytest.approx(6.0)
    assert _indicator(result, "D7_03")["points"] == pytest.approx(10.0)


def test_public_forms_feed_the_indicator_each_question_is_tagged_with_and_a_small_sample_is_flagged(target, evaluator):
    QuotaFactory(unit=target.unit)
    satisfaction = form_create(campaign=target.campaign, kind=Form.Kind.SATISFACTION, actor=evaluator)
    questionnaire = form_create(campaign=target.campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator)
    for form in (satisfaction, questionnaire):
        survey_links_issue(form=form, actor=evaluator)
    link = satisfaction.links.get()
    survey_response_submit(link=link, data=SATISFACTION)
    survey_response_submit(link=link, data={**SATISFACTION, "duties": "basically_satisfied"})
    qlink = questionnaire.links.get()
    base = {"respondent": "related_unit", "duty_overlap": "good", "quota_fit": "good", "division_of_work": "good",
            "workload": "good", "overall": "8"}
    survey_response_submit(link=qlink, data={**base, "cooperation": "very_good"})
    survey_response_submit(link=qlink, data={**base, "cooperation": "fair"})
    result = target_result(target=target)
    # D6_08 from the duties question only: (满意 1 + 基本满意 0.6) / 2 = 0.8 → 8.0 (both would count as satisfied)
    assert _indicator(result, "D6_08")["points"] == pytest.approx(8.0) and _indicator(result, "D6_08")["n"] == 2
    # D5_04 from the questionnaire's cooperation question: (很好 1 + 一般 0.6) / 2 → 8.0
    assert _indicator(result, "D5_04")["points"] == pytest.approx(8.0)
    assert any("仅 2 个回答，少于最少样本 30" in f for f in result.flags)


def _sign(target, evaluator, scores: dict[str, str]):
    sheet = form_create(campaign=target.campaign, kind=Form.Kind.EVALUATION_SHEET, actor=evaluator)
    sheet_settings_update(form=sheet, combine=Form.Combine.MEAN, spread_limit=Decimal("3"), lead_evaluator=evaluator,
                          actor=evaluator)
    sheet_entries_save(form=sheet, target=target, evaluator=evaluator, data=scores)
    sheet_signoff(form=sheet, target=target, actor=evaluator)


def test_a_long_vacancy_lowers_the_sheet_score_of_the_indicators_the_tree_says(target, evaluator):
    unit = target.unit
    for day in (date(2025, 1, 1), date(2026, 6, 30)):  # 行政编制 8 of 10 since 2025-01-01: 18 months by the pin
        UnitVersion.objects.create(unit=unit, valid_from=day, source=UnitVersion.Source.SEED,
                                   data={"kind": unit.kind, "quotas": [["administrative", 10, 8]], "posts": []})
    CampaignTarget.objects.filter(pk=target.pk).update(registry_version=UnitVersion.objects.get(valid_from=date(2026, 6, 30)))
    target.refresh_from_db()
    _sign(target, evaluator, {code: "8" for code in SHEET_CODES} | {"d6_10": "1"})
    result = target_result(target=target)
    assert _indicator(result, "D3_01")["points"] == pytest.approx(6.0)  # signed 8 − 2 for one long-vacant kind
    assert _indicator(result, "D7_02")["points"] == pytest.approx(6.0)
    assert _indicator(result, "D1_01")["points"] == pytest.approx(8.0)  # the tree sets no deduction here
    assert _indicator(result, "D6_10")["points"] == pytest.approx(5.0)  # 1 重大失误: 10 − 5
    assert _indicator(result, "D3_03")["points"] == pytest.approx(8.0)  # from the pinned version: 8 of 10


def _to_report(campaign: Campaign, evaluator):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.FIELD_VISIT)
    campaign.targets.update(status=CampaignTarget.Status.FIELD_DONE)
    campaign.refresh_from_db()
    return campaign_advance(campaign=campaign, actor=evaluator)


def test_entering_report_stores_version_1_and_answers_arriving_later_do_not_change_it(target, evaluator):
    QuotaFactory(unit=target.unit, approved=20, actual=18)
    satisfaction = form_create(campaign=target.campaign, kind=Form.Kind.SATISFACTION, actor=evaluator)
    survey_links_issue(form=satisfaction, actor=evaluator)
    live = target_result(target=target)
    campaign = _to_report(target.campaign, evaluator)
    stored = ResultVersion.objects.get(target=target)
    assert stored.version == 1 and stored.actor == evaluator and stored.total == live.total
    assert stored.indicators["D3_03"]["points"] == pytest.approx(9.0)  # 18/20 × 10
    results_store(campaign, evaluator)  # again: nothing is stored twice
    assert ResultVersion.objects.filter(target=target).count() == 1

    # an answer after 撰写报告: the form no longer takes it; one that slipped in (written directly) changes nothing
    with pytest.raises(Exception, match="撰写报告"):
        survey_response_submit(link=satisfaction.links.get(), data=SATISFACTION)
    late = SurveyResponse.objects.create(form=satisfaction, target=target)
    Answer.objects.bulk_create(Answer(response=late, question=q, choice="satisfied")
                               for q in satisfaction.questions.filter(counts_for_satisfaction=True))
    after = target_result(target=target)
    assert not after.provisional and after.pk == stored.pk and after.indicators["D6_08"]["points"] is None
    assert target_score(target=target).score == float(stored.total)


def test_a_revision_makes_a_new_version_with_its_reason(target, evaluator):
    QuotaFactory(unit=target.unit, approved=20, actual=18)
    _to_report(target.campaign, evaluator)
    with pytest.raises(Exception, match="必须写明理由"):
        result_revise(target, {"D3_03": 10}, "", evaluator)
    v2 = result_revise(target, {"D3_03": Decimal("10")}, "复核：2 人已办理调入手续", evaluator)
    v1 = ResultVersion.objects.get(target=target, version=1)
    assert v2.version == 2 and v2.reason == "复核：2 人已办理调入手续" and v2.indicators["D3_03"]["source"] == "评估复核"
    # only D3_03 and D8_02 are scored, equally weighted within their dimensions:
    # v1 = (0.9/40 + 1/48) / (1/40 + 1/48) = 95.45…, v2 = (1/40 + 1/48) / (1/40 + 1/48) = 100
    assert float(v1.total) == pytest.approx(100 * (0.9 / 40 + 1 / 48) / (1 / 40 + 1 / 48), abs=0.005)
    assert float(v2.total) == pytest.approx(100.0)
    assert target_result(target=target).pk == v2.pk
    event = CampaignEvent.objects.filter(target=target, type=CampaignEvent.Type.RESULT_REVISED).get()
    assert event.data["reason"] == "复核：2 人已办理调入手续" and event.data["version"] == 2


def test_ranks_overall_and_within_kind_share_ties(evaluator, settings):
    tree = campaign_tree_factory(actor=evaluator)
    campaign = tree.campaign
    tree.min_coverage = Decimal("0")  # rank on what is there
    tree.save()
    units = [campaign.targets.get().unit, UnitFactory(), UnitFactory(kind="public_institution")]
    for unit in units[1:]:
        CampaignTargetFactory(campaign=campaign, unit=unit)
    for unit, actual in zip(units, (18, 18, 10)):
        QuotaFactory(unit=unit, approved=20, actual=actual)
    results = {r.target.unit_id: r for r in campaign_results(campaign=campaign)}
    assert [results[u.pk].rank_overall for u in units] == [1, 1, 3]
    assert [results[u.pk].rank_kind for u in units] == [1, 1, 1]


def test_the_api_shows_a_liaison_only_their_own_result_and_only_after_feedback(client, target, evaluator, leader):
    other = CampaignTargetFactory(campaign=target.campaign)
    liaison = UserFactory(role=User.Role.LIAISON, unit=target.unit)
    url = reverse("scoring-api-results", args=[target.campaign.pk])
    client.force_login(leader)
    body = client.get(url).json()
    assert {row["target"] for row in body} == {target.pk, other.pk} and all(row["provisional"] for row in body)
    assert body[0]["grade_label"] == "数据不全" and len(body[0]["indicators"]) == 41
    client.force_login(liaison)
    assert client.get(url).json() == []  # before 反馈结果: nothing
    _to_report(target.campaign, evaluator)
    assert client.get(url).json() == []
    reports_signed(target.campaign, evaluator)  # every unit's report signed (reports app)
    campaign_advance(campaign=Campaign.objects.get(pk=target.campaign.pk), actor=evaluator)  # → 反馈结果
    assert client.get(url).json() == []  # not before the office feeds back this unit's result
    from reports.followup.services import results_feed_back

    results_feed_back(campaign=target.campaign, actor=evaluator, targets=[target])
    body = client.get(url).json()
    assert [row["target"] for row in body] == [target.pk] and body[0]["version"] == 1 and not body[0]["provisional"]


def test_the_results_page_marks_provisional_and_the_export_neutralises_formulas(client, target, evaluator):
    unit = target.unit
    unit.name = "=HYPERLINK(\"http://x\")"
    unit.save()
    client.force_login(evaluator)
    page = client.get(reverse("scoring:results", args=[target.campaign.pk])).content.decode()
    assert 'id="provisional"' in page and "数据不全" in page and "合法合规度" in page
    response = client.get(reverse("scoring:results_xlsx", args=[target.campaign.pk]))
    wb = load_workbook(BytesIO(response.content))
    results, sources = wb["评估结果"], wb["得分来源"]
    assert results["A2"].value == "'=HYPERLINK(\"http://x\")" and results["A2"].data_type == "s"
    assert results.max_column == 13 + 41 and sources.max_row == 1 + 41
    assert client.get(reverse("scoring:result_detail", args=[target.campaign.pk, target.pk])).status_code == 200


def test_the_evaluator_sees_each_indicators_rule_on_the_sheet(client, target, evaluator):
    tree = target.campaign.indicator_tree
    services_indicator = tree.indicators.get(code="D3_02")
    services_indicator.params = {"per_post": 3}  # edited before the freeze: the sheet says what the tree says
    services_indicator.save()
    sheet = form_create(campaign=target.campaign, kind=Form.Kind.EVALUATION_SHEET, actor=evaluator)
    client.force_login(evaluator)
    page = client.get(reverse("surveys:sheet", args=[sheet.pk, target.pk])).content.decode()
    assert "计分规则：编制台账：超职数。领导职数：每个职级超出核定数的每一人扣 3 分" in page
    assert "计分规则：测评表。测评表：该维度各答案的选项分值平均 × 满分" in page  # D3_05


def test_results_are_computed_from_the_static_default_when_no_tree_exists_at_all(evaluator):
    from scoring.models import IndicatorTree

    IndicatorTree.objects.all().delete()  # as after a flush: the shipped template is gone
    target = CampaignTargetFactory()
    QuotaFactory(unit=target.unit, approved=20, actual=18)
    result = target_result(target=target)
    assert len(result.indicators) == 41 and result.indicators["D3_03"]["points"] == pytest.approx(9.0)
    assert not IndicatorTree.objects.exists()  # a read writes nothing


def test_a_self_assessment_filed_after_the_deadline_lowers_d8_03_and_rectification_is_missing(target, evaluator):
    QuotaFactory(unit=target.unit)
    CampaignDeadline.objects.create(campaign=target.campaign, step=Campaign.Status.SELF_ASSESSMENT, due_on=date(2026, 5, 31))
    _sign(target, evaluator, {code: "8" for code in SHEET_CODES} | {"d6_10": "0"})
    result = target_result(target=target)
    # not filed and the deadline (2026-05-31) has passed: 8 − 2 = 6
    assert _indicator(result, "D8_03")["points"] == pytest.approx(6.0)
    assert "逾期" in _indicator(result, "D8_03")["evidence"]
    # the first submission counts: version 1 filed 2026-05-31 (on time), a later resubmission does not make it late
    tz = timezone.get_current_timezone()
    SelfAssessment.objects.create(target=target, version=1, status="returned",
                                  submitted_at=datetime(2026, 5, 31, 18, 0, tzinfo=tz))
    SelfAssessment.objects.create(target=target, version=2, status="submitted",
                                  submitted_at=datetime(2026, 6, 10, 9, 0, tzinfo=tz))
    result = target_result(target=target)
    assert _indicator(result, "D8_03")["points"] == pytest.approx(8.0)  # on time: the signed 8 stands
    assert "按时" in _indicator(result, "D8_03")["evidence"]
    # an indicator whose tree says 整改 closed on time: missing with the reason, never zero or full marks
    TreeIndicator.objects.filter(tree__campaign=target.campaign, code="D8_06").update(rule="rectification_on_time", params={})
    result = target_result(target=target)
    assert _indicator(result, "D8_06")["points"] is None
    assert {"code": "D8_06", "name": _indicator(result, "D8_06")["name"], "why": "本单位没有上一轮评估的整改记录"} in result.missing
    assert not result.complete


def test_a_satisfaction_question_tagged_with_a_sheet_indicator_counts_for_30_percent(target, evaluator):
    QuotaFactory(unit=target.unit)
    _sign(target, evaluator, {code: "8" for code in SHEET_CODES} | {"d6_10": "0"})
    satisfaction = form_create(campaign=target.campaign, kind=Form.Kind.SATISFACTION, actor=evaluator)
    survey_links_issue(form=satisfaction, actor=evaluator)
    link = satisfaction.links.get()
    survey_response_submit(link=link, data={**SATISFACTION, "efficiency": "basically_satisfied"})
    survey_response_submit(link=link, data={**SATISFACTION, "efficiency": "dissatisfied"})
    result = target_result(target=target)
    # D7_01: sheet 8/10 = 0.8; efficiency answers (0.6 + 0) / 2 = 0.3; 0.7 × 0.8 + 0.3 × 0.3 = 0.65 → 6.5
    row = _indicator(result, "D7_01")
    assert row["points"] == pytest.approx(6.5) and row["n"] == 2
    assert "占 30%" in row["evidence"]
    # D1_01 has no tagged question: the sheet alone, 8.0
    assert _indicator(result, "D1_01")["points"] == pytest.approx(8.0)


def test_every_tagged_public_question_feeds_its_indicator_also_one_scored_from_the_staff_assessment(
        target, evaluator, settings):
    """满意度测评表「服务态度」is tagged D4_04 and the questionnaire's overall score D7_03: both indicators come from
    the staff assessment, and the tagged answers count for the rule's form_share (0.3), as on a sheet indicator."""
    settings.SURVEY_MIN_RESPONSES_FOR_STATS = 5
    QuotaFactory(unit=target.unit)
    staff = form_create(campaign=target.campaign, kind=Form.Kind.STAFF_ASSESSMENT, actor=evaluator)
    box = ballots_issue(form=staff, target=target, actor=evaluator, count=5)
    for ballot in box.ballots.all():
        ballot_submit(code=ballot.code, data={f"d{n}": "satisfied" for n in range(1, 9)})
    satisfaction = form_create(campaign=target.campaign, kind=Form.Kind.SATISFACTION, actor=evaluator)
    questionnaire = form_create(campaign=target.campaign, kind=Form.Kind.QUESTIONNAIRE, actor=evaluator)
    for form in (satisfaction, questionnaire):
        survey_links_issue(form=form, actor=evaluator)
    survey_response_submit(link=satisfaction.links.get(), data={**SATISFACTION, "attitude": "basically_satisfied"})
    survey_response_submit(link=satisfaction.links.get(), data={**SATISFACTION, "attitude": "dissatisfied"})
    base = {"respondent": "staff", "duty_overlap": "good", "quota_fit": "good", "division_of_work": "good",
            "cooperation": "good", "workload": "good"}
    survey_response_submit(link=questionnaire.links.get(), data={**base, "overall": "8"})
    survey_response_submit(link=questionnaire.links.get(), data={**base, "overall": "6"})
    result = target_result(target=target)
    # D4_04: 测评表「工作机制」5 × 满意 = 1.0; 服务态度 (基本满意 0.6 + 不满意 0) / 2 = 0.3;
    # 0.7 × 1.0 + 0.3 × 0.3 = 0.79 → 7.9
    row = _indicator(result, "D4_04")
    assert row["points"] == pytest.approx(7.9) and row["n"] == 2 and "占 30%" in row["evidence"]
    # D4_01 is tagged by no public question: the staff assessment alone, 10.0
    assert _indicator(result, "D4_01")["points"] == pytest.approx(10.0)
    # D7_03: 测评表「效能效益」1.0; overall scores 8 and 6 of 0–10: (0.8 + 0.6) / 2 = 0.7; 0.7 × 1 + 0.3 × 0.7 = 0.91
    assert _indicator(result, "D7_03")["points"] == pytest.approx(9.1)
    # every indicator a default public question is tagged with has a rule that reads the tagged answers
    tagged = set(Question.objects.filter(form__in=[satisfaction, questionnaire]).exclude(indicator="")
                 .values_list("indicator", flat=True))
    assert len(tagged) == 11 and {result.indicators[c]["rule"] for c in tagged} <= {"questions", "sheet", "staff_dimension"}


def test_units_with_the_same_sources_get_the_same_rows_and_each_keeps_its_own_flags_and_signed_text(settings):
    """Rows are built once per distinct input and shared: what differs between units must still show. Three
    units of campaign_with_sources, D1_01 signed "8.1", "8.10" and "9": 8.1 ÷ 10 × 10 = 8.1 points for both of the
    first two, but each evidence prints the score as signed; every unit keeps its own small-sample flags."""
    settings.SURVEY_MIN_RESPONSES_FOR_STATS = 5
    campaign = campaign_with_sources(3, "M")
    signoffs = list(SheetSignoff.objects.filter(form__campaign=campaign).order_by("target_id"))
    for signoff, score in zip(signoffs, ("8.1", "8.10", "9")):
        signoff.scores["d1_01"] = score
        signoff.save(update_fields=["scores"])
    results = sorted(campaign_results(campaign=campaign), key=lambda r: r.target_id)
    rows = [r.indicators["D1_01"] for r in results]
    assert [row["points"] for row in rows] == [pytest.approx(8.1), pytest.approx(8.1), pytest.approx(9.0)]
    assert [row["evidence"] for row in rows] == ["签署得分 8.1／10.00", "签署得分 8.10／10.00", "签署得分 9／10.00"]
    # 10 answers of each public form per unit, fewer than the minimum sample of 30: every unit is flagged for
    # the same indicators, whether its rows were built for it or shared
    assert results[0].flags and all(r.flags == results[0].flags for r in results)


def test_storing_results_costs_the_same_queries_for_10_and_60_units(settings):
    """results_store reads every source with one aggregate each and writes with one statement: the count
    does not grow with the units (the 1,000-unit figure is in `make bench`)."""
    settings.SURVEY_MIN_RESPONSES_FOR_STATS = 5
    counts = {}
    for units in (10, 60):
        campaign = campaign_with_sources(units, f"Q{units}-")
        with CaptureQueriesContext(connection) as queries:
            assert results_store(campaign, None) == units
        counts[units] = len(queries)
        stored = ResultVersion.objects.filter(campaign=campaign)
        assert stored.count() == units and all(r.scored == 41 and r.complete for r in stored)
    assert counts[10] == counts[60], counts


def test_the_stored_version_1_is_the_live_result_field_for_field(settings):
    """results_store writes its own JSON (each distinct row serialised once, by a binary COPY), the live view
    builds dicts: both must say the same. Units with every source, one with its current record instead of a
    pinned version, one without a signed sheet, one without staff tallies, an exempt indicator."""
    settings.SURVEY_MIN_RESPONSES_FOR_STATS = 5
    campaign = campaign_with_sources(6, "E")
    targets = list(campaign.targets.order_by("pk").select_related("unit"))
    CampaignTarget.objects.filter(pk=targets[0].pk).update(registry_version=None)
    QuotaFactory(unit=targets[0].unit, kind=Quota.Kind.ADMINISTRATIVE, approved=10, actual=12)
    LeadershipPost.objects.create(unit=targets[0].unit, rank="division_deputy", approved=2, actual=3)
    SheetSignoff.objects.filter(target=targets[1]).delete()
    StaffTally.objects.filter(target=targets[2]).delete()
    TreeIndicator.objects.filter(tree__campaign=campaign, code="D2_01").update(exempt_reason="本年度不适用")
    live = {r.target_id: r for r in results_compute(campaign=campaign)}
    assert results_store(campaign, None) == 6
    fields = ["total", "execution", "benefit", "grade", "complete", "scored", "indicator_count", "weight_covered",
              "missing", "flags", "dimensions", "rank_overall", "rank_kind", "rank_level"]
    for stored in ResultVersion.objects.filter(campaign=campaign):
        expected = live[stored.target_id]
        assert [getattr(stored, f) for f in fields] == [getattr(expected, f) for f in fields]
        assert list(stored.indicators.items()) == list(expected.indicators.items())  # in the tree's order
    assert not live[targets[1].pk].complete and live[targets[1].pk].missing  # the unsigned sheet
    assert live[targets[0].pk].indicators["D3_03"]["source"] == "编制台账（当前记录）"
