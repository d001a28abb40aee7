"""The result-application rules at their boundaries (pure: no database)."""

from datetime import date, timedelta

import pytest

from scoring import application_rules as rules

FEEDBACK = date(2025, 3, 1)  # a year without 29 February: day 365 is the anniversary
PARAMS = rules.RuleParams()


def result(grade="poor", workload=0.7, feedback=FEEDBACK):
    return rules.FinalResult(campaign_id=1, campaign_name="2024年度机构编制评估", year=2024, grade=grade, score=55.0,
                             feedback_on=feedback, indicator_scores={"D7_02": workload})


def unit(approved=100, actual=100, kind="administrative", unit_kind="party_government", since=None):
    history = ((since, approved, actual),) if since else ()
    return rules.UnitFacts(unit_kind=unit_kind, lines=((kind, approved, actual),), history=history)


@pytest.mark.parametrize("day, blocked", [(364, True), (365, False), (366, False), (0, True)])
def test_poor_grade_blocks_the_four_kinds_for_a_year_from_feedback(day, blocked):
    today = FEEDBACK + timedelta(days=day)
    for kind in rules.ADJUSTMENT_KINDS:
        decision = rules.may_file(kind, unit(), result("poor"), PARAMS, today)
        assert decision.allowed is not blocked, (kind, day)
        if blocked:
            assert decision.until == date(2026, 2, 28)
            assert "2024年度机构编制评估" in decision.blocks[0].reason and "较差" in decision.blocks[0].reason
    assert rules.may_file(rules.HIRING, unit(), result("poor"), PARAMS, today).allowed


@pytest.mark.parametrize("grade, blocked", [("fair", True), ("poor", True), ("good", False), ("excellent", False)])
def test_only_fair_and_poor_grades_block(grade, blocked):
    assert rules.may_file(rules.QUOTA, unit(), result(grade), PARAMS, FEEDBACK).allowed is not blocked


def test_the_rule_can_be_switched_off_and_its_length_changed():
    assert rules.may_file(rules.QUOTA, unit(), result(), rules.RuleParams(poor_grade_enabled=False), FEEDBACK).allowed
    six = rules.RuleParams(poor_freeze_months=6)
    assert rules.may_file(rules.QUOTA, unit(), result(), six, date(2025, 8, 31)).until == date(2025, 8, 31)
    assert rules.may_file(rules.QUOTA, unit(), result(), six, date(2025, 9, 1)).allowed


@pytest.mark.parametrize("actual, ample", [(91, False), (90, True)])  # 空编率 9% just under, 10% at the threshold
def test_ample_vacancy_rate_threshold(actual, ample):
    facts = unit(approved=100, actual=actual, since=date(2024, 1, 1))
    params = rules.RuleParams(vacancy_count_min=50)  # only the rate counts here
    decision = rules.may_file(rules.QUOTA, facts, result("good"), params, date(2025, 6, 1))
    assert decision.allowed is not ample
    if ample:
        assert decision.until == date(2027, 2, 28)  # two years from the feedback date
        assert "空编率10.0%" in decision.blocks[0].reason


@pytest.mark.parametrize("actual, ample", [(48, False), (47, True)])  # vacancies 2 vs 3 on a large unit (rate < 10%)
def test_ample_vacancy_count_threshold(actual, ample):
    facts = unit(approved=50, actual=actual, since=date(2024, 1, 1))
    assert rules.may_file(rules.BODY, facts, result("good"), PARAMS, date(2025, 6, 1)).allowed is (not ample or False)


def test_ample_vacancy_needs_twelve_months_without_a_break():
    since = date(2024, 6, 2)
    facts = unit(approved=100, actual=80, since=since)
    assert rules.may_file(rules.QUOTA, facts, result("good"), PARAMS, date(2025, 6, 1)).allowed
    assert not rules.may_file(rules.QUOTA, facts, result("good"), PARAMS, date(2025, 6, 2)).allowed


def test_ample_vacancy_proposes_a_reclaim_of_half_the_vacancy():
    facts = unit(approved=100, actual=80, since=date(2024, 1, 1))
    found = rules.unit_findings(facts, result("good"), PARAMS, date(2025, 6, 1))
    assert any(f.effect == rules.RECLAIM for f in found)
    assert rules.reclaim_amounts(facts, PARAMS) == {"administrative": 10}


@pytest.mark.parametrize("workload, paused", [(0.59, True), (0.6, False)])
def test_light_workload_pauses_hiring_plans_only(workload, paused):
    facts = unit(approved=100, actual=90)
    r = result("good", workload=workload)
    assert rules.may_file(rules.HIRING, facts, r, PARAMS, FEEDBACK).allowed is not paused
    assert rules.may_file(rules.QUOTA, facts, r, PARAMS, FEEDBACK).allowed


def test_excellent_or_real_shortage_is_marked_priority():
    assert rules.may_file(rules.QUOTA, unit(actual=95), result("excellent"), PARAMS, FEEDBACK).priority
    assert rules.may_file(rules.QUOTA, unit(), result("good", workload=0.9), PARAMS, FEEDBACK).priority
    assert not rules.may_file(rules.QUOTA, unit(actual=95), result("good", workload=0.9), PARAMS, FEEDBACK).priority


def test_overstaffing_and_organs_on_institutional_quotas_are_refused_whatever_the_grade():
    facts = unit(approved=10, actual=9)
    ok = rules.RequestFacts(kind=rules.HIRING, quota_kind="administrative", amount=1)
    too_many = rules.RequestFacts(kind=rules.HIRING, quota_kind="administrative", amount=2)
    by_retirement = rules.RequestFacts(kind=rules.HIRING, quota_kind="administrative", amount=2, retiring=1)
    assert rules.decide(rules.request_findings(ok, facts, result("excellent"), PARAMS, FEEDBACK)).allowed
    decision = rules.decide(rules.request_findings(too_many, facts, result("excellent"), PARAMS, FEEDBACK), overridden=True)
    assert not decision.allowed and "将超编1名" in decision.blocks[0].reason and decision.until is None
    assert rules.decide(rules.request_findings(by_retirement, facts, None, PARAMS, FEEDBACK)).allowed
    organ = rules.RequestFacts(kind=rules.QUOTA, quota_kind="institutional_full", amount=1)
    assert not rules.decide(rules.request_findings(organ, facts, None, PARAMS, FEEDBACK), overridden=True).allowed
    institution = unit(unit_kind="public_institution")
    assert rules.decide(rules.request_findings(organ, institution, None, PARAMS, FEEDBACK)).allowed


def test_an_override_lifts_result_rules_but_no_result_means_no_rule():
    found = rules.request_findings(rules.RequestFacts(kind=rules.QUOTA, quota_kind="administrative", amount=1),
                                   unit(), result("poor"), PARAMS, FEEDBACK)
    assert not rules.decide(found).allowed and rules.decide(found, overridden=True).allowed
    assert rules.may_file(rules.QUOTA, unit(), None, PARAMS, FEEDBACK).allowed


def test_a_light_workload_still_lets_a_unit_hire_by_retirement():
    facts, r = unit(approved=100, actual=90), result("good", workload=0.3)
    new = rules.RequestFacts(kind=rules.HIRING, quota_kind="administrative", amount=2, basis="new")
    by_retirement = rules.RequestFacts(kind=rules.HIRING, quota_kind="administrative", amount=2, retiring=2,
                                       basis="retirement")
    assert not rules.decide(rules.request_findings(new, facts, r, PARAMS, FEEDBACK)).allowed
    assert rules.decide(rules.request_findings(by_retirement, facts, r, PARAMS, FEEDBACK)).allowed
